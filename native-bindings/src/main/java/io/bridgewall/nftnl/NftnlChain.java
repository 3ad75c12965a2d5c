package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.NetlinkMessage;
import java.util.OptionalInt;
import jnr.ffi.Pointer;

/** Owner of a libnftnl chain object. */
public final class NftnlChain extends NativeObject {
    private static final LibNftnl NFTNL = NativeLibraries.nftnl();

    private NftnlChain(Pointer pointer) {
        super(pointer, "a chain");
    }

    public static NftnlChain create(String table, String name, int family) {
        NftnlChain chain = new NftnlChain(NFTNL.nftnl_chain_alloc());
        NFTNL.nftnl_chain_set_str(chain.pointer(), NftnlAttr.CHAIN_TABLE, table);
        NFTNL.nftnl_chain_set_str(chain.pointer(), NftnlAttr.CHAIN_NAME, name);
        NFTNL.nftnl_chain_set_u32(chain.pointer(), NftnlAttr.CHAIN_FAMILY, family);
        return chain;
    }

    /** A request for the chains of one table (used for dumps). */
    public static NftnlChain filterByTable(String table, int family) {
        NftnlChain chain = new NftnlChain(NFTNL.nftnl_chain_alloc());
        NFTNL.nftnl_chain_set_str(chain.pointer(), NftnlAttr.CHAIN_TABLE, table);
        NFTNL.nftnl_chain_set_u32(chain.pointer(), NftnlAttr.CHAIN_FAMILY, family);
        return chain;
    }

    public static NftnlChain parse(NetlinkMessage message) {
        NftnlChain chain = new NftnlChain(NFTNL.nftnl_chain_alloc());
        if (NFTNL.nftnl_chain_nlmsg_parse(message.header(), chain.pointer()) < 0) {
            chain.close();
            throw new IllegalStateException("kernel sent a chain libnftnl cannot parse");
        }
        return chain;
    }

    /** Makes this a base chain attached to a netfilter hook. */
    public NftnlChain hook(String type, int hookNumber, int priority, int policy) {
        NFTNL.nftnl_chain_set_str(pointer(), NftnlAttr.CHAIN_TYPE, type);
        NFTNL.nftnl_chain_set_u32(pointer(), NftnlAttr.CHAIN_HOOKNUM, hookNumber);
        NFTNL.nftnl_chain_set_s32(pointer(), NftnlAttr.CHAIN_PRIO, priority);
        NFTNL.nftnl_chain_set_u32(pointer(), NftnlAttr.CHAIN_POLICY, policy);
        return this;
    }

    public void buildPayload(Pointer header) {
        NFTNL.nftnl_chain_nlmsg_build_payload(header, pointer());
    }

    public String table() {
        return NFTNL.nftnl_chain_get_str(pointer(), NftnlAttr.CHAIN_TABLE);
    }

    public String name() {
        return NFTNL.nftnl_chain_get_str(pointer(), NftnlAttr.CHAIN_NAME);
    }

    public boolean isBaseChain() {
        return NFTNL.nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_HOOKNUM);
    }

    public String type() {
        return NFTNL.nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_TYPE)
                ? NFTNL.nftnl_chain_get_str(pointer(), NftnlAttr.CHAIN_TYPE) : "";
    }

    public int hookNumber() {
        return NFTNL.nftnl_chain_get_u32(pointer(), NftnlAttr.CHAIN_HOOKNUM);
    }

    public int priority() {
        return NFTNL.nftnl_chain_get_s32(pointer(), NftnlAttr.CHAIN_PRIO);
    }

    public OptionalInt policy() {
        return NFTNL.nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_POLICY)
                ? OptionalInt.of(NFTNL.nftnl_chain_get_u32(pointer(), NftnlAttr.CHAIN_POLICY))
                : OptionalInt.empty();
    }

    /** The device of a netdev-style base chain (ingress), or "". */
    public String device() {
        return NFTNL.nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_DEV)
                ? NFTNL.nftnl_chain_get_str(pointer(), NftnlAttr.CHAIN_DEV)
                : NFTNL.nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_DEVICES) ? "(several devices)" : "";
    }

    /** NFT_CHAIN_* flags (hw offload, binding); 0 when none. */
    public int flags() {
        return NFTNL.nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_FLAGS)
                ? NFTNL.nftnl_chain_get_u32(pointer(), NftnlAttr.CHAIN_FLAGS) : 0;
    }

    @Override
    void free(Pointer pointer) {
        NFTNL.nftnl_chain_free(pointer);
    }
}
