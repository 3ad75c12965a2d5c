package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkMessages;
import io.bridgewall.netlink.WireMessage;
import io.bridgewall.nftnl.Batch;
import io.bridgewall.nftnl.NftnlExpr;
import io.bridgewall.nftnl.NftnlExprView;
import io.bridgewall.nftnl.NftnlRule;
import io.bridgewall.ruleset.Expr;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Each expression goes through libnftnl onto the wire and back the way a kernel dump comes in:
 * built into a rule message, parsed by libnftnl, decoded. A wrong attribute width (a u16 group
 * set as u32, a u64 rate as u32) comes back as another value or not at all.
 */
class ExprCodecTest {
    private static final int INET = 1;

    static Stream<Expr> logAndLimit() {
        return Stream.of(
                new Expr.Log("bridgewall blocked: ", OptionalInt.of(7), OptionalInt.empty()),
                new Expr.Log("bridgewall input: ", OptionalInt.of(65535), OptionalInt.empty()),
                new Expr.Log("bridgewall input: ", OptionalInt.empty(), OptionalInt.of(4)),
                new Expr.Log("x".repeat(127), OptionalInt.empty(), OptionalInt.of(7)),
                new Expr.Log("", OptionalInt.of(0), OptionalInt.empty()),
                new Expr.Limit(10, 60, 5, Expr.LIMIT_PACKETS, 0),
                new Expr.Limit(1L << 40, 604_800, 1_000_000, Expr.LIMIT_PACKETS, 0),
                new Expr.Limit(3, 3_600, 20, 1, Expr.LIMIT_INVERTED));
    }

    @ParameterizedTest
    @MethodSource("logAndLimit")
    void logAndLimitSurviveTheWireAndLibnftnlsParser(Expr expr) {
        assertThat(throughTheWire(expr)).isEqualTo(expr);
    }

    static Stream<Expr> ctMarkExprs() {
        return Stream.of(
                new Expr.Ct(Expr.CT_MARK, 1),
                new Expr.CtSet(Expr.CT_MARK, 1),
                new Expr.ImmediateData(1, io.bridgewall.ruleset.ByteString.hostU32(0x12345678)),
                new Expr.Bitwise(1, 1, io.bridgewall.ruleset.ByteString.hostU32(0x0000ffff),
                        io.bridgewall.ruleset.ByteString.hostU32(0x12340000)));
    }

    /** The fast path's load, set and constant: a set read back as a load (or a constant as a verdict) would hide a tampered stamp. */
    @ParameterizedTest
    @MethodSource("ctMarkExprs")
    void ctMarkLoadSetAndConstantSurviveTheWireAndLibnftnlsParser(Expr expr) {
        assertThat(throughTheWire(expr)).isEqualTo(expr);
    }

    @Test
    void aLogWithBothOrNeitherOfGroupAndLevelNeverReachesLibnftnl() {
        // The kernel refuses a level with a group (EINVAL); neither would make a different statement.
        assertThatThrownBy(() -> ExprCodec.encode(new Expr.Log("p", OptionalInt.of(1), OptionalInt.of(4))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExprCodec.encode(new Expr.Log("p", OptionalInt.empty(), OptionalInt.empty())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExprCodec.encode(new Expr.Log("p", OptionalInt.of(65536), OptionalInt.empty())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExprCodec.encode(new Expr.Log("x".repeat(128), OptionalInt.of(1), OptionalInt.empty())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExprCodec.encode(new Expr.Limit(0, 60, 5, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLogGroupIsSentAsTheKernelsBigEndianU16() {
        // NFTA_LOG_GROUP as nft sends it: nla_len 6, nla_type 1 (the kernel's id, not libnftnl's 2), 0x0007, padding.
        byte[] message = ruleMessage(new Expr.Log("p", OptionalInt.of(7), OptionalInt.empty())).bytes();
        assertThat(indexOf(message, new byte[] {6, 0, 1, 0, 0, 7, 0, 0})).isPositive();
    }

    @Test
    void aLimitRateAndUnitAreSentAsBigEndianU64() {
        // NFTA_LIMIT_RATE (1) 10 and NFTA_LIMIT_UNIT (2) 60, each nla_len 12.
        byte[] message = ruleMessage(new Expr.Limit(10, 60, 5, Expr.LIMIT_PACKETS, 0)).bytes();
        assertThat(indexOf(message, new byte[] {12, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 10, 12, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 60}))
                .isPositive();
    }

    private static Expr throughTheWire(Expr expr) {
        WireMessage message = ruleMessage(expr);
        try (NftnlRule parsed = NftnlRule.parse(NetlinkMessages.split(ByteBuffer.wrap(message.bytes())).get(0))) {
            List<NftnlExprView> views = parsed.expressions();
            assertThat(views).hasSize(1);
            return ExprCodec.decode(views.get(0));
        }
    }

    private static WireMessage ruleMessage(Expr expr) {
        Batch batch = new Batch(OptionalInt.empty());
        try (NftnlRule rule = NftnlRule.create("t", "c", INET)) {
            NftnlExpr encoded = ExprCodec.encode(expr);
            rule.add(encoded);
            batch.add(Netlink.NFT_MSG_NEWRULE, INET, Netlink.NLM_F_CREATE, "add rule", rule::buildPayload);
        }
        return batch.toWire().body().get(0);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
