package io.bridgewall.kernel;

import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.nftnl.NftnlExpr;
import io.bridgewall.nftnl.NftnlExprView;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.Expr;
import java.util.OptionalInt;

/** Maps our expression records to libnftnl expressions and back. */
final class ExprCodec {
    private ExprCodec() {
    }

    static NftnlExpr encode(Expr expr) {
        if (expr instanceof Expr.Meta e) {
            return NftnlExpr.meta(e.key(), e.register());
        } else if (expr instanceof Expr.Payload e) {
            return NftnlExpr.payload(e.base(), e.offset(), e.length(), e.register());
        } else if (expr instanceof Expr.Cmp e) {
            return NftnlExpr.cmp(e.operator(), e.register(), e.data().toArray());
        } else if (expr instanceof Expr.Bitwise e) {
            return NftnlExpr.bitwise(e.sourceRegister(), e.destinationRegister(), e.mask().toArray(), e.xor().toArray());
        } else if (expr instanceof Expr.Ct e) {
            return NftnlExpr.ct(e.key(), e.register());
        } else if (expr instanceof Expr.CtSet e) {
            return NftnlExpr.ctSet(e.key(), e.sourceRegister());
        } else if (expr instanceof Expr.ImmediateData e) {
            return NftnlExpr.immediateData(e.register(), e.data().toArray());
        } else if (expr instanceof Expr.Lookup e) {
            return NftnlExpr.lookup(e.set(), e.register(), e.flags());
        } else if (expr instanceof Expr.Immediate e) {
            return NftnlExpr.verdict(e.verdict());
        } else if (expr instanceof Expr.Counter) {
            return NftnlExpr.counter();
        } else if (expr instanceof Expr.Masquerade) {
            return NftnlExpr.masquerade();
        } else if (expr instanceof Expr.Log e) {
            return NftnlExpr.log(e.prefix(), e.group(), e.level());
        } else if (expr instanceof Expr.Limit e) {
            return NftnlExpr.limit(e.rate(), e.unitSeconds(), e.burst(), e.type(), e.flags());
        }
        throw new IllegalArgumentException("cannot send " + expr + " to the kernel");
    }

    /**
     * Our record for a kernel expression, or {@link Expr.Unknown} when the kernel sent an
     * expression, or an attribute of one, that bridgewall never sends: every attribute that
     * changes what the expression does is looked at, so nothing foreign passes as ours.
     */
    static Expr decode(NftnlExprView view) {
        String name = view.name();
        int present = view.presentAttributes();
        Expr expr = switch (name) {
            case "meta" -> only(present, NftnlAttr.META_KEY, NftnlAttr.META_DREG)
                    ? new Expr.Meta(view.u32(NftnlAttr.META_KEY), view.u32(NftnlAttr.META_DREG)) : null;
            case "payload" -> only(present, NftnlAttr.PAYLOAD_DREG, NftnlAttr.PAYLOAD_BASE, NftnlAttr.PAYLOAD_OFFSET,
                    NftnlAttr.PAYLOAD_LEN)
                    ? new Expr.Payload(view.u32(NftnlAttr.PAYLOAD_BASE), view.u32(NftnlAttr.PAYLOAD_OFFSET),
                    view.u32(NftnlAttr.PAYLOAD_LEN), view.u32(NftnlAttr.PAYLOAD_DREG)) : null;
            case "cmp" -> only(present, NftnlAttr.CMP_SREG, NftnlAttr.CMP_OP, NftnlAttr.CMP_DATA)
                    ? new Expr.Cmp(view.u32(NftnlAttr.CMP_OP), view.u32(NftnlAttr.CMP_SREG),
                    ByteString.of(view.data(NftnlAttr.CMP_DATA))) : null;
            // The kernel always reports the operation; 0 is the mask-and-xor form we send.
            case "bitwise" -> only(present, NftnlAttr.BITWISE_SREG, NftnlAttr.BITWISE_DREG, NftnlAttr.BITWISE_LEN,
                    NftnlAttr.BITWISE_MASK, NftnlAttr.BITWISE_XOR, NftnlAttr.BITWISE_OP) && view.u32(NftnlAttr.BITWISE_OP) == 0
                    ? new Expr.Bitwise(view.u32(NftnlAttr.BITWISE_SREG), view.u32(NftnlAttr.BITWISE_DREG),
                    ByteString.of(view.data(NftnlAttr.BITWISE_MASK)), ByteString.of(view.data(NftnlAttr.BITWISE_XOR))) : null;
            // A load (destination register) or a set (source register); a direction is not ours.
            case "ct" -> only(present, NftnlAttr.CT_DREG, NftnlAttr.CT_KEY) && view.has(NftnlAttr.CT_DREG)
                    ? new Expr.Ct(view.u32(NftnlAttr.CT_KEY), view.u32(NftnlAttr.CT_DREG))
                    : only(present, NftnlAttr.CT_SREG, NftnlAttr.CT_KEY) && view.has(NftnlAttr.CT_SREG)
                    ? new Expr.CtSet(view.u32(NftnlAttr.CT_KEY), view.u32(NftnlAttr.CT_SREG)) : null;
            // A destination register makes it a map lookup (`vmap @set`): not ours.
            case "lookup" -> only(present, NftnlAttr.LOOKUP_SREG, NftnlAttr.LOOKUP_SET, NftnlAttr.LOOKUP_FLAGS)
                    ? new Expr.Lookup(view.str(NftnlAttr.LOOKUP_SET), view.u32(NftnlAttr.LOOKUP_SREG),
                    view.u32(NftnlAttr.LOOKUP_FLAGS)) : null;
            // Only plain verdicts: a jump or goto names a chain, and data into a register is not a verdict.
            // Or a constant into a data register (`ct mark set 0x…`).
            case "immediate" -> only(present, NftnlAttr.IMM_DREG, NftnlAttr.IMM_VERDICT)
                    && view.u32(NftnlAttr.IMM_DREG) == 0 && view.has(NftnlAttr.IMM_VERDICT)
                    ? new Expr.Immediate(view.u32(NftnlAttr.IMM_VERDICT))
                    : only(present, NftnlAttr.IMM_DREG, NftnlAttr.IMM_DATA) && view.has(NftnlAttr.IMM_DATA)
                    && view.has(NftnlAttr.IMM_DREG) && view.u32(NftnlAttr.IMM_DREG) != 0
                    ? new Expr.ImmediateData(view.u32(NftnlAttr.IMM_DREG), ByteString.of(view.data(NftnlAttr.IMM_DATA))) : null;
            case "counter" -> only(present, NftnlAttr.CTR_PACKETS, NftnlAttr.CTR_BYTES)
                    ? new Expr.Counter(view.u64(NftnlAttr.CTR_PACKETS), view.u64(NftnlAttr.CTR_BYTES)) : null;
            // Flags (random, persistent, fully-random) or a port range change what masquerade does.
            case "masq" -> present == 0 ? new Expr.Masquerade() : null;
            // The kernel reports snaplen and qthreshold only when set, flags only when not 0: none are ours.
            // A prefix present but empty is not one nft or bridgewall sends.
            case "log" -> only(present, NftnlAttr.LOG_PREFIX, NftnlAttr.LOG_GROUP, NftnlAttr.LOG_LEVEL)
                    && !(view.has(NftnlAttr.LOG_PREFIX) && view.str(NftnlAttr.LOG_PREFIX).isEmpty())
                    ? new Expr.Log(view.str(NftnlAttr.LOG_PREFIX),
                    view.has(NftnlAttr.LOG_GROUP) ? OptionalInt.of(view.u16(NftnlAttr.LOG_GROUP)) : OptionalInt.empty(),
                    view.has(NftnlAttr.LOG_LEVEL) ? OptionalInt.of(view.u32(NftnlAttr.LOG_LEVEL)) : OptionalInt.empty())
                    : null;
            // Type (packets or bytes) and flags (inverted) are kept: the decompiler decides what is ours.
            case "limit" -> only(present, NftnlAttr.LIMIT_RATE, NftnlAttr.LIMIT_UNIT, NftnlAttr.LIMIT_BURST,
                    NftnlAttr.LIMIT_TYPE, NftnlAttr.LIMIT_FLAGS)
                    ? new Expr.Limit(view.u64(NftnlAttr.LIMIT_RATE), view.u64(NftnlAttr.LIMIT_UNIT),
                    view.u32(NftnlAttr.LIMIT_BURST), view.u32(NftnlAttr.LIMIT_TYPE), view.u32(NftnlAttr.LIMIT_FLAGS)) : null;
            default -> null;
        };
        // libnftnl prints an expression's attributes without its name (`nft --debug=netlink` adds it).
        return expr != null ? expr : new Expr.Unknown(name, (name + " " + view.describe()).strip());
    }

    /** Whether the attributes present are among the given ones (each bit an attribute id). */
    private static boolean only(int present, int... allowed) {
        int mask = 0;
        for (int attr : allowed) {
            mask |= 1 << attr;
        }
        return (present & ~mask) == 0;
    }
}
