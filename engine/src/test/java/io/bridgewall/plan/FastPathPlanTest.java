package io.bridgewall.plan;

import static io.bridgewall.testing.Fixtures.bridge;
import static io.bridgewall.testing.Fixtures.sampleBridges;
import static io.bridgewall.testing.Fixtures.samplePolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.policy.Allowance;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Containment;
import io.bridgewall.policy.DockerFirewall;
import io.bridgewall.policy.DropLogging;
import io.bridgewall.policy.FastPath;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InterfacePattern;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Protocol;
import io.bridgewall.policy.PublishedPort;
import io.bridgewall.policy.PublishedPorts;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Match;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.Statement;
import io.bridgewall.testing.Fixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The forward chain's fast path: the mark names what the forward decision depends on, so an
 * apply of the same policy changes nothing and an apply of one that decides differently makes
 * every open connection walk the checks again.
 */
class FastPathPlanTest {
    private static final Policy BASE = samplePolicy().withAllowances(List.of(Allowance.parse("10.0.0.5:5432/tcp", "--allow")));

    private static int mark(Policy policy) {
        return Planner.fastPathMark(Planner.plan(policy)).orElseThrow();
    }

    @Test
    void theSamePolicyHasTheSameMarkWhateverOrderItsBridgesCameIn() {
        List<Bridge> shuffled = new ArrayList<>(sampleBridges());
        Collections.reverse(shuffled);
        assertThat(mark(BASE)).isEqualTo(mark(BASE));
        assertThat(mark(Policy.withDefaults(shuffled))).isEqualTo(mark(Policy.withDefaults(sampleBridges())));
        assertThat(Planner.plan(BASE)).isEqualTo(Planner.plan(BASE));
    }

    @Test
    void everyChangeOfWhatForwardingDecidesChangesTheMark() {
        List<Bridge> withNew = new ArrayList<>(sampleBridges());
        withNew.add(bridge("br-new", true, false, "new", "10.20.0.0/24"));
        List<Bridge> moved = new ArrayList<>(sampleBridges());
        moved.set(2, bridge("br-direct", false, false, "routed", "192.168.51.0/24", "fd00:beef::/64"));
        List<Bridge> nowInternal = new ArrayList<>(sampleBridges());
        nowInternal.set(0, bridge("docker0", true, true, "bridge (default)", "172.17.0.0/16", "fd00:d0c::/64"));
        List<Bridge> talking = new ArrayList<>(sampleBridges());
        talking.set(2, sampleBridges().get(2).withInterContainerCommunication(false));
        Map<String, Policy> changes = new LinkedHashMap<>();
        changes.put("a network more", policyWithBridges(withNew));
        changes.put("a subnet moved", policyWithBridges(moved));
        changes.put("a network made internal", policyWithBridges(nowInternal));
        changes.put("a network's containers isolated", policyWithBridges(talking));
        changes.put("strict isolation", BASE.withIsolation(Isolation.STRICT));
        changes.put("an exception removed", BASE.withAllowances(List.of()));
        changes.put("an exception's port", BASE.withAllowances(List.of(Allowance.parse("10.0.0.5:5433/tcp", "--allow"))));
        changes.put("a blocked range less", new Policy(BASE.bridges(), Policy.DEFAULT_BLOCKED.subList(1, Policy.DEFAULT_BLOCKED.size()),
                BASE.hostInput()).withAllowances(BASE.allowances()));
        changes.put("containment off", BASE.withContainment(Containment.off()));
        changes.put("another pattern", BASE.withContainment(new Containment(List.of(InterfacePattern.of("docker0"),
                InterfacePattern.of("br-*"), InterfacePattern.of("vmbr*")), List.of())));
        changes.put("an exemption", BASE.withContainment(new Containment(Containment.DOCKER_NAMING, List.of(InterfaceName.of("br-lan")))));
        changes.put("Docker's firewall present", BASE.withDockerFirewall(DockerFirewall.present("chains ip filter DOCKER")));
        changes.put("drops logged", BASE.withDropLogging(DropLogging.parse(true, Optional.empty(), OptionalInt.empty())));

        Set<Integer> marks = new HashSet<>(Set.of(mark(BASE)));
        changes.forEach((what, policy) -> assertThat(marks.add(mark(policy))).as(what + " has a mark of its own").isTrue());
    }

    @Test
    void whatForwardingDoesNotLookAtLeavesTheMark() {
        List<Bridge> notMasqueraded = new ArrayList<>(sampleBridges());
        notMasqueraded.set(0, bridge("docker0", false, false, "another origin", "172.17.0.0/16", "fd00:d0c::/64"));
        assertThat(mark(BASE.withPublishedPorts(PublishedPorts.of(PublishedPort.of("0.0.0.0", Protocol.TCP, 8080, "web")))))
                .as("published ports are the input chain's").isEqualTo(mark(BASE));
        assertThat(mark(new Policy(BASE.bridges(), BASE.blockedDestinations(), HostInput.parsePorts(List.of("22", "443/tcp")))
                .withAllowances(BASE.allowances()))).as("host ports are the input chain's").isEqualTo(mark(BASE));
        assertThat(mark(policyWithBridges(notMasqueraded))).as("masquerading and origins decide nothing in forward")
                .isEqualTo(mark(BASE));
    }

    /** A → B → A: connections admitted under A are valid under A again, so A's mark comes back. */
    @Test
    void goingBackToAPolicyGoesBackToItsMark() {
        Policy b = BASE.withAllowances(List.of());
        assertThat(mark(b)).isNotEqualTo(mark(BASE));
        assertThat(mark(b.withAllowances(BASE.allowances()))).isEqualTo(mark(BASE));
    }

    @Test
    void establishedConnectionsWithTheMarkGoFirstAndOnlyWhatPassesTheOriginalWayIsStamped() {
        RuleSet plan = Planner.plan(BASE.withDockerFirewall(DockerFirewall.present("chains ip filter DOCKER")));
        List<Rule> rules = plan.chain(Planner.FORWARD).orElseThrow().rules();
        int mark = Planner.fastPathMark(plan).orElseThrow();
        Statement stamp = new Statement.CtMarkSet(-1, mark);

        // Established only: related packets (expectations inherit their master's mark) are checked.
        assertThat(rules.get(0)).isEqualTo(new Rule(List.of(new Match.CtStateIn(EnumSet.of(Match.CtState.ESTABLISHED)),
                new Match.CtMarkIs(-1, mark)), List.of(new Statement.Accept()), "fast path: established connections this policy admitted"));
        // A reply passes the checks ("replies pass") even when its connection's original way is
        // blocked: only the original way stamps the fall-through.
        assertThat(rules.get(rules.size() - 1).matches()).containsExactly(new Match.CtDirectionIs(Match.CtDirection.ORIGINAL));
        assertThat(rules.get(rules.size() - 1).statements()).containsExactly(stamp);
        List<Rule> accepts = rules.subList(1, rules.size()).stream().filter(r -> r.statements().contains(new Statement.Accept())).toList();
        assertThat(accepts).as("same bridge, DNAT'd, the exception").hasSize(3);
        assertThat(accepts).filteredOn(r -> r.statements().contains(stamp)).extracting(Rule::comment)
                .as("the accepts that decide the same both ways stamp")
                .containsExactly("containers of one network that allows it reach each other",
                        "published ports: connections Docker's own firewall forwarded to a container, both ways");
        for (Rule accept : accepts) {
            List<Statement> statements = accept.statements();
            if (statements.contains(stamp)) {
                assertThat(statements.subList(statements.size() - 2, statements.size())).containsExactly(stamp, new Statement.Accept());
            } else {
                assertThat(accept.comment()).as("a reply can match an exception: it does not stamp").startsWith("exception ");
            }
        }
        // The checks themselves are the plan without the fast path, in the same order.
        List<Rule> checks = Fixtures.planWithoutFastPath(BASE.withDockerFirewall(DockerFirewall.present("chains ip filter DOCKER")))
                .chain(Planner.FORWARD).orElseThrow().rules();
        assertThat(rules.subList(1, rules.size() - 1)).extracting(Rule::matches).isEqualTo(checks.stream().map(Rule::matches).toList());
        assertThat(rules.stream().filter(r -> r.statements().contains(new Statement.Drop())).toList())
                .isEqualTo(checks.stream().filter(r -> r.statements().contains(new Statement.Drop())).toList());
    }

    @Test
    void offLeavesTheChecksAsTheyWere() {
        RuleSet off = Planner.plan(BASE.withFastPath(FastPath.off()));
        assertThat(Planner.fastPathMark(off)).isEmpty();
        assertThat(off.chain(Planner.FORWARD).orElseThrow().rules()).allSatisfy(rule -> {
            assertThat(rule.matches()).noneMatch(m -> m instanceof Match.CtMarkIs);
            assertThat(rule.statements()).noneMatch(s -> s instanceof Statement.CtMarkSet);
        });
        assertThat(off.chains().stream().filter(c -> !c.name().equals(Planner.FORWARD)).toList())
                .isEqualTo(Planner.plan(BASE).chains().stream().filter(c -> !c.name().equals(Planner.FORWARD)).toList());
    }

    @Test
    void aMaskKeepsTheMarkInsideItsBitsAndNeverZero() {
        int mask = 0xffff0000;
        for (int i = 0; i < 200; i++) {
            Policy policy = BASE.withAllowances(List.of(Allowance.parse("10.0.0.5:" + (1000 + i) + "/tcp", "--allow")))
                    .withFastPath(new FastPath(true, mask));
            RuleSet plan = Planner.plan(policy);
            int mark = Planner.fastPathMark(plan).orElseThrow();
            assertThat(mark & ~mask).isZero();
            assertThat(mark).isNotZero();
            Chain forward = plan.chain(Planner.FORWARD).orElseThrow();
            assertThat(forward.rules().get(0).matches()).contains(new Match.CtMarkIs(mask, mark));
            assertThat(forward.rules().get(forward.rules().size() - 1).statements()).containsExactly(new Statement.CtMarkSet(mask, mark));
        }
    }

    @Test
    void aMaskOfFewerThanSixteenBitsIsRefused() {
        assertThatThrownBy(() -> new FastPath(true, 0xff)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least 16");
    }

    private static Policy policyWithBridges(List<Bridge> bridges) {
        return Policy.withDefaults(bridges).withAllowances(BASE.allowances());
    }

}
