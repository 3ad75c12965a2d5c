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

    public byte[] data(int attr) {
        if (!has(attr)) {
            return new byte[0];
        }
        IntByReference length = new IntByReference();
        Pointer data = NFTNL.nftnl_expr_get(expr, attr, length);
        return NftnlData.copy(data, length);
    }
}
