package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.NetlinkMessage;
import java.util.OptionalInt;
import jnr.ffi.Pointer;

/** Owner of a libnftnl chain object. */
public final class NftnlChain extends NativeObject {

    private NftnlChain(Pointer pointer) {
        super(pointer, "a chain");
    }

    public static NftnlChain create(String table, String name, int family) {
        NftnlChain chain = new NftnlChain(nftnl().nftnl_chain_alloc());
        nftnl().nftnl_chain_set_str(chain.pointer(), NftnlAttr.CHAIN_TABLE, table);
        nftnl().nftnl_chain_set_str(chain.pointer(), NftnlAttr.CHAIN_NAME, name);
        nftnl().nftnl_chain_set_u32(chain.pointer(), NftnlAttr.CHAIN_FAMILY, family);
        return chain;
    }

    /** A request for the chains of one table (used for dumps). */
    public static NftnlChain filterByTable(String table, int family) {
        NftnlChain chain = new NftnlChain(nftnl().nftnl_chain_alloc());
        nftnl().nftnl_chain_set_str(chain.pointer(), NftnlAttr.CHAIN_TABLE, table);
        nftnl().nftnl_chain_set_u32(chain.pointer(), NftnlAttr.CHAIN_FAMILY, family);
        return chain;
    }

    public static NftnlChain parse(NetlinkMessage message) {
        NftnlChain chain = new NftnlChain(nftnl().nftnl_chain_alloc());
        if (nftnl().nftnl_chain_nlmsg_parse(message.header(), chain.pointer()) < 0) {
            chain.close();
            throw new IllegalStateException("kernel sent a chain libnftnl cannot parse");
        }
        return chain;
    }

    /** Makes this a base chain attached to a netfilter hook. */
    public NftnlChain hook(String type, int hookNumber, int priority, int policy) {
        nftnl().nftnl_chain_set_str(pointer(), NftnlAttr.CHAIN_TYPE, type);
        nftnl().nftnl_chain_set_u32(pointer(), NftnlAttr.CHAIN_HOOKNUM, hookNumber);
        nftnl().nftnl_chain_set_s32(pointer(), NftnlAttr.CHAIN_PRIO, priority);
        nftnl().nftnl_chain_set_u32(pointer(), NftnlAttr.CHAIN_POLICY, policy);
        return this;
    }

    public void buildPayload(Pointer header) {
        nftnl().nftnl_chain_nlmsg_build_payload(header, pointer());
    }

    public String table() {
        return nftnl().nftnl_chain_get_str(pointer(), NftnlAttr.CHAIN_TABLE);
    }

    /** The chain's family (NFPROTO_*), as the kernel's message header gave it. */
    public int family() {
        return nftnl().nftnl_chain_get_u32(pointer(), NftnlAttr.CHAIN_FAMILY);
    }

    public String name() {
        return nftnl().nftnl_chain_get_str(pointer(), NftnlAttr.CHAIN_NAME);
    }

    public boolean isBaseChain() {
        return nftnl().nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_HOOKNUM);
    }

    public String type() {
        return nftnl().nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_TYPE)
                ? nftnl().nftnl_chain_get_str(pointer(), NftnlAttr.CHAIN_TYPE) : "";
    }

    public int hookNumber() {
        return nftnl().nftnl_chain_get_u32(pointer(), NftnlAttr.CHAIN_HOOKNUM);
    }

    public int priority() {
        return nftnl().nftnl_chain_get_s32(pointer(), NftnlAttr.CHAIN_PRIO);
    }

    public OptionalInt policy() {
        return nftnl().nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_POLICY)
                ? OptionalInt.of(nftnl().nftnl_chain_get_u32(pointer(), NftnlAttr.CHAIN_POLICY))
                : OptionalInt.empty();
    }

    /** The device of a netdev-style base chain (ingress), or "". */
    public String device() {
        return nftnl().nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_DEV)
                ? nftnl().nftnl_chain_get_str(pointer(), NftnlAttr.CHAIN_DEV)
                : nftnl().nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_DEVICES) ? "(several devices)" : "";
    }

    /** NFT_CHAIN_* flags (hw offload, binding); 0 when none. */
    public int flags() {
        return nftnl().nftnl_chain_is_set(pointer(), NftnlAttr.CHAIN_FLAGS)
                ? nftnl().nftnl_chain_get_u32(pointer(), NftnlAttr.CHAIN_FLAGS) : 0;
    }

    @Override
    void free(Pointer pointer) {
        nftnl().nftnl_chain_free(pointer);
    }

    /** Looked up on each use, never in a static initialiser: see NativeLibraries. */
    private static LibNftnl nftnl() {
        return NativeLibraries.nftnl();
    }
}
