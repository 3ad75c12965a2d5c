package io.bridgewall.plan;

import static io.bridgewall.testing.Fixtures.samplePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.DnsResolver;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.PortRange;
import io.bridgewall.policy.Protocol;
import io.bridgewall.ruleset.Match;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A DNS resolver on the host itself is reached through input: port 53 from container bridges, nothing else. */
class DnsToHostPlanTest {
    private static final List<DnsResolver> RESOLVERS = List.of(
            DnsResolver.parse("172.17.0.1", "/etc/resolv.conf"),
            DnsResolver.parse("fd00::53", "dns in /etc/docker/daemon.json"),
            DnsResolver.parse("172.17.0.1", "container web's --dns"));

    private static List<Rule> input(Policy policy) {
        RuleSet plan = Planner.plan(policy);
        return plan.chain("input").orElseThrow().rules();
    }

    @Test
    void eachResolverGetsTcpAndUdp53FromContainerBridgesInInputBeforeTheFinalCount() {
        List<Rule> without = input(samplePolicy());
        List<Rule> with = input(samplePolicy().withDnsResolvers(RESOLVERS));

        assertThat(with).hasSize(without.size() + 4);
        List<Rule> added = with.stream().filter(rule -> !without.contains(rule)).toList();
        assertThat(with.get(with.size() - 1)).isEqualTo(without.get(without.size() - 1));
        assertThat(added).allSatisfy(rule -> {
            assertThat(rule.matches()).startsWith(new Match.InterfaceInSet(Match.Direction.IN, Planner.CONTAINED, false),
                    new Match.InterfaceInSet(Match.Direction.IN, Planner.UNCONTAINED, true));
            assertThat(rule.statements()).containsExactly(Statement.Counter.zero(), new Statement.Accept());
        });
        assertThat(added).extracting(rule -> rule.matches().subList(2, 4)).containsExactly(
                List.of(new Match.AddressIn(Match.AddressField.DESTINATION, Cidr.parse("172.17.0.1")),
                        new Match.DestinationPortIn(Protocol.TCP, PortRange.single(53))),
                List.of(new Match.AddressIn(Match.AddressField.DESTINATION, Cidr.parse("172.17.0.1")),
                        new Match.DestinationPortIn(Protocol.UDP, PortRange.single(53))),
                List.of(new Match.AddressIn(Match.AddressField.DESTINATION, Cidr.parse("fd00::53")),
                        new Match.DestinationPortIn(Protocol.TCP, PortRange.single(53))),
                List.of(new Match.AddressIn(Match.AddressField.DESTINATION, Cidr.parse("fd00::53")),
                        new Match.DestinationPortIn(Protocol.UDP, PortRange.single(53))));
        assertThat(added.get(0).comment()).isEqualTo("dns to the host: /etc/resolv.conf");
        // The policy's last word in input is still the counted drop.
        assertThat(with.get(with.size() - 1)).isEqualTo(without.get(without.size() - 1));
    }

    @Test
    void hostInputLeftAloneGetsNoInputChainAtAll() {
        Policy unmanaged = new Policy(samplePolicy().bridges(), Policy.DEFAULT_BLOCKED, HostInput.unmanaged())
                .withDnsResolvers(RESOLVERS);
        assertThat(Planner.plan(unmanaged).chain("input")).isEmpty();
    }
}
