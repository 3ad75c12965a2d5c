package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.plan.Planner;
import io.bridgewall.policy.DropLogging;
import io.bridgewall.ruleset.Expr;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.testing.Fixtures;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The read-back of a logging plan: what bridgewall installed is unchanged; a log or limit
 * someone changed (prefix, group, level, rate, burst) is a difference the next apply repairs in
 * place; one with attributes bridgewall never sends is not read as ours.
 */
class DropLoggingReadBackTest {
    private static final RuleSet PLAN = Planner.plan(Fixtures.samplePolicy()
            .withDropLogging(DropLogging.parse(true, Optional.of("10/minute"), OptionalInt.of(5))));
    private static final TableDump AS_INSTALLED = KernelDumps.of(PLAN);
    private static final String TAMPERED_RULE = "log: container to private or local IPv4";
    /** Its place in the forward chain, counted from 1 as the differences do. */
    private static final int TAMPERED_AT = PLAN.chain(Planner.FORWARD).orElseThrow().rules().stream()
            .map(Rule::comment).toList().indexOf(TAMPERED_RULE) + 1;

    /** The installed table with every log or limit expression of the forward chain's blocked-IPv4 log rule edited. */
    private static TableDump tampered(UnaryOperator<Expr> edit) {
        List<TableDump.RuleDump> rules = AS_INSTALLED.rules().stream()
                .map(r -> r.comment().equals(TAMPERED_RULE)
                        ? new TableDump.RuleDump(r.chain(), r.exprs().stream().map(edit).toList(), r.comment()) : r)
                .toList();
        return new TableDump(AS_INSTALLED.table(), AS_INSTALLED.family(), 0, AS_INSTALLED.sets(), AS_INSTALLED.chains(),
                rules, List.of(), List.of());
    }

    private static TableDiff.Result diff(TableDump dump) {
        return TableDiff.between(Optional.of(TableMapping.map(dump)), PLAN);
    }

    private static UnaryOperator<Expr> logs(UnaryOperator<Expr.Log> edit) {
        return e -> e instanceof Expr.Log log ? edit.apply(log) : e;
    }

    private static UnaryOperator<Expr> limits(UnaryOperator<Expr.Limit> edit) {
        return e -> e instanceof Expr.Limit limit ? edit.apply(limit) : e;
    }

    @Test
    void whatBridgewallInstalledIsOursAndUnchanged() {
        assertThat(TableMapping.map(AS_INSTALLED).foreign()).isEmpty();
        assertThat(diff(AS_INSTALLED).unchanged()).isTrue();
    }

    @Test
    void aTamperedPrefixDiffersAndIsRepairedInPlace() {
        TableDiff.Result result = diff(tampered(logs(l -> new Expr.Log("nothing to see: ", l.group(), l.level()))));

        assertThat(result.replaceWholeTable()).isFalse();
        assertThat(result.changes()).containsExactly(new TableDiff.Change.ReplaceRules(PLAN.chain(Planner.FORWARD).orElseThrow()));
        assertThat(result.differences()).singleElement().asString()
                .startsWith("chain forward rule " + TAMPERED_AT + " is `iifname @contained iifname != @uncontained ip daddr @blocked_v4 "
                        + "oifname != @contained limit rate 10/minute log prefix \"nothing to see: \" group 5")
                .contains("the plan has `iifname @contained iifname != @uncontained ip daddr @blocked_v4 oifname != @contained "
                        + "limit rate 10/minute log prefix \"bridgewall blocked: \" group 5");
    }

    @Test
    void aTamperedGroupRateBurstOrDestinationDiffers() {
        List<UnaryOperator<Expr>> tamperings = List.of(
                logs(l -> new Expr.Log(l.prefix(), OptionalInt.of(6), l.level())),
                logs(l -> new Expr.Log(l.prefix(), OptionalInt.empty(), OptionalInt.of(4))),
                limits(l -> new Expr.Limit(1000, l.unitSeconds(), l.burst(), l.type(), l.flags())),
                limits(l -> new Expr.Limit(l.rate(), 1, l.burst(), l.type(), l.flags())),
                limits(l -> new Expr.Limit(l.rate(), l.unitSeconds(), 50, l.type(), l.flags())));
        for (UnaryOperator<Expr> tampering : tamperings) {
            TableDiff.Result result = diff(tampered(tampering));
            assertThat(result.replaceWholeTable()).isFalse();
            assertThat(result.changes()).containsExactly(new TableDiff.Change.ReplaceRules(PLAN.chain(Planner.FORWARD).orElseThrow()));
            assertThat(result.differences()).singleElement().asString().startsWith("chain forward rule " + TAMPERED_AT + " is `");
        }
    }

    @Test
    void aLimitOverOrInBytesAndALogWithoutPrefixAreNotReadAsOurs() {
        for (UnaryOperator<Expr> tampering : List.of(
                limits(l -> new Expr.Limit(l.rate(), l.unitSeconds(), l.burst(), l.type(), Expr.LIMIT_INVERTED)),
                limits(l -> new Expr.Limit(l.rate(), l.unitSeconds(), l.burst(), 1, l.flags())),
                limits(l -> new Expr.Limit(l.rate(), 7, l.burst(), l.type(), l.flags())),
                logs(l -> new Expr.Log("", l.group(), l.level())),
                logs(l -> new Expr.Log(l.prefix(), OptionalInt.empty(), OptionalInt.of(8))))) {
            Rule read = TableMapping.map(tampered(tampering)).ours().chain(Planner.FORWARD).orElseThrow().rules().get(TAMPERED_AT - 1);
            assertThat(read.unparsed()).isNotEmpty();
            assertThat(diff(tampered(tampering)).differences()).singleElement().asString()
                    .startsWith("chain forward rule " + TAMPERED_AT + " is `# not made by bridgewall: ");
        }
    }
}
