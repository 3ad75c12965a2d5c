package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.kernel.TableDiff.Change;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Allowance;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.PortRange;
import io.bridgewall.policy.Protocol;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Match;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.SetType;
import io.bridgewall.ruleset.Statement;
import io.bridgewall.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableDiffTest {
    private static final RuleSet SAMPLE = Fixtures.planWithoutFastPath(Fixtures.samplePolicy());

    private static Optional<InstalledTable> installed(RuleSet ruleSet) {
        return Optional.of(InstalledTable.onlyOurs(ruleSet));
    }

    private static RuleSet withBridges(List<Bridge> bridges) {
        return Fixtures.planWithoutFastPath(Policy.withDefaults(bridges));
    }

    @Test
    void nothingInstalledMeansTheWholeTableIsCreated() {
        assertThat(TableDiff.between(Optional.empty(), SAMPLE).replaceWholeTable()).isTrue();
    }

    @Test
    void somethingBridgewallCannotModelMeansTheWholeTableIsReplaced() {
        TableDiff.Result result = TableDiff.between(
                Optional.of(new InstalledTable(SAMPLE, List.of(new Foreign.TableFlags(Foreign.TABLE_DORMANT)))), SAMPLE);
        assertThat(result.replaceWholeTable()).isTrue();
        assertThat(result.differences()).containsExactly("not made by bridgewall: table flags dormant (dormant: none of "
                + "its chains filters anything)");
    }

    @Test
    void theSameRulesetIsUnchangedEvenWithLiveCountersAndNotes() {
        assertThat(TableDiff.between(installed(SAMPLE), SAMPLE).unchanged()).isTrue();
        RuleSet counted = new RuleSet(SAMPLE.table(), SAMPLE.family(), SAMPLE.sets(), SAMPLE.chains().stream()
                .map(c -> new Chain(c.name(), c.type(), c.hook(), c.priority(), c.policy(), c.rules().stream()
                        .map(r -> new Rule(r.matches(), r.statements().stream()
                                .map(s -> s instanceof Statement.Counter ? new Statement.Counter(7, 700) : s).toList(),
                                r.comment()))
                        .toList()))
                .toList());
        assertThat(TableDiff.between(installed(counted), SAMPLE).unchanged()).isTrue();
    }

    @Test
    void aNewNetworkOnlyAddsElements() {
        List<Bridge> before = List.of(Bridge.of("docker0", "172.17.0.0/16"));
        List<Bridge> after = new ArrayList<>(before);
        after.add(Bridge.of("br-new", "10.50.0.0/24"));
        List<Change> changes = TableDiff.between(installed(withBridges(before)), withBridges(after)).changes();
        assertThat(changes).allSatisfy(c -> assertThat(c).isInstanceOf(Change.AddElements.class));
        assertThat(changes).extracting(c -> ((Change.AddElements) c).set().name())
                .containsExactly(Planner.BRIDGES, Planner.ICC_PAIRS, Planner.BRIDGE_NETS_V4, Planner.MASQ_NETS_V4);
        // an interval range is a start and an end element
        assertThat(((Change.AddElements) changes.get(2)).elements()).hasSize(2);
    }

    /**
     * With the fast path a new network is a new forward decision: its mark replaces the old one
     * in the forward chain's rules in the same transaction as the elements, so watch's updates
     * make open connections walk the checks again too. Input and postrouting stay as they are.
     */
    @Test
    void withTheFastPathANewNetworkAlsoReplacesTheForwardRulesInTheSameUpdate() {
        List<Bridge> before = List.of(Bridge.of("docker0", "172.17.0.0/16"));
        List<Bridge> after = new ArrayList<>(before);
        after.add(Bridge.of("br-new", "10.50.0.0/24"));
        RuleSet planned = Planner.plan(Policy.withDefaults(after));
        List<Change> changes = TableDiff.between(installed(Planner.plan(Policy.withDefaults(before))), planned).changes();
        assertThat(changes).filteredOn(c -> c instanceof Change.AddElements).hasSize(4);
        assertThat(changes).filteredOn(c -> !(c instanceof Change.AddElements))
                .containsExactly(new Change.ReplaceRules(planned.chain(Planner.FORWARD).orElseThrow()));
        assertThat(TableDiff.between(installed(planned), planned).unchanged()).isTrue();
    }

    @Test
    void aRemovedNetworkOnlyDeletesElements() {
        List<Bridge> after = List.of(Bridge.of("docker0", "172.17.0.0/16"));
        List<Bridge> before = new ArrayList<>(after);
        before.add(Bridge.of("br-old", "10.50.0.0/24"));
        List<Change> changes = TableDiff.between(installed(withBridges(before)), withBridges(after)).changes();
        assertThat(changes).isNotEmpty().allSatisfy(c -> assertThat(c).isInstanceOf(Change.DeleteElements.class));
    }

    @Test
    void dropsTheInputChainAndItsSetsWhenTheHostInputIsNoLongerManaged() {
        RuleSet unmanaged = Fixtures.planWithoutFastPath(new Policy(Fixtures.sampleBridges(), Policy.DEFAULT_BLOCKED, HostInput.unmanaged()));
        List<Change> changes = TableDiff.between(installed(SAMPLE), unmanaged).changes();
        assertThat(changes).containsExactly(new Change.DeleteChain("input"), new Change.DeleteSet(Planner.TCP_PORTS),
                new Change.DeleteSet(Planner.UDP_PORTS), new Change.DeleteSet(Planner.ICMPV6_TYPES),
                new Change.DeleteSet(Planner.PUBLISHED_V4), new Change.DeleteSet(Planner.PUBLISHED_V6),
                new Change.DeleteSet(Planner.PUBLISHED_ADDR_V4), new Change.DeleteSet(Planner.PUBLISHED_ADDR_V6));
    }

    @Test
    void aForeignRuleInOurChainIsFlushedWithTheChainsRules() {
        Chain forward = SAMPLE.chain("forward").orElseThrow();
        List<Rule> tampered = new ArrayList<>(forward.rules());
        tampered.add(0, new Rule(List.of(), List.of(new Statement.Accept()), "someone else"));
        RuleSet installed = replaceChain(SAMPLE, new Chain("forward", forward.type(), forward.hook(), forward.priority(),
                forward.policy(), tampered));
        assertThat(TableDiff.between(installed(installed), SAMPLE).changes()).containsExactly(new Change.ReplaceRules(forward));
    }

    @Test
    void aChangedPolicyIsSetInPlace() {
        Chain input = SAMPLE.chain("input").orElseThrow();
        RuleSet installed = replaceChain(SAMPLE, new Chain("input", input.type(), input.hook(), input.priority(),
                Chain.Policy.ACCEPT, input.rules()));
        assertThat(TableDiff.between(installed(installed), SAMPLE).changes()).containsExactly(new Change.SetPolicy(input));
    }

    @Test
    void aSetOfAnotherTypeOrAChainOnAnotherHookMeansReplacingTheTable() {
        List<NamedSet> sets = new ArrayList<>(SAMPLE.sets());
        sets.replaceAll(s -> s.name().equals(Planner.INTERNAL_BRIDGES) ? new NamedSet(s.name(), SetType.IPV4_ADDR, true, List.of()) : s);
        RuleSet otherType = new RuleSet(SAMPLE.table(), SAMPLE.family(), sets, SAMPLE.chains());
        assertThat(TableDiff.between(installed(otherType), SAMPLE).replaceWholeTable()).isTrue();

        Chain input = SAMPLE.chain("input").orElseThrow();
        RuleSet otherPriority = replaceChain(SAMPLE, new Chain("input", input.type(), input.hook(), -10, input.policy(),
                input.rules()));
        assertThat(TableDiff.between(installed(otherPriority), SAMPLE).replaceWholeTable()).isTrue();
    }

    @Test
    void aTamperedExceptionDiffersAndItsChainIsRepaired() {
        RuleSet planned = Fixtures.planWithoutFastPath(Fixtures.samplePolicy().withAllowances(
                List.of(Allowance.parse("10.0.0.5:5432/tcp", "--allow"))));
        Chain forward = planned.chain("forward").orElseThrow();
        Rule exception = forward.rules().get(3);
        // Each attribute of the exception in turn: port, protocol, address, prefix, a port range.
        List<Rule> tamperings = List.of(
                withMatches(exception, new Match.AddressIn(Match.AddressField.DESTINATION, Cidr.parse("10.0.0.5")),
                        new Match.DestinationPortIn(Protocol.TCP, PortRange.single(5433))),
                withMatches(exception, new Match.AddressIn(Match.AddressField.DESTINATION, Cidr.parse("10.0.0.5")),
                        new Match.DestinationPortIn(Protocol.UDP, PortRange.single(5432))),
                withMatches(exception, new Match.AddressIn(Match.AddressField.DESTINATION, Cidr.parse("10.0.0.6")),
                        new Match.DestinationPortIn(Protocol.TCP, PortRange.single(5432))),
                withMatches(exception, new Match.AddressIn(Match.AddressField.DESTINATION, Cidr.parse("10.0.0.0/24")),
                        new Match.DestinationPortIn(Protocol.TCP, PortRange.single(5432))),
                withMatches(exception, new Match.AddressIn(Match.AddressField.DESTINATION, Cidr.parse("10.0.0.5")),
                        new Match.DestinationPortIn(Protocol.TCP, new PortRange(5432, 5433))),
                withMatches(exception, new Match.AddressIn(Match.AddressField.DESTINATION, Cidr.parse("10.0.0.5"))));
        for (Rule tampered : tamperings) {
            List<Rule> rules = new ArrayList<>(forward.rules());
            rules.set(3, tampered);
            RuleSet installed = replaceChain(planned, new Chain("forward", forward.type(), forward.hook(),
                    forward.priority(), forward.policy(), rules));
            TableDiff.Result result = TableDiff.between(installed(installed), planned);
            assertThat(result.changes()).as(NftSyntax.ruleText(tampered)).containsExactly(new Change.ReplaceRules(forward));
            assertThat(result.differences()).containsExactly("chain forward rule 4 is `" + NftSyntax.ruleText(tampered)
                    + "`, the plan has `" + NftSyntax.ruleText(exception) + "` (" + rules.size() + " rules, the plan has "
                    + rules.size() + ")");
        }
    }

    private static Rule withMatches(Rule rule, Match... tail) {
        List<Match> matches = new ArrayList<>(rule.matches().subList(0, 2));
        matches.addAll(List.of(tail));
        return new Rule(matches, rule.statements(), rule.comment());
    }

    private static RuleSet replaceChain(RuleSet ruleSet, Chain chain) {
        return new RuleSet(ruleSet.table(), ruleSet.family(), ruleSet.sets(), ruleSet.chains().stream()
                .map(c -> c.name().equals(chain.name()) ? chain : c).toList());
    }
}
