package io.bridgewall.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** log and limit statements: compiled as nft compiles them, rendered as `nft list` prints them (nft 1.0.6). */
class LogAndLimitTest {
    private static final Match FROM_X = new Match.InterfaceIs(Match.Direction.IN, "x");

    private static Rule rule(Statement... statements) {
        return new Rule(List.of(FROM_X), List.of(statements), "");
    }

    @Test
    void compilesLikeNft() {
        // iifname "x" limit rate 10/minute log prefix "bridgewall blocked: " group 7, as nft --debug=netlink prints it:
        // [ limit rate 10/minute burst 5 type packets flags 0x0 ] [ log prefix bridgewall blocked:  group 7 snaplen 0 qthreshold 0 ]
        Rule rule = rule(new Statement.Limit(10, Statement.Limit.Unit.MINUTE), Statement.Log.toGroup("bridgewall blocked: ", 7));

        assertThat(RuleCompiler.compile(rule)).endsWith(
                new Expr.Limit(10, 60, 5, Expr.LIMIT_PACKETS, 0),
                new Expr.Log("bridgewall blocked: ", OptionalInt.of(7), OptionalInt.empty()));
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), "")).isEqualTo(rule);
    }

    @Test
    void aKernelLogCarriesItsLevelAsTheKernelReportsItBack() {
        // nft sends no level for `log prefix "p"`; the kernel stores and reports 4 (warn): the plan sends it outright.
        Rule rule = rule(Statement.Log.toKernelLog("p"));

        assertThat(RuleCompiler.compile(rule)).last().isEqualTo(new Expr.Log("p", OptionalInt.empty(), OptionalInt.of(4)));
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), "")).isEqualTo(rule);
    }

    @Test
    void rendersAsNftListPrintsIt() {
        assertThat(NftSyntax.ruleText(rule(new Statement.Limit(10, Statement.Limit.Unit.SECOND),
                Statement.Log.toKernelLog("bridgewall blocked: "))))
                .isEqualTo("iifname \"x\" limit rate 10/second log prefix \"bridgewall blocked: \"");
        assertThat(NftSyntax.ruleText(rule(new Statement.Limit(3, Statement.Limit.Unit.HOUR, 20),
                new Statement.Log("bridgewall host input: ", new Statement.Log.KernelLog(Statement.Log.Level.INFO)))))
                .isEqualTo("iifname \"x\" limit rate 3/hour burst 20 packets log prefix \"bridgewall host input: \" level info");
        assertThat(NftSyntax.ruleText(rule(new Statement.Limit(10, Statement.Limit.Unit.MINUTE),
                Statement.Log.toGroup("bridgewall blocked: ", 7))))
                .isEqualTo("iifname \"x\" limit rate 10/minute log prefix \"bridgewall blocked: \" group 7");
    }

    @Test
    void aPrefixReadBackCannotBreakOutOfItsQuotesOrLine() {
        assertThat(NftSyntax.ruleText(rule(Statement.Log.toGroup("a\" drop\n#", 1))))
                .isEqualTo("iifname \"x\" log prefix \"a' drop?#\" group 1");
    }

    @Test
    void foreignLogAndLimitExpressionsAreWrittenInNftsDebugWords() {
        assertThat(NftSyntax.unparsedText(List.of(new Expr.Limit(5, 1, 5, 1, Expr.LIMIT_INVERTED),
                new Expr.Log("", OptionalInt.empty(), OptionalInt.of(8)))))
                .isEqualTo("[ limit rate 5/second burst 5 type bytes flags 0x1 ] [ log level 8 ]");
    }

    @Test
    void refusesWhatTheKernelWouldRefuseOrReadBackOtherwise() {
        assertThatThrownBy(() -> Statement.Log.toGroup("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Statement.Log.toGroup("x".repeat(128), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Statement.Log.toGroup("p", 65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Statement.Limit(0, Statement.Limit.Unit.SECOND)).isInstanceOf(IllegalArgumentException.class);
        // burst 0 is read back as 5: a plan holding it could never verify
        assertThatThrownBy(() -> new Statement.Limit(1, Statement.Limit.Unit.SECOND, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
