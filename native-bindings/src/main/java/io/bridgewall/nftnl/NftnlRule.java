package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.NetlinkMessage;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/** Owner of a libnftnl rule; owns the expressions added to it. */
public final class NftnlRule extends NativeObject {

    private NftnlRule(Pointer pointer) {
        super(pointer, "a rule");
    }

    public static NftnlRule create(String table, String chain, int family) {
        NftnlRule rule = new NftnlRule(nftnl().nftnl_rule_alloc());
        nftnl().nftnl_rule_set_str(rule.pointer(), NftnlAttr.RULE_TABLE, table);
        nftnl().nftnl_rule_set_str(rule.pointer(), NftnlAttr.RULE_CHAIN, chain);
        nftnl().nftnl_rule_set_u32(rule.pointer(), NftnlAttr.RULE_FAMILY, family);
        return rule;
    }

    /** A request for the rules of one table (used for dumps). */
    public static NftnlRule filterByTable(String table, int family) {
        NftnlRule rule = new NftnlRule(nftnl().nftnl_rule_alloc());
        nftnl().nftnl_rule_set_str(rule.pointer(), NftnlAttr.RULE_TABLE, table);
        nftnl().nftnl_rule_set_u32(rule.pointer(), NftnlAttr.RULE_FAMILY, family);
        return rule;
    }

    public static NftnlRule parse(NetlinkMessage message) {
        NftnlRule rule = new NftnlRule(nftnl().nftnl_rule_alloc());
        if (nftnl().nftnl_rule_nlmsg_parse(message.header(), rule.pointer()) < 0) {
            rule.close();
            throw new IllegalStateException("kernel sent a rule libnftnl cannot parse");
        }
        return rule;
    }

    /** Appends the expression; the rule now owns it. */
    public NftnlRule add(NftnlExpr expr) {
        nftnl().nftnl_rule_add_expr(pointer(), expr.handOver());
        return this;
    }

    public NftnlRule userdata(byte[] data) {
        nftnl().nftnl_rule_set_data(pointer(), NftnlAttr.RULE_USERDATA, data, data.length);
        return this;
    }

    public void buildPayload(Pointer header) {
        nftnl().nftnl_rule_nlmsg_build_payload(header, pointer());
    }

    public String table() {
        return nftnl().nftnl_rule_get_str(pointer(), NftnlAttr.RULE_TABLE);
    }

    public String chain() {
        return nftnl().nftnl_rule_get_str(pointer(), NftnlAttr.RULE_CHAIN);
    }

    public long handle() {
        return nftnl().nftnl_rule_get_u64(pointer(), NftnlAttr.RULE_HANDLE);
    }

    public byte[] userdata() {
        if (!nftnl().nftnl_rule_is_set(pointer(), NftnlAttr.RULE_USERDATA)) {
            return new byte[0];
        }
        IntByReference length = new IntByReference();
        return NftnlData.copy(nftnl().nftnl_rule_get_data(pointer(), NftnlAttr.RULE_USERDATA, length), length);
    }

    /** Views of the rule's expressions, in order; valid while this rule is open. */
    public List<NftnlExprView> expressions() {
        List<NftnlExprView> views = new ArrayList<>();
        Pointer iterator = nftnl().nftnl_expr_iter_create(pointer());
        if (iterator == null) {
            throw new OutOfMemoryError("libnftnl could not allocate an expression iterator");
        }
        try {
            for (Pointer e = nftnl().nftnl_expr_iter_next(iterator); e != null; e = nftnl().nftnl_expr_iter_next(iterator)) {
                views.add(new NftnlExprView(this, e));
            }
        } finally {
            nftnl().nftnl_expr_iter_destroy(iterator);
        }
        return views;
    }

    @Override
    void free(Pointer pointer) {
        nftnl().nftnl_rule_free(pointer);
    }

    /** Looked up on each use, never in a static initialiser: see NativeLibraries. */
    private static LibNftnl nftnl() {
        return NativeLibraries.nftnl();
    }
}
