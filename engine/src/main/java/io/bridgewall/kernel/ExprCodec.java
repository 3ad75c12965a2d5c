package io.bridgewall.kernel;

import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.nftnl.NftnlExpr;
import io.bridgewall.nftnl.NftnlExprView;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.Expr;

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
        } else if (expr instanceof Expr.Lookup e) {
            return NftnlExpr.lookup(e.set(), e.register(), e.flags());
        } else if (expr instanceof Expr.Immediate e) {
            return NftnlExpr.verdict(e.verdict());
        } else if (expr instanceof Expr.Counter) {
            return NftnlExpr.counter();
        } else if (expr instanceof Expr.Masquerade) {
            return NftnlExpr.masquerade();
        }
        throw new IllegalArgumentException("cannot send " + expr + " to the kernel");
    }

    static Expr decode(NftnlExprView view) {
        String name = view.name();
        switch (name) {
            case "meta":
                return new Expr.Meta(view.u32(NftnlAttr.META_KEY), view.u32(NftnlAttr.META_DREG));
            case "payload":
                return new Expr.Payload(view.u32(NftnlAttr.PAYLOAD_BASE), view.u32(NftnlAttr.PAYLOAD_OFFSET),
                        view.u32(NftnlAttr.PAYLOAD_LEN), view.u32(NftnlAttr.PAYLOAD_DREG));
            case "cmp":
                return new Expr.Cmp(view.u32(NftnlAttr.CMP_OP), view.u32(NftnlAttr.CMP_SREG),
                        ByteString.of(view.data(NftnlAttr.CMP_DATA)));
            case "bitwise":
                return new Expr.Bitwise(view.u32(NftnlAttr.BITWISE_SREG), view.u32(NftnlAttr.BITWISE_DREG),
                        ByteString.of(view.data(NftnlAttr.BITWISE_MASK)), ByteString.of(view.data(NftnlAttr.BITWISE_XOR)));
            case "ct":
                return new Expr.Ct(view.u32(NftnlAttr.CT_KEY), view.u32(NftnlAttr.CT_DREG));
            case "lookup":
                return new Expr.Lookup(view.str(NftnlAttr.LOOKUP_SET), view.u32(NftnlAttr.LOOKUP_SREG),
                        view.u32(NftnlAttr.LOOKUP_FLAGS));
            case "immediate":
                if (view.u32(NftnlAttr.IMM_DREG) == 0 && view.has(NftnlAttr.IMM_VERDICT)) {
                    return new Expr.Immediate(view.u32(NftnlAttr.IMM_VERDICT));
                }
                return new Expr.Unknown(name);
            case "counter":
                return new Expr.Counter(view.u64(NftnlAttr.CTR_PACKETS), view.u64(NftnlAttr.CTR_BYTES));
            case "masq":
                return new Expr.Masquerade();
            default:
                return new Expr.Unknown(name);
        }
    }
}
