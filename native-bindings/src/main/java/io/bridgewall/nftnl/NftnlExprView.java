package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * A read-only look at an expression of a parsed rule; the rule owns it, so a view is valid
 * only while its rule is open. Each getter checks the attribute is present first.
 */
public final class NftnlExprView {
    private static final LibNftnl NFTNL = NativeLibraries.nftnl();
    private final Pointer expr;

    NftnlExprView(Pointer expr) {
        this.expr = expr;
    }

    public String name() {
        return NFTNL.nftnl_expr_get_str(expr, NftnlAttr.EXPR_NAME);
    }

    public boolean has(int attr) {
        return NFTNL.nftnl_expr_is_set(expr, attr);
    }

    public int u32(int attr) {
        return has(attr) ? NFTNL.nftnl_expr_get_u32(expr, attr) : 0;
    }

    public long u64(int attr) {
        return has(attr) ? NFTNL.nftnl_expr_get_u64(expr, attr) : 0L;
    }

    public String str(int attr) {
        return has(attr) ? NFTNL.nftnl_expr_get_str(expr, attr) : "";
    }

    /** Bit i set when attribute i is present (ids 1..{@link NftnlAttr#EXPR_MAX_ATTR}; the name, 0, is left out). */
    public int presentAttributes() {
        int present = 0;
        for (int attr = 1; attr <= NftnlAttr.EXPR_MAX_ATTR; attr++) {
            if (NFTNL.nftnl_expr_is_set(expr, attr)) {
                present |= 1 << attr;
            }
        }
        return present;
    }

    /** The expression as `nft --debug=netlink` prints it, e.g. "lookup reg 1 set blocked_v4 dreg 0 0x0". */
    public String describe() {
        return NftnlData.text((buffer, size) -> NFTNL.nftnl_expr_snprintf(buffer, size, expr, NftnlAttr.OUTPUT_DEFAULT, 0));
    }

    public byte[] data(int attr) {
        if (!has(attr)) {
            return new byte[0];
        }
        IntByReference length = new IntByReference();
        Pointer data = NFTNL.nftnl_expr_get(expr, attr, length);
        return NftnlData.copy(data, length);
    }
}
