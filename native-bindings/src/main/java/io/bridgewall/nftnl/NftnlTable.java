package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.NetlinkMessage;
import jnr.ffi.Pointer;

/** Owner of a libnftnl table object. */
public final class NftnlTable extends NativeObject {

    private NftnlTable(Pointer pointer) {
        super(pointer, "a table");
    }

    public static NftnlTable create(String name, int family) {
        NftnlTable table = new NftnlTable(nftnl().nftnl_table_alloc());
        nftnl().nftnl_table_set_str(table.pointer(), NftnlAttr.TABLE_NAME, name);
        nftnl().nftnl_table_set_u32(table.pointer(), NftnlAttr.TABLE_FAMILY, family);
        return table;
    }

    public static NftnlTable parse(NetlinkMessage message) {
        NftnlTable table = new NftnlTable(nftnl().nftnl_table_alloc());
        if (nftnl().nftnl_table_nlmsg_parse(message.header(), table.pointer()) < 0) {
            table.close();
            throw new IllegalStateException("kernel sent a table libnftnl cannot parse");
        }
        return table;
    }

    public void buildPayload(Pointer header) {
        nftnl().nftnl_table_nlmsg_build_payload(header, pointer());
    }

    public String name() {
        return nftnl().nftnl_table_get_str(pointer(), NftnlAttr.TABLE_NAME);
    }

    public int family() {
        return nftnl().nftnl_table_get_u32(pointer(), NftnlAttr.TABLE_FAMILY);
    }

    /** The kernel's id for this table object: a table deleted and made again under the same name gets a new one. */
    public long handle() {
        return nftnl().nftnl_table_is_set(pointer(), NftnlAttr.TABLE_HANDLE)
                ? nftnl().nftnl_table_get_u64(pointer(), NftnlAttr.TABLE_HANDLE) : 0;
    }

    /** How many chains, sets, objects and flowtables the kernel counts in this table. */
    public int use() {
        return nftnl().nftnl_table_is_set(pointer(), NftnlAttr.TABLE_USE)
                ? nftnl().nftnl_table_get_u32(pointer(), NftnlAttr.TABLE_USE) : 0;
    }

    /** NFT_TABLE_F_* (dormant, owner, persist); 0 when the kernel sent none. */
    public int flags() {
        return nftnl().nftnl_table_is_set(pointer(), NftnlAttr.TABLE_FLAGS)
                ? nftnl().nftnl_table_get_u32(pointer(), NftnlAttr.TABLE_FLAGS) : 0;
    }

    @Override
    void free(Pointer pointer) {
        nftnl().nftnl_table_free(pointer);
    }

    /** Looked up on each use, never in a static initialiser: see NativeLibraries. */
    private static LibNftnl nftnl() {
        return NativeLibraries.nftnl();
    }
}
