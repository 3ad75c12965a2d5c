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
    /** NFT_REG_SIZE: a register holds at most 16 bytes. */
    public static final int REGISTER_SIZE = 16;

    private NftnlExpr(String name) {
        super(nftnl().nftnl_expr_alloc(name), "expression " + name);
    }

    public static NftnlExpr meta(int key, int destinationRegister) {
        return build("meta", e -> e.u32(NftnlAttr.META_KEY, key).u32(NftnlAttr.META_DREG, destinationRegister));
    }

    public static NftnlExpr payload(int base, int offset, int length, int destinationRegister) {
        return build("payload", e -> e.u32(NftnlAttr.PAYLOAD_DREG, destinationRegister).u32(NftnlAttr.PAYLOAD_BASE, base)
                .u32(NftnlAttr.PAYLOAD_OFFSET, offset).u32(NftnlAttr.PAYLOAD_LEN, length));
    }

    public static NftnlExpr cmp(int operator, int sourceRegister, byte[] data) {
        NftnlData.requireLength(data, REGISTER_SIZE, "cmp data");
        return build("cmp", e -> e.u32(NftnlAttr.CMP_SREG, sourceRegister).u32(NftnlAttr.CMP_OP, operator).data(NftnlAttr.CMP_DATA, data));
    }

    public static NftnlExpr bitwise(int sourceRegister, int destinationRegister, byte[] mask, byte[] xor) {
        NftnlData.requireLength(mask, REGISTER_SIZE, "bitwise mask");
        if (xor.length != mask.length) {
            throw new IllegalArgumentException("bitwise mask and xor must have the same length");
        }
        return build("bitwise", e -> e.u32(NftnlAttr.BITWISE_SREG, sourceRegister).u32(NftnlAttr.BITWISE_DREG, destinationRegister)
                .u32(NftnlAttr.BITWISE_LEN, mask.length)
                .data(NftnlAttr.BITWISE_MASK, mask).data(NftnlAttr.BITWISE_XOR, xor));
    }

    public static NftnlExpr ct(int key, int destinationRegister) {
        return build("ct", e -> e.u32(NftnlAttr.CT_KEY, key).u32(NftnlAttr.CT_DREG, destinationRegister));
    }

    public static NftnlExpr lookup(String set, int sourceRegister, int flags) {
        if (set == null || set.isEmpty() || set.length() > 255) {
            throw new IllegalArgumentException("set name must be 1 to 255 characters");
        }
        return build("lookup", e -> e.str(NftnlAttr.LOOKUP_SET, set)
                .u32(NftnlAttr.LOOKUP_SREG, sourceRegister).u32(NftnlAttr.LOOKUP_FLAGS, flags));
    }

    public static NftnlExpr verdict(int verdict) {
        return build("immediate", e -> e.u32(NftnlAttr.IMM_DREG, 0 /* NFT_REG_VERDICT */).u32(NftnlAttr.IMM_VERDICT, verdict));
    }

    public static NftnlExpr counter() {
        return new NftnlExpr("counter");
    }

    public static NftnlExpr masquerade() {
        return new NftnlExpr("masq");
    }

    /**
     * Allocates an expression and sets its attributes; when a step throws, the expression is
     * freed before the exception leaves, so a refused attribute never leaks the C object.
     */
    static NftnlExpr build(String name, java.util.function.Consumer<NftnlExpr> configure) {
        NftnlExpr expr = new NftnlExpr(name);
        try {
            configure.accept(expr);
            return expr;
        } catch (RuntimeException | Error e) {
            expr.close();
            throw e;
        }
    }

    private NftnlExpr str(int attr, String value) {
        if (nftnl().nftnl_expr_set_str(pointer(), attr, value) < 0) {
            throw new OutOfMemoryError("libnftnl could not store attribute " + attr);
        }
        return this;
    }

    private NftnlExpr u32(int attr, int value) {
        nftnl().nftnl_expr_set_u32(pointer(), attr, value);
        return this;
    }

    private NftnlExpr data(int attr, byte[] value) {
        if (nftnl().nftnl_expr_set(pointer(), attr, value, value.length) < 0) {
            throw new IllegalArgumentException("libnftnl refused " + value.length + " bytes for attribute " + attr);
        }
        return this;
    }

    @Override
    void free(Pointer pointer) {
        nftnl().nftnl_expr_free(pointer);
    }

    /** Looked up on each use, never in a static initialiser: see NativeLibraries. */
    private static LibNftnl nftnl() {
        return NativeLibraries.nftnl();
    }
}
