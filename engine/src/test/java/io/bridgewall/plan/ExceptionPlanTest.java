package io.bridgewall.plan;

import io.bridgewall.testing.Fixtures;
import static io.bridgewall.testing.Fixtures.samplePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.policy.Allowance;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.BridgeOrigin;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.DnsResolver;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exceptions (--allow, DNS resolvers) and host ports limited to sources, as planned rules. */
class ExceptionPlanTest {
    private static List<String> forward(Policy policy) {
        return Fixtures.planWithoutFastPath(policy).chain(Planner.FORWARD).orElseThrow().rules().stream().map(NftSyntax::ruleText).toList();
    }

    private static List<Allowance> allow(String... texts) {
        return java.util.Arrays.stream(texts).map(t -> Allowance.parse(t, "--allow")).toList();
    }

    @Test
    void exceptionsGoAfterTheInternalDropsAndBeforeEveryOtherDrop() {
        List<String> rules = forward(samplePolicy().withAllowances(allow("10.0.0.5:5432/tcp")));
        String exception = "iifname @contained iifname != @uncontained ip daddr 10.0.0.5 tcp dport 5432 counter accept "
                + "comment \"exception 10.0.0.5:5432/tcp - --allow\"";
        assertThat(rules.indexOf(exception)).isEqualTo(3);
        assertThat(rules.get(2)).contains("internal network: nothing enters");
        assertThat(rules.get(4)).contains("ip daddr @blocked_v4 counter drop");
        assertThat(rules).hasSize(Fixtures.planWithoutFastPath(samplePolicy()).chain(Planner.FORWARD).orElseThrow().rules().size() + 1);
    }

    @Test
    void onlyWhatIsNamedPassesOneRulePerProtocolInTheOrderGiven() {
        List<String> rules = forward(samplePolicy().withAllowances(allow("[2001:db8::5]:5000-5010", "10.1.0.0/16",
                "10.0.0.9/udp")));
        assertThat(rules.subList(3, 7)).containsExactly(
                "iifname @contained iifname != @uncontained ip6 daddr 2001:db8::5 tcp dport 5000-5010 counter accept "
                        + "comment \"exception [2001:db8::5]:5000-5010 - --allow\"",
                "iifname @contained iifname != @uncontained ip6 daddr 2001:db8::5 udp dport 5000-5010 counter accept "
                        + "comment \"exception [2001:db8::5]:5000-5010 - --allow\"",
                "iifname @contained iifname != @uncontained ip daddr 10.1.0.0/16 counter accept "
                        + "comment \"exception 10.1.0.0/16 - --allow\"",
                "iifname @contained iifname != @uncontained ip daddr 10.0.0.9 meta l4proto udp counter accept "
                        + "comment \"exception 10.0.0.9/udp - --allow\"");
    }

    @Test
    void anExceptionForNetworksIsForTheirBridgesOnly() {
        Bridge backend = new Bridge(InterfaceName.of("br-0123456789ab"), List.of(Cidr.parse("172.20.0.0/16")), true, false,
                new BridgeOrigin.Docker("backend", "0123456789ab"));
        Policy policy = new Policy(List.of(Bridge.of("docker0", "172.17.0.0/16"), backend), Policy.DEFAULT_BLOCKED,
                HostInput.defaults()).withAllowances(allow("backend,docker0,ghost=10.0.0.5:5432/tcp"));
        assertThat(forward(policy).subList(3, 5)).containsExactly(
                "iifname \"br-0123456789ab\" ip daddr 10.0.0.5 tcp dport 5432 counter accept "
                        + "comment \"exception backend,docker0,ghost=10.0.0.5:5432/tcp - --allow\"",
                "iifname \"docker0\" ip daddr 10.0.0.5 tcp dport 5432 counter accept "
                        + "comment \"exception backend,docker0,ghost=10.0.0.5:5432/tcp - --allow\"");
        assertThat(forward(policy).get(5)).contains("@blocked_v4");
        assertThat(policy.unknownAllowanceNetworks()).containsExactly("ghost");
    }

    @Test
    void anExceptionWhoseNetworksDoNotExistPlansNothing() {
        Policy policy = samplePolicy().withAllowances(allow("ghost=10.0.0.5"));
        assertThat(forward(policy)).isEqualTo(forward(samplePolicy()));
        assertThat(policy.unknownAllowanceNetworks()).containsExactly("ghost");
    }

    @Test
    void eachDnsResolverIsUdpAndTcp53WithItsSourceAfterTheAllowances() {
        Policy policy = samplePolicy().withAllowances(allow("10.0.0.5:5432/tcp")).withDnsResolvers(List.of(
                DnsResolver.parse("192.168.1.1", "/etc/resolv.conf"),
                DnsResolver.parse("fd00::53", "/etc/docker/daemon.json"),
                DnsResolver.parse("192.168.1.1", "/var/lib/docker/containers/abc/resolv.conf")));
        assertThat(forward(policy).subList(4, 8)).containsExactly(
                "iifname @contained iifname != @uncontained ip daddr 192.168.1.1 tcp dport 53 counter accept "
                        + "comment \"exception 192.168.1.1:53 - dns: /etc/resolv.conf\"",
                "iifname @contained iifname != @uncontained ip daddr 192.168.1.1 udp dport 53 counter accept "
                        + "comment \"exception 192.168.1.1:53 - dns: /etc/resolv.conf\"",
                "iifname @contained iifname != @uncontained ip6 daddr fd00::53 tcp dport 53 counter accept "
                        + "comment \"exception [fd00::53]:53 - dns: /etc/docker/daemon.json\"",
                "iifname @contained iifname != @uncontained ip6 daddr fd00::53 udp dport 53 counter accept "
                        + "comment \"exception [fd00::53]:53 - dns: /etc/docker/daemon.json\"");
        // the same resolver found twice is one pair of rules
        assertThat(forward(policy).get(8)).contains("@blocked_v4");
    }

    @Test
    void aLongOriginIsCutToWhatTheKernelKeeps() {
        String path = "/var/lib/docker/containers/" + "0123456789abcdef".repeat(4) + "/resolv.conf";
        Policy policy = samplePolicy().withDnsResolvers(List.of(DnsResolver.parse("10.0.0.2", path + " \u00e9\"")));
        Rule rule = Fixtures.planWithoutFastPath(policy).chain(Planner.FORWARD).orElseThrow().rules().get(3);
        assertThat(rule.comment()).hasSize(127).startsWith("exception 10.0.0.2:53 - dns: /var/lib/docker/containers/")
                .endsWith("...").matches("[\\x20-\\x7e]*").doesNotContain("\"");
    }

    @Test
    void aHostPortLimitedToSourcesAcceptsOnlyThemBeforeTheFinalCount() {
        Policy policy = new Policy(List.of(), Policy.DEFAULT_BLOCKED,
                HostInput.parsePorts(List.of("443", "22/tcp@10.1.0.0/16,fd00::/8", "53/udp@192.168.5.0/24")));
        Chain input = Fixtures.planWithoutFastPath(policy).chain(Planner.INPUT).orElseThrow();
        assertThat(input.rules().stream().map(NftSyntax::ruleText).toList()).containsSequence(
                "udp dport @host_udp_ports accept",
                "ip saddr 10.1.0.0/16 tcp dport 22 counter accept comment \"host port 22/tcp from 10.1.0.0/16\"",
                "ip6 saddr fd00::/8 tcp dport 22 counter accept comment \"host port 22/tcp from fd00::/8\"",
                "ip saddr 192.168.5.0/24 udp dport 53 counter accept comment \"host port 53/udp from 192.168.5.0/24\"");
        assertThat(NftSyntax.ruleText(input.rules().get(input.rules().size() - 1)))
                .isEqualTo("counter comment \"host input dropped by policy\"");
        assertThat(Fixtures.planWithoutFastPath(policy).set(Planner.TCP_PORTS).orElseThrow().elements()).hasSize(1);
    }
}
