package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * A read-only look at an expression of a parsed rule. The rule owns the C object, so every
 * getter first checks the rule is still open: a view kept past its rule's close() throws
 * instead of reading freed memory. Each getter checks the attribute is present first.
 */
public final class NftnlExprView {
    private final NftnlRule owner;
    private final Pointer pointer;

    NftnlExprView(NftnlRule owner, Pointer expr) {
        this.owner = owner;
        this.pointer = expr;
    }

    /** The expression, after checking its rule still owns it. */
    private Pointer expr() {
        if (!owner.isOpen()) {
            throw new IllegalStateException("expression view used after its rule was closed");
        }
        return pointer;
    }

    public String name() {
        return nftnl().nftnl_expr_get_str(expr(), NftnlAttr.EXPR_NAME);
    }

    public boolean has(int attr) {
        return nftnl().nftnl_expr_is_set(expr(), attr);
    }

    /** A 16-bit attribute (log group, qthreshold), unsigned; libnftnl returns 0 for one of another width. */
    public int u16(int attr) {
        return has(attr) ? nftnl().nftnl_expr_get_u16(expr(), attr) & 0xffff : 0;
    }

    public int u32(int attr) {
        return has(attr) ? nftnl().nftnl_expr_get_u32(expr(), attr) : 0;
    }

    public long u64(int attr) {
        return has(attr) ? nftnl().nftnl_expr_get_u64(expr(), attr) : 0L;
    }

    public String str(int attr) {
        return has(attr) ? nftnl().nftnl_expr_get_str(expr(), attr) : "";
    }

    /** Bit i set when attribute i is present (ids 1..{@link NftnlAttr#EXPR_MAX_ATTR}; the name, 0, is left out). */
    public int presentAttributes() {
        int present = 0;
        for (int attr = 1; attr <= NftnlAttr.EXPR_MAX_ATTR; attr++) {
            if (nftnl().nftnl_expr_is_set(expr(), attr)) {
                present |= 1 << attr;
            }
        }
        return present;
    }

    /** The expression as `nft --debug=netlink` prints it, e.g. "lookup reg 1 set blocked_v4 dreg 0 0x0". */
    public String describe() {
        return NftnlData.text((buffer, size) -> nftnl().nftnl_expr_snprintf(buffer, size, expr(), NftnlAttr.OUTPUT_DEFAULT, 0));
    }

    public byte[] data(int attr) {
        if (!has(attr)) {
            return new byte[0];
        }
        IntByReference length = new IntByReference();
        Pointer data = nftnl().nftnl_expr_get(expr(), attr, length);
        return NftnlData.copy(data, length);
    }

    /** Looked up on each use, never in a static initialiser: see NativeLibraries. */
    private static LibNftnl nftnl() {
        return NativeLibraries.nftnl();
    }
}
