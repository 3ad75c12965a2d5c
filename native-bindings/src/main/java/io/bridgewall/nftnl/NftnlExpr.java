package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import jnr.ffi.Pointer;

/**
 * Owner of one libnftnl expression, built through a typed factory per kernel expression so
 * no caller ever chooses an attribute id. Added to a rule, it belongs to the rule.
 */
public final class NftnlExpr extends NativeObject {
    private static final LibNftnl NFTNL = NativeLibraries.nftnl();
    /** NFT_REG_SIZE: a register holds at most 16 bytes. */
    public static final int REGISTER_SIZE = 16;

    private NftnlExpr(String name) {
        super(NFTNL.nftnl_expr_alloc(name), "expression " + name);
    }

    public static NftnlExpr meta(int key, int destinationRegister) {
        NftnlExpr e = new NftnlExpr("meta");
        e.u32(NftnlAttr.META_KEY, key).u32(NftnlAttr.META_DREG, destinationRegister);
        return e;
    }

    public static NftnlExpr payload(int base, int offset, int length, int destinationRegister) {
        NftnlExpr e = new NftnlExpr("payload");
        e.u32(NftnlAttr.PAYLOAD_DREG, destinationRegister).u32(NftnlAttr.PAYLOAD_BASE, base)
                .u32(NftnlAttr.PAYLOAD_OFFSET, offset).u32(NftnlAttr.PAYLOAD_LEN, length);
        return e;
    }

    public static NftnlExpr cmp(int operator, int sourceRegister, byte[] data) {
        NftnlData.requireLength(data, REGISTER_SIZE, "cmp data");
        NftnlExpr e = new NftnlExpr("cmp");
        e.u32(NftnlAttr.CMP_SREG, sourceRegister).u32(NftnlAttr.CMP_OP, operator).data(NftnlAttr.CMP_DATA, data);
        return e;
    }

    public static NftnlExpr bitwise(int sourceRegister, int destinationRegister, byte[] mask, byte[] xor) {
        NftnlData.requireLength(mask, REGISTER_SIZE, "bitwise mask");
        if (xor.length != mask.length) {
            throw new IllegalArgumentException("bitwise mask and xor must have the same length");
        }
        NftnlExpr e = new NftnlExpr("bitwise");
        e.u32(NftnlAttr.BITWISE_SREG, sourceRegister).u32(NftnlAttr.BITWISE_DREG, destinationRegister)
                .u32(NftnlAttr.BITWISE_LEN, mask.length)
                .data(NftnlAttr.BITWISE_MASK, mask).data(NftnlAttr.BITWISE_XOR, xor);
        return e;
    }

    public static NftnlExpr ct(int key, int destinationRegister) {
        NftnlExpr e = new NftnlExpr("ct");
        e.u32(NftnlAttr.CT_KEY, key).u32(NftnlAttr.CT_DREG, destinationRegister);
        return e;
    }

    public static NftnlExpr lookup(String set, int sourceRegister, int flags) {
        if (set == null || set.isEmpty() || set.length() > 255) {
            throw new IllegalArgumentException("set name must be 1 to 255 characters");
        }
        NftnlExpr e = new NftnlExpr("lookup");
        NFTNL.nftnl_expr_set_str(e.pointer(), NftnlAttr.LOOKUP_SET, set);
        e.u32(NftnlAttr.LOOKUP_SREG, sourceRegister).u32(NftnlAttr.LOOKUP_FLAGS, flags);
        return e;
    }

    public static NftnlExpr verdict(int verdict) {
        NftnlExpr e = new NftnlExpr("immediate");
        e.u32(NftnlAttr.IMM_DREG, 0 /* NFT_REG_VERDICT */).u32(NftnlAttr.IMM_VERDICT, verdict);
        return e;
    }

    public static NftnlExpr counter() {
        return new NftnlExpr("counter");
    }

    public static NftnlExpr masquerade() {
        return new NftnlExpr("masq");
    }

    private NftnlExpr u32(int attr, int value) {
        NFTNL.nftnl_expr_set_u32(pointer(), attr, value);
        return this;
    }

    private NftnlExpr data(int attr, byte[] value) {
        if (NFTNL.nftnl_expr_set(pointer(), attr, value, value.length) < 0) {
            throw new IllegalArgumentException("libnftnl refused " + value.length + " bytes for attribute " + attr);
        }
        return this;
    }

    @Override
    void free(Pointer pointer) {
        NFTNL.nftnl_expr_free(pointer);
    }
}
