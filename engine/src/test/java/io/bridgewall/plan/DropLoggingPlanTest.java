package io.bridgewall.plan;

import io.bridgewall.testing.Fixtures;
import static io.bridgewall.testing.Fixtures.samplePolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.bridgewall.policy.DropLogging;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Match;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleCompiler;
import io.bridgewall.ruleset.RuleDecompiler;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.Statement;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Logging of drops in the plan: off by default, and when on a rate-limited log rule before each drop. */
class DropLoggingPlanTest {
    private static final DropLogging TO_GROUP_5 = DropLogging.parse(true, Optional.of("3/second"), OptionalInt.of(5));
    private static final RuleSet LOGGED = Fixtures.planWithoutFastPath(samplePolicy().withDropLogging(TO_GROUP_5));

    private static Chain chain(RuleSet plan, String name) {
        return plan.chain(name).orElseThrow();
    }

    private static boolean logs(Rule rule) {
        return rule.statements().stream().anyMatch(s -> s instanceof Statement.Log);
    }

    @Test
    void theDefaultPolicyLogsNothingAndItsPlanIsUnchanged() {
        Policy defaults = samplePolicy();

        assertThat(defaults.dropLogging()).isEqualTo(DropLogging.off());
        assertThat(Fixtures.planWithoutFastPath(defaults)).isEqualTo(Fixtures.planWithoutFastPath(defaults.withDropLogging(
                DropLogging.parse(false, Optional.of("100/second"), OptionalInt.of(9)))));
        assertThat(Fixtures.planWithoutFastPath(defaults).chains()).flatExtracting(Chain::rules)
                .noneMatch(DropLoggingPlanTest::logs)
                .noneMatch(rule -> rule.statements().stream().anyMatch(s -> s instanceof Statement.Limit));
        assertThat(Fixtures.planWithoutFastPath(defaults).ruleCount()).isEqualTo(23);
    }

    @Test
    void eachForwardDropHasItsLogRulesJustBeforeItWithTheSameMatchesAndNoVerdict() {
        List<Rule> rules = chain(LOGGED, Planner.FORWARD).rules();
        List<Rule> drops = chain(Fixtures.planWithoutFastPath(samplePolicy()), Planner.FORWARD).rules().stream()
                .filter(r -> r.statements().contains(new Statement.Drop())).toList();

        assertThat(drops).hasSize(8);
        int logRules = 0;
        for (Rule drop : drops) {
            int at = rules.indexOf(drop);
            assertThat(at).as("drop kept: " + drop.comment()).isPositive();
            boolean blocked = drop.comment().startsWith("container to private or local");
            List<Rule> logs = rules.subList(at - (blocked ? 3 : 1), at);
            logRules += logs.size();
            for (Rule log : logs) {
                assertThat(log.matches().subList(0, drop.matches().size())).as("matches of the log rule before " + drop.comment())
                        .isEqualTo(drop.matches());
                // limit then log, nothing else: above the limit this rule stops, the drop after it does not
                assertThat(log.statements()).hasSize(2)
                        .first().isEqualTo(new Statement.Limit(3, Statement.Limit.Unit.SECOND, Statement.Limit.DEFAULT_BURST));
                assertThat(log.statements().get(1)).isInstanceOf(Statement.Log.class);
                assertThat(log.comment()).startsWith("log: " + drop.comment());
            }
            if (!blocked) {
                assertThat(logs.get(0).matches()).isEqualTo(drop.matches());
            } else {
                // where the packet goes, each case once: a container bridge, no container bridge, an uncontained one
                assertThat(logs).extracting(log -> log.matches().subList(drop.matches().size(), log.matches().size()))
                        .containsExactly(
                                List.of(new Match.InterfaceInSet(Match.Direction.OUT, Planner.CONTAINED, false),
                                        new Match.InterfaceInSet(Match.Direction.OUT, Planner.UNCONTAINED, true)),
                                List.of(new Match.InterfaceInSet(Match.Direction.OUT, Planner.CONTAINED, true)),
                                List.of(new Match.InterfaceInSet(Match.Direction.OUT, Planner.CONTAINED, false),
                                        new Match.InterfaceInSet(Match.Direction.OUT, Planner.UNCONTAINED, false)));
            }
        }
        assertThat(rules).filteredOn(DropLoggingPlanTest::logs).hasSize(logRules).hasSize(12);
        assertThat(rules.get(0).statements()).as("the same-bridge accept stays first, unlogged")
                .containsExactly(Statement.Counter.zero(), new Statement.Accept());
    }

    @Test
    void everyDropReasonHasItsOwnPrefix() {
        assertThat(chain(LOGGED, Planner.FORWARD).rules()).filteredOn(DropLoggingPlanTest::logs)
                .extracting(Rule::comment, rule -> (Statement.Log) rule.statements().get(1))
                .containsExactly(
                        tuple("log: internal network: nothing leaves", Statement.Log.toGroup("bridgewall internal: ", 5)),
                        tuple("log: internal network: nothing enters", Statement.Log.toGroup("bridgewall internal: ", 5)),
                        tuple("log: container to private or local IPv4, to a container bridge",
                                Statement.Log.toGroup("bridgewall isolation: ", 5)),
                        tuple("log: container to private or local IPv4", Statement.Log.toGroup("bridgewall blocked: ", 5)),
                        tuple("log: container to private or local IPv4, to an uncontained bridge",
                                Statement.Log.toGroup("bridgewall blocked: ", 5)),
                        tuple("log: container to private or local IPv6, to a container bridge",
                                Statement.Log.toGroup("bridgewall isolation: ", 5)),
                        tuple("log: container to private or local IPv6", Statement.Log.toGroup("bridgewall blocked: ", 5)),
                        tuple("log: container to private or local IPv6, to an uncontained bridge",
                                Statement.Log.toGroup("bridgewall blocked: ", 5)),
                        tuple("log: container to container IPv4", Statement.Log.toGroup("bridgewall isolation: ", 5)),
                        tuple("log: container to container IPv6", Statement.Log.toGroup("bridgewall isolation: ", 5)),
                        tuple("log: container to a container bridge, its own or another, known or not",
                                Statement.Log.toGroup("bridgewall isolation: ", 5)),
                        tuple("log: no new connections into containers from outside; replies pass",
                                Statement.Log.toGroup("bridgewall inbound: ", 5)));
    }

    @Test
    void theInputChainLogsWhatReachesItsDropPolicyLastAndNotTheInvalidStateDrop() {
        List<Rule> rules = chain(LOGGED, Planner.INPUT).rules();
        List<Rule> unlogged = chain(Fixtures.planWithoutFastPath(samplePolicy()), Planner.INPUT).rules();

        assertThat(chain(LOGGED, Planner.INPUT).policy()).isEqualTo(Chain.Policy.DROP);
        assertThat(rules.subList(0, rules.size() - 1)).isEqualTo(unlogged);
        assertThat(rules.get(rules.size() - 1)).isEqualTo(new Rule(List.of(), List.of(
                new Statement.Limit(3, Statement.Limit.Unit.SECOND), Statement.Log.toGroup("bridgewall input: ", 5)),
                "log: host input dropped by policy"));
    }

    @Test
    void withoutAGroupLinesGoToTheKernelLogAtLevelWarn() {
        RuleSet plan = Fixtures.planWithoutFastPath(samplePolicy().withDropLogging(DropLogging.parse(true, Optional.empty(), OptionalInt.empty())));

        assertThat(plan.chains()).flatExtracting(Chain::rules).filteredOn(DropLoggingPlanTest::logs)
                .hasSize(13)
                .allSatisfy(rule -> assertThat(rule.statements()).first()
                        .isEqualTo(new Statement.Limit(10, Statement.Limit.Unit.MINUTE, 5)))
                .allSatisfy(rule -> assertThat(((Statement.Log) rule.statements().get(1)).destination())
                        .isEqualTo(new Statement.Log.KernelLog(Statement.Log.Level.WARN)));
    }

    @Test
    void strictIsolationAndUnmanagedInputAreLoggedTheSameWay() {
        Policy strict = samplePolicy().withIsolation(Isolation.STRICT).withDropLogging(TO_GROUP_5);
        assertThat(Fixtures.planWithoutFastPath(strict).chains()).flatExtracting(Chain::rules).filteredOn(DropLoggingPlanTest::logs).hasSize(13);

        Policy noInput = new Policy(samplePolicy().bridges(), Policy.DEFAULT_BLOCKED,
                io.bridgewall.policy.HostInput.unmanaged()).withDropLogging(TO_GROUP_5);
        assertThat(Fixtures.planWithoutFastPath(noInput).chains()).extracting(Chain::name).containsExactly("forward", "postrouting");
        assertThat(Fixtures.planWithoutFastPath(noInput).chains()).flatExtracting(Chain::rules).filteredOn(DropLoggingPlanTest::logs).hasSize(12);
    }

    @Test
    void aLogRuleReadsAsNftListsIt() {
        Rule blockedV4 = chain(LOGGED, Planner.FORWARD).rules().stream()
                .filter(r -> r.comment().equals("log: container to private or local IPv4")).findFirst().orElseThrow();

        assertThat(NftSyntax.ruleText(blockedV4)).isEqualTo("iifname @contained iifname != @uncontained ip daddr @blocked_v4 "
                + "oifname != @contained limit rate 3/second log prefix \"bridgewall blocked: \" group 5 comment \"log: container to private or local IPv4\"");
    }

    static Stream<Rule> loggedRules() {
        DropLogging kernelLog = DropLogging.parse(true, Optional.of("7/hour"), OptionalInt.empty());
        return Stream.concat(LOGGED.chains().stream(), Fixtures.planWithoutFastPath(samplePolicy().withDropLogging(kernelLog)).chains().stream())
                .flatMap(c -> c.rules().stream());
    }

    @ParameterizedTest
    @MethodSource("loggedRules")
    void everyRuleOfALoggingPlanSurvivesCompileThenDecompile(Rule rule) {
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), rule.comment())).isEqualTo(rule);
    }

    @Test
    void aDropTheLoggingKnowsNoReasonForIsAPlannerBugNotASilentGap() {
        Rule unknown = new Rule(List.of(new Match.InterfaceIs(Match.Direction.IN, "eth9")), List.of(new Statement.Drop()), "");

        assertThatThrownBy(() -> Planner.dropReason(unknown)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("iifname \"eth9\" drop");
    }
}
