package io.bridgewall.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fast path's connection-mark match and stamp compile as `nft --debug=netlink` shows for the
 * same text (whole mark: no bitwise, a constant into reg 1; masked: load, and/xor, set), and read
 * back as themselves; any other mask, value or shape is not taken for them.
 */
class CtMarkTest {
    private static final Rule FAST_PATH = new Rule(List.of(new Match.CtStateIn(EnumSet.of(Match.CtState.ESTABLISHED)),
            new Match.CtMarkIs(-1, 0x12345678)), List.of(new Statement.Accept()), "fast path");
    private static final Rule STAMPED_ACCEPT = new Rule(List.of(), List.of(Statement.Counter.zero(),
            new Statement.CtMarkSet(-1, 0x12345678), new Statement.Accept()), "");

    @Test
    void theWholeMarkIsComparedAndSetLikeNft() {
        // ct state established ct mark 0x12345678 accept
        assertThat(RuleCompiler.compile(FAST_PATH)).containsExactly(
                new Expr.Ct(Expr.CT_STATE, 1),
                new Expr.Bitwise(1, 1, ByteString.hostU32(2), ByteString.hostU32(0)),
                new Expr.Cmp(Expr.CMP_NEQ, 1, ByteString.hostU32(0)),
                new Expr.Ct(Expr.CT_MARK, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, ByteString.hostU32(0x12345678)),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        // counter ct mark set 0x12345678 accept
        assertThat(RuleCompiler.compile(STAMPED_ACCEPT)).containsExactly(
                new Expr.Counter(0, 0),
                new Expr.ImmediateData(1, ByteString.hostU32(0x12345678)),
                new Expr.CtSet(Expr.CT_MARK, 1),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
    }

    @Test
    void maskedBitsAreComparedAndSetLeavingTheOthersLikeNft() {
        // ct mark and 0xffff0000 == 0x12340000 ; ct mark set ct mark and 0x0000ffff or 0x12340000
        Rule rule = new Rule(List.of(new Match.CtMarkIs(0xffff0000, 0x12340000)),
                List.of(new Statement.CtMarkSet(0xffff0000, 0x12340000), new Statement.Accept()), "");
        assertThat(RuleCompiler.compile(rule)).containsExactly(
                new Expr.Ct(Expr.CT_MARK, 1),
                new Expr.Bitwise(1, 1, ByteString.hostU32(0xffff0000), ByteString.hostU32(0)),
                new Expr.Cmp(Expr.CMP_EQ, 1, ByteString.hostU32(0x12340000)),
                new Expr.Ct(Expr.CT_MARK, 1),
                new Expr.Bitwise(1, 1, ByteString.hostU32(0x0000ffff), ByteString.hostU32(0x12340000)),
                new Expr.CtSet(Expr.CT_MARK, 1),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        assertThat(NftSyntax.ruleText(rule))
                .isEqualTo("ct mark and 0xffff0000 == 0x12340000 ct mark set ct mark and 0x0000ffff or 0x12340000 accept");
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), "")).isEqualTo(rule);
    }

    @Test
    void bothFormsReadBackAsThemselves() {
        for (Rule rule : List.of(FAST_PATH, STAMPED_ACCEPT,
                new Rule(List.of(), List.of(new Statement.CtMarkSet(-1, 1)), "fall-through stamp"),
                new Rule(List.of(), List.of(new Statement.CtMarkSet(0x00ffff00, 0x00abcd00)), ""))) {
            assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), rule.comment())).isEqualTo(rule);
        }
        assertThat(NftSyntax.ruleText(FAST_PATH)).isEqualTo("ct state established ct mark 0x12345678 accept comment \"fast path\"");
        assertThat(NftSyntax.ruleText(STAMPED_ACCEPT)).isEqualTo("counter ct mark set 0x12345678 accept");
    }

    @Test
    void theFallThroughStampOnlyTheOriginalWayCompilesLikeNftAndReadsBack() {
        // ct direction original ct mark set 0x12345678: nft loads the direction (one byte) and compares it with 0
        Rule stamp = new Rule(List.of(new Match.CtDirectionIs(Match.CtDirection.ORIGINAL)),
                List.of(new Statement.CtMarkSet(-1, 0x12345678)), "");
        assertThat(RuleCompiler.compile(stamp)).containsExactly(
                new Expr.Ct(Expr.CT_DIRECTION, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, ByteString.of((byte) 0)),
                new Expr.ImmediateData(1, ByteString.hostU32(0x12345678)),
                new Expr.CtSet(Expr.CT_MARK, 1));
        assertThat(NftSyntax.ruleText(stamp)).isEqualTo("ct direction original ct mark set 0x12345678");
        Rule reply = new Rule(List.of(new Match.CtDirectionIs(Match.CtDirection.REPLY)), List.of(new Statement.Accept()), "");
        for (Rule rule : List.of(stamp, reply)) {
            assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), "")).isEqualTo(rule);
        }
        // A direction compared as four bytes, or with a code that is no direction, is not ours.
        for (List<Expr> exprs : List.of(
                List.<Expr>of(new Expr.Ct(Expr.CT_DIRECTION, 1), new Expr.Cmp(Expr.CMP_EQ, 1, ByteString.hostU32(0))),
                List.<Expr>of(new Expr.Ct(Expr.CT_DIRECTION, 1), new Expr.Cmp(Expr.CMP_EQ, 1, ByteString.of((byte) 2))))) {
            assertThat(RuleDecompiler.decompile(exprs, "").matches()).doesNotContain(new Match.CtDirectionIs(Match.CtDirection.ORIGINAL));
        }
    }

    @Test
    void aStampThatIsNotOursIsKeptWholeAsUnparsed() {
        List<List<Expr>> foreign = List.of(
                // ct set of another key (the mark's neighbour, ct secmark is 17... here: key 4, ct expiration)
                List.of(new Expr.ImmediateData(1, ByteString.hostU32(5)), new Expr.CtSet(4, 1)),
                // a value into register 2 but the mark set from register 1
                List.of(new Expr.ImmediateData(2, ByteString.hostU32(5)), new Expr.CtSet(Expr.CT_MARK, 1)),
                // masked set whose value has bits outside its mask
                List.of(new Expr.Ct(Expr.CT_MARK, 1), new Expr.Bitwise(1, 1, ByteString.hostU32(0x0000ffff),
                        ByteString.hostU32(0x00010001)), new Expr.CtSet(Expr.CT_MARK, 1)),
                // mark compared with something other than equality
                List.of(new Expr.Ct(Expr.CT_MARK, 1), new Expr.Cmp(Expr.CMP_NEQ, 1, ByteString.hostU32(5))));
        for (List<Expr> exprs : foreign) {
            Rule rule = RuleDecompiler.decompile(exprs, "");
            assertThat(rule.unparsed()).as(exprs.toString()).isEqualTo(exprs);
        }
    }

    @Test
    void aMarkOutsideItsMaskOrAnEmptyMaskIsRefused() {
        assertThatThrownBy(() -> new Match.CtMarkIs(0xffff0000, 0x1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Statement.CtMarkSet(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
