package io.bridgewall.plan;

import io.bridgewall.testing.Fixtures;
import static io.bridgewall.testing.Fixtures.bridge;
import static io.bridgewall.testing.Fixtures.ifname;
import static io.bridgewall.testing.Fixtures.manyBridges;
import static io.bridgewall.testing.Fixtures.network;
import static io.bridgewall.testing.Fixtures.range;
import static io.bridgewall.testing.Fixtures.samplePolicy;
import static io.bridgewall.testing.Fixtures.sampleBridges;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.Containment;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InterfacePattern;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.Port;
import io.bridgewall.policy.Protocol;
import io.bridgewall.policy.PublishedPort;
import io.bridgewall.policy.PublishedPorts;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.Match;
import io.bridgewall.ruleset.Match.Direction;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.Statement;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.SetElement;
import io.bridgewall.ruleset.SetType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final RuleSet SAMPLE = Fixtures.planWithoutFastPath(samplePolicy());

    @Test
    void plansTableInetBridgewall() {
        assertThat(SAMPLE.table()).isEqualTo("bridgewall");
        assertThat(SAMPLE.family()).isEqualTo(Family.INET);
    }

    @Test
    void plansInputForwardAndPostroutingChains() {
        assertThat(SAMPLE.chains()).extracting(Chain::name, Chain::type, Chain::hook, Chain::priority, Chain::policy)
                .containsExactly(
                        tuple("input", Chain.ChainType.FILTER, Chain.Hook.INPUT, 0,
                                Chain.Policy.DROP),
                        tuple("forward", Chain.ChainType.FILTER, Chain.Hook.FORWARD, 0,
                                Chain.Policy.ACCEPT),
                        tuple("postrouting", Chain.ChainType.NAT, Chain.Hook.POSTROUTING,
                                100, Chain.Policy.ACCEPT));
        assertThat(SAMPLE.chain("input").orElseThrow().rules()).hasSize(11);
        assertThat(SAMPLE.chain("forward").orElseThrow().rules()).hasSize(9);
        assertThat(SAMPLE.chain("postrouting").orElseThrow().rules()).hasSize(3);
    }

    @Test
    void leavesHostInputAloneWhenUnmanaged() {
        RuleSet plan = Fixtures.planWithoutFastPath(new Policy(samplePolicy().bridges(), Policy.DEFAULT_BLOCKED, HostInput.unmanaged()));

        assertThat(plan.chains()).extracting(Chain::name).containsExactly("forward", "postrouting");
        assertThat(plan.set(Planner.TCP_PORTS)).isEmpty();
        assertThat(plan.set(Planner.UDP_PORTS)).isEmpty();
        assertThat(plan.set(Planner.ICMPV6_TYPES)).isEmpty();
        assertThat(plan.ruleCount()).isEqualTo(12);
    }

    @Test
    void declaresEverySetWithItsTypeAndIntervalFlag() {
        assertThat(SAMPLE.sets()).extracting(NamedSet::name, NamedSet::type, NamedSet::interval).containsExactly(
                tuple("bridges", SetType.IFNAME, false),
                tuple("internal_bridges", SetType.IFNAME, false),
                tuple("contained", SetType.IFNAME, true),
                tuple("uncontained", SetType.IFNAME, false),
                tuple("icc_pairs", SetType.IFNAME_PAIR, false),
                tuple("bridge_nets_v4", SetType.IPV4_ADDR, true),
                tuple("masquerade_nets_v4", SetType.IPV4_ADDR, true),
                tuple("blocked_v4", SetType.IPV4_ADDR, true),
                tuple("bridge_nets_v6", SetType.IPV6_ADDR, true),
                tuple("masquerade_nets_v6", SetType.IPV6_ADDR, true),
                tuple("blocked_v6", SetType.IPV6_ADDR, true),
                tuple("host_tcp_ports", SetType.INET_SERVICE, false),
                tuple("host_udp_ports", SetType.INET_SERVICE, false),
                tuple("host_icmpv6_types", SetType.ICMPV6_TYPE, false),
                tuple("published_v4", SetType.PROTO_SERVICE, false),
                tuple("published_v6", SetType.PROTO_SERVICE, false),
                tuple("published_addr_v4", SetType.IPV4_PROTO_SERVICE, false),
                tuple("published_addr_v6", SetType.IPV6_PROTO_SERVICE, false));
    }

    @Test
    void bridgeSetsHoldEveryBridgeSortedAndTheInternalOnesApart() {
        assertThat(elements(SAMPLE, Planner.BRIDGES)).containsExactly(
                ifname("br-direct", "routed"), ifname("br-internal", "backend"), ifname("docker0", "bridge (default)"));
        assertThat(elements(SAMPLE, Planner.INTERNAL_BRIDGES)).containsExactly(ifname("br-internal", "backend"));
    }

    @Test
    void bridgeNetworksHoldEverySubnetNotedWithItsBridge() {
        assertThat(elements(SAMPLE, Planner.BRIDGE_NETS_V4)).containsExactly(
                network("10.10.0.0/24", "br-internal"), network("172.17.0.0/16", "docker0"),
                network("192.168.50.0/24", "br-direct"));
        assertThat(elements(SAMPLE, Planner.BRIDGE_NETS_V6)).containsExactly(
                network("fd00:d0c::/64", "docker0"), network("fd00:beef::/64", "br-direct"));
    }

    @Test
    void masqueradesOnlyBridgesThatAskForItAndAreNotInternal() {
        assertThat(elements(SAMPLE, Planner.MASQ_NETS_V4)).containsExactly(network("172.17.0.0/16", "docker0"));
        assertThat(elements(SAMPLE, Planner.MASQ_NETS_V6)).containsExactly(network("fd00:d0c::/64", "docker0"));
    }

    @Test
    void blockedSetsHoldTheDefaultRangesSortedPerFamily() {
        assertThat(elements(SAMPLE, Planner.BLOCKED_V4)).containsExactly(
                network("10.0.0.0/8", ""), network("100.64.0.0/10", ""), network("169.254.0.0/16", ""),
                network("172.16.0.0/12", ""), network("192.168.0.0/16", ""));
        assertThat(elements(SAMPLE, Planner.BLOCKED_V6)).containsExactly(network("fc00::/7", ""), network("fe80::/10", ""));
    }

    @Test
    void blockedRangesThatTouchOrOverlapAreMerged() {
        Policy policy = new Policy(List.of(), List.of(Cidr.parse("10.0.0.0/9"),
                Cidr.parse("10.128.0.0/9"), Cidr.parse("10.64.0.0/16")),
                HostInput.defaults());

        assertThat(elements(Fixtures.planWithoutFastPath(policy), Planner.BLOCKED_V4)).containsExactly(network("10.0.0.0/8", ""));
    }

    @Test
    void hostSetsHoldThePortsByProtocolAndTheEssentialIcmpv6Types() {
        RuleSet plan = Fixtures.planWithoutFastPath(new Policy(List.of(), List.of(),
                new HostInput(true, List.of(Port.parse("443"), Port.parse("22"), Port.parse("53/udp")))));

        assertThat(elements(plan, Planner.TCP_PORTS)).containsExactly(
                SetElement.single(ByteString.bigEndianU16(22), ""), SetElement.single(ByteString.bigEndianU16(443), ""));
        assertThat(elements(plan, Planner.UDP_PORTS)).containsExactly(SetElement.single(ByteString.bigEndianU16(53), ""));
        assertThat(elements(plan, Planner.ICMPV6_TYPES)).containsExactly(
                SetElement.single(ByteString.of((byte) 134), ""), SetElement.single(ByteString.of((byte) 135), ""),
                SetElement.single(ByteString.of((byte) 136), ""));
    }

    @Test
    void ruleCountDoesNotDependOnTheNumberOfBridges() {
        RuleSet one = Fixtures.planWithoutFastPath(manyBridges(1));
        RuleSet many = Fixtures.planWithoutFastPath(manyBridges(10_000));

        assertThat(many.ruleCount()).isEqualTo(one.ruleCount()).isEqualTo(23);
        assertThat(many.chains()).isEqualTo(one.chains());
        assertThat(elements(one, Planner.BRIDGES)).hasSize(1);
        assertThat(elements(many, Planner.BRIDGES)).hasSize(10_000);
        assertThat(elements(many, Planner.BRIDGE_NETS_V4)).hasSize(10_000);
        assertThat(elements(many, Planner.BRIDGE_NETS_V6)).hasSize(10_000);
        assertThat(elements(many, Planner.MASQ_NETS_V4)).hasSize(10_000);
    }

    @Test
    void samePolicyPlansToEqualRuleSets() {
        assertThat(Fixtures.planWithoutFastPath(samplePolicy())).isEqualTo(SAMPLE);
    }

    @Test
    void bridgeOrderDoesNotChangeThePlanNotesIncluded() {
        List<Bridge> bridges = new ArrayList<>(manyBridges(300).bridges());
        // Adjacent subnets of different bridges merge into one element noted with both names.
        bridges.add(bridge("br-x", true, false, "x", "172.17.0.0/16"));
        bridges.add(bridge("br-y", true, false, "y", "172.18.0.0/16"));
        RuleSet given = Fixtures.planWithoutFastPath(Policy.withDefaults(bridges));
        Collections.shuffle(bridges, new Random(42));
        RuleSet shuffled = Fixtures.planWithoutFastPath(Policy.withDefaults(bridges));

        assertThat(shuffled).isEqualTo(given);
        assertThat(elements(shuffled, Planner.BRIDGE_NETS_V4))
                .contains(range("172.17.0.0", "172.18.255.255", "br-x; br-y"));
    }

    @Test
    void containsDockersBridgeNamingByDefaultWithTheBridgesThePatternsHoldMergedAway() {
        assertThat(elements(SAMPLE, Planner.CONTAINED)).containsExactly(pattern("br-*", "name pattern"),
                ifname("docker0", "name pattern"));
        assertThat(elements(SAMPLE, Planner.UNCONTAINED)).isEmpty();
    }

    @Test
    void containmentAloneIsTheBootPolicy() {
        RuleSet boot = Fixtures.planWithoutFastPath(Policy.withDefaults(List.of()));

        assertThat(elements(boot, Planner.CONTAINED)).extracting(SetElement::first)
                .containsExactly(pattern("br-*", "").first(), ifname("docker0", "").first());
        assertThat(elements(boot, Planner.BRIDGES)).isEmpty();
        assertThat(boot.chains()).isEqualTo(SAMPLE.chains());
    }

    @Test
    void customPatternsReplaceTheDefaultsAndKeepBridgesOfOtherNames() {
        Policy policy = Policy.withDefaults(sampleBridges()).withContainment(new Containment(
                List.of(InterfacePattern.of("br-*"), InterfacePattern.of("br-in*"), InterfacePattern.of("vmbr*")),
                List.of(InterfaceName.of("br-lan"), InterfaceName.of("vmbr0"))));

        RuleSet plan = Fixtures.planWithoutFastPath(policy);

        // docker0 is no pattern now but a bridge of the policy; br-in* lies within br-*.
        assertThat(elements(plan, Planner.CONTAINED)).containsExactly(pattern("br-*", "name pattern"),
                ifname("docker0", "bridge (default)"), pattern("vmbr*", "name pattern"));
        assertThat(elements(plan, Planner.UNCONTAINED)).containsExactly(ifname("br-lan", "not a container bridge"),
                ifname("vmbr0", "not a container bridge"));
        assertThat(plan.chains()).isEqualTo(SAMPLE.chains());
    }

    @Test
    void anExemptionNamingABridgeOfThePolicyIsIgnored() {
        Policy policy = Policy.withDefaults(sampleBridges()).withContainment(new Containment(
                Containment.DOCKER_NAMING, List.of(InterfaceName.of("br-internal"), InterfaceName.of("br-lan"))));

        assertThat(elements(Fixtures.planWithoutFastPath(policy), Planner.UNCONTAINED)).containsExactly(
                ifname("br-lan", "not a container bridge"));
        assertThat(policy.ignoredExemptions()).extracting(Bridge::name).containsExactly(InterfaceName.of("br-internal"));
    }

    @Test
    void containmentOffLeavesTheBridgesOfThePolicyContainedWithTheSameRules() {
        RuleSet off = Fixtures.planWithoutFastPath(Policy.withDefaults(sampleBridges()).withContainment(Containment.off()));

        assertThat(elements(off, Planner.CONTAINED)).containsExactly(ifname("br-direct", "routed"),
                ifname("br-internal", "backend"), ifname("docker0", "bridge (default)"));
        assertThat(off.chains()).isEqualTo(SAMPLE.chains());
    }

    @Test
    void containerBridgesAreMatchedByTheContainedAndUncontainedSetsInEveryRuleThatNeedsNoSubnet() {
        Match inContained = new Match.InterfaceInSet(Direction.IN, Planner.CONTAINED, false);
        Match inUncontained = new Match.InterfaceInSet(Direction.IN, Planner.UNCONTAINED, true);
        Match outContained = new Match.InterfaceInSet(Direction.OUT, Planner.CONTAINED, false);
        Match outUncontained = new Match.InterfaceInSet(Direction.OUT, Planner.UNCONTAINED, true);
        List<Rule> forward = SAMPLE.chain(Planner.FORWARD).orElseThrow().rules();
        List<Rule> postrouting = SAMPLE.chain(Planner.POSTROUTING).orElseThrow().rules();

        assertThat(forward.subList(3, 8)).allSatisfy(rule ->
                assertThat(rule.matches()).startsWith(inContained, inUncontained));
        assertThat(forward.get(7).matches()).containsExactly(inContained, inUncontained, outContained, outUncontained);
        assertThat(forward.get(8).matches()).containsExactly(outContained, outUncontained,
                new Match.CtStateIn(EnumSet.of(Match.CtState.NEW, Match.CtState.INVALID, Match.CtState.UNTRACKED)));
        assertThat(forward.get(8).statements()).containsExactly(Statement.Counter.zero(), new Statement.Drop());
        // Networks not known yet are masqueraded by interface; the known ones only by their subnets and flags.
        assertThat(postrouting.get(2).matches()).containsExactly(inContained, inUncontained,
                new Match.InterfaceInSet(Direction.IN, Planner.BRIDGES, true));
        assertThat(postrouting.get(2).statements()).containsExactly(new Statement.Masquerade());
    }

    @Test
    void sameBridgeTrafficIsAcceptedFirstOnlyThroughThePairSet() {
        Rule first = SAMPLE.chain(Planner.FORWARD).orElseThrow().rules().get(0);

        assertThat(first.matches()).containsExactly(new Match.InterfacePairInSet(Planner.ICC_PAIRS));
        assertThat(first.statements()).containsExactly(Statement.Counter.zero(), new Statement.Accept());
        assertThat(SAMPLE.set(Planner.ICC_PAIRS).orElseThrow().type()).isEqualTo(SetType.IFNAME_PAIR);
        assertThat(SAMPLE.set(Planner.ICC_PAIRS).orElseThrow().interval()).isFalse();
    }

    @Test
    void userNetworksTalkUnlessTheyTurnIccOffAndDocker0NeverTalks() {
        Policy policy = Policy.withDefaults(List.of(
                bridge("docker0", true, false, "bridge (default)", "172.17.0.0/16"),
                bridge("br-web", true, false, "web", "10.20.0.0/24"),
                bridge("br-quiet", true, false, "quiet", "10.21.0.0/24").withInterContainerCommunication(false),
                bridge("br-internal", true, true, "backend", "10.10.0.0/24")));

        assertThat(elements(Fixtures.planWithoutFastPath(policy), Planner.ICC_PAIRS)).containsExactly(
                pair("br-internal", "backend"), pair("br-web", "web"));
    }

    @Test
    void strictIsolationLeavesThePairSetEmptyAndTheRulesAsTheyAre() {
        RuleSet strict = Fixtures.planWithoutFastPath(samplePolicy().withIsolation(Isolation.STRICT));

        assertThat(elements(SAMPLE, Planner.ICC_PAIRS)).isNotEmpty();
        assertThat(elements(strict, Planner.ICC_PAIRS)).isEmpty();
        assertThat(strict.chains()).isEqualTo(SAMPLE.chains());
    }

    @Test
    void theRuleCountStaysFixedWhateverTalks() {
        List<Bridge> many = manyBridges(1000).bridges();
        RuleSet talking = Fixtures.planWithoutFastPath(Policy.withDefaults(many));
        RuleSet quiet = Fixtures.planWithoutFastPath(Policy.withDefaults(many.stream().map(b -> b.withInterContainerCommunication(false)).toList()));

        assertThat(elements(talking, Planner.ICC_PAIRS)).hasSize(1000);
        assertThat(talking.chains()).isEqualTo(quiet.chains());
    }

    @Test
    void withDockersOwnFirewallConnectionsItDnatedPassBeforeTheContainerDropsAndNothingElseChanges() {
        RuleSet coexisting = Fixtures.planWithoutFastPath(samplePolicy().withDockerFirewall(
                io.bridgewall.policy.DockerFirewall.present("chains ip filter DOCKER")));
        List<Rule> forward = coexisting.chain(Planner.FORWARD).orElseThrow().rules();
        List<Rule> alone = SAMPLE.chain(Planner.FORWARD).orElseThrow().rules();

        Rule dnat = new Rule(List.of(new Match.CtStatusIn(EnumSet.of(Match.CtStatus.DNAT))),
                List.of(Statement.Counter.zero(), new Statement.Accept()),
                "published ports: connections Docker's own firewall forwarded to a container, both ways");
        // After the internal-network drops (an internal network gets no published ports), before every other drop.
        assertThat(forward).hasSize(alone.size() + 1);
        assertThat(forward.get(3)).isEqualTo(dnat);
        assertThat(forward.subList(0, 3)).isEqualTo(alone.subList(0, 3));
        assertThat(forward.subList(4, forward.size())).isEqualTo(alone.subList(3, alone.size()));
        assertThat(coexisting.sets()).isEqualTo(SAMPLE.sets());
    }

    private static PublishedPort published(String hostIp, Protocol protocol, int port, String container) {
        return PublishedPort.of(hostIp, protocol, port, container).get(0);
    }

    private static List<String> elementTexts(RuleSet plan, String set) {
        NamedSet named = plan.set(set).orElseThrow();
        return named.elements().stream().map(e -> NftSyntax.elementText(named.type(), e) + " # " + e.note()).toList();
    }

    @Test
    void publishedPortsOpenForTheirProtocolOnTheAddressTheyArePublishedOn() {
        RuleSet plan = Fixtures.planWithoutFastPath(samplePolicy().withPublishedPorts(PublishedPorts.of(List.of(
                published("0.0.0.0", Protocol.TCP, 8081, "web (id 0123456789ab) port 80"),
                published("::", Protocol.TCP, 8081, "web (id 0123456789ab) port 80"),
                published("0.0.0.0", Protocol.UDP, 5353, "dns (id 1123456789ab) port 53"),
                published("192.168.50.1", Protocol.TCP, 8082, "api (id 2123456789ab) port 8080"),
                published("fd50::1", Protocol.UDP, 8082, "api (id 2123456789ab) port 8080"),
                published("127.0.0.1", Protocol.TCP, 8083, "admin (id 3123456789ab) port 80"),
                published("::1", Protocol.TCP, 8083, "admin (id 3123456789ab) port 80")))));

        assertThat(elementTexts(plan, Planner.PUBLISHED_V4)).containsExactly(
                "tcp . 8081 # web (id 0123456789ab) port 80", "udp . 5353 # dns (id 1123456789ab) port 53");
        assertThat(elementTexts(plan, Planner.PUBLISHED_V6)).containsExactly("tcp . 8081 # web (id 0123456789ab) port 80");
        assertThat(elementTexts(plan, Planner.PUBLISHED_ADDR_V4))
                .containsExactly("192.168.50.1 . tcp . 8082 # api (id 2123456789ab) port 8080");
        assertThat(elementTexts(plan, Planner.PUBLISHED_ADDR_V6))
                .containsExactly("fd50::1 . udp . 8082 # api (id 2123456789ab) port 8080");
        // Keys as the kernel holds them (nft 1.0.6 --debug=netlink: 00000006 0000911f for tcp . 8081).
        assertThat(elements(plan, Planner.PUBLISHED_V4).get(0).first())
                .isEqualTo(ByteString.of((byte) 6, (byte) 0, (byte) 0, (byte) 0, (byte) 0x1f, (byte) 0x91, (byte) 0, (byte) 0));
        assertThat(elements(plan, Planner.PUBLISHED_ADDR_V4).get(0).first().length()).isEqualTo(12);
        assertThat(elements(plan, Planner.PUBLISHED_ADDR_V6).get(0).first().length()).isEqualTo(24);
    }

    @Test
    void publishedPortRulesAcceptBeforeTheInputDropAndNeverChangeWithTheContainers() {
        RuleSet none = Fixtures.planWithoutFastPath(samplePolicy());
        RuleSet some = Fixtures.planWithoutFastPath(samplePolicy().withPublishedPorts(PublishedPorts.of(List.of(
                published("0.0.0.0", Protocol.TCP, 8081, "web")))));
        RuleSet off = Fixtures.planWithoutFastPath(samplePolicy().withPublishedPorts(PublishedPorts.off()));

        List<Rule> input = some.chain("input").orElseThrow().rules();
        assertThat(input.subList(input.size() - 5, input.size() - 1)).extracting(Rule::matches).containsExactly(
                List.of(new Match.ServiceInSet(IpFamily.IPV4, false, Planner.PUBLISHED_V4)),
                List.of(new Match.ServiceInSet(IpFamily.IPV6, false, Planner.PUBLISHED_V6)),
                List.of(new Match.ServiceInSet(IpFamily.IPV4, true, Planner.PUBLISHED_ADDR_V4)),
                List.of(new Match.ServiceInSet(IpFamily.IPV6, true, Planner.PUBLISHED_ADDR_V6)));
        assertThat(input.get(input.size() - 1).comment()).isEqualTo("host input dropped by policy");
        assertThat(some.chains()).isEqualTo(none.chains()).isEqualTo(off.chains());
        assertThat(elements(off, Planner.PUBLISHED_V4)).isEmpty();
        assertThat(elements(none, Planner.PUBLISHED_V4)).isEmpty();
    }

    @Test
    void loopbackOnlyPortsNeedNothingAndContainersSharingAKeyShareItsElement() {
        RuleSet plan = Fixtures.planWithoutFastPath(samplePolicy().withPublishedPorts(PublishedPorts.of(List.of(
                published("127.0.0.1", Protocol.TCP, 8083, "admin"),
                published("127.0.0.2", Protocol.TCP, 8084, "admin"),
                published("0.0.0.0", Protocol.TCP, 8081, "web"),
                published("0.0.0.0", Protocol.TCP, 8081, "web-copy")))));

        assertThat(elementTexts(plan, Planner.PUBLISHED_V4)).containsExactly("tcp . 8081 # web, web-copy");
        assertThat(elements(plan, Planner.PUBLISHED_ADDR_V4)).isEmpty();
        assertThat(elements(plan, Planner.PUBLISHED_V6)).isEmpty();
    }

    @Test
    void unmanagedHostInputOpensNoPublishedPorts() {
        RuleSet plan = Fixtures.planWithoutFastPath(new Policy(samplePolicy().bridges(), Policy.DEFAULT_BLOCKED, HostInput.unmanaged())
                .withPublishedPorts(PublishedPorts.of(List.of(published("0.0.0.0", Protocol.TCP, 8081, "web")))));

        assertThat(plan.set(Planner.PUBLISHED_V4)).isEmpty();
        assertThat(plan.chain("input")).isEmpty();
    }

    private static SetElement pair(String bridge, String note) {
        byte[] name = InterfaceName.of(bridge).kernelBytes();
        return SetElement.single(io.bridgewall.ruleset.InterfaceKeys.pairKey(name, name), note);
    }

    private static SetElement pattern(String pattern, String note) {
        InterfacePattern parsed = InterfacePattern.of(pattern);
        return new SetElement(ByteString.of(parsed.firstKey()), ByteString.of(parsed.lastKey()), note);
    }

    private static List<SetElement> elements(RuleSet plan, String set) {
        return plan.set(set).orElseThrow().elements();
    }
}
