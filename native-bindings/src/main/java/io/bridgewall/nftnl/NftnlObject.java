package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.NetlinkMessage;
import jnr.ffi.Pointer;

/** Owner of a libnftnl stateful object (named counter, quota, limit, ...): read back only. */
public final class NftnlObject extends NativeObject {

    private NftnlObject(Pointer pointer) {
        super(pointer, "a stateful object");
    }

    /** A request for the objects of one table (used for dumps). */
    public static NftnlObject filterByTable(String table, int family) {
        NftnlObject object = new NftnlObject(nftnl().nftnl_obj_alloc());
        nftnl().nftnl_obj_set_str(object.pointer(), NftnlAttr.OBJ_TABLE, table);
        nftnl().nftnl_obj_set_u32(object.pointer(), NftnlAttr.OBJ_FAMILY, family);
        return object;
    }

    public static NftnlObject parse(NetlinkMessage message) {
        NftnlObject object = new NftnlObject(nftnl().nftnl_obj_alloc());
        if (nftnl().nftnl_obj_nlmsg_parse(message.header(), object.pointer()) < 0) {
            object.close();
            throw new IllegalStateException("kernel sent a stateful object libnftnl cannot parse");
        }
        return object;
    }

    public void buildPayload(Pointer header) {
        nftnl().nftnl_obj_nlmsg_build_payload(header, pointer());
    }

    public String table() {
        return nftnl().nftnl_obj_get_str(pointer(), NftnlAttr.OBJ_TABLE);
    }

    public String name() {
        return nftnl().nftnl_obj_get_str(pointer(), NftnlAttr.OBJ_NAME);
    }

    /** NFT_OBJECT_*: 1 counter, 2 quota, 3 ct helper, 4 limit, ... */
    public int type() {
        return nftnl().nftnl_obj_get_u32(pointer(), NftnlAttr.OBJ_TYPE);
    }

    /** A 64-bit attribute of this object's type (OBJ_CTR_*, OBJ_QUOTA_BYTES, ...): 0 when absent. */
    public long u64(int attr) {
        return nftnl().nftnl_obj_is_set(pointer(), attr) ? nftnl().nftnl_obj_get_u64(pointer(), attr) : 0;
    }

    /** A 32-bit attribute of this object's type (OBJ_QUOTA_FLAGS, OBJ_LIMIT_BURST, ...): 0 when absent. */
    public long u32(int attr) {
        return nftnl().nftnl_obj_is_set(pointer(), attr) ? Integer.toUnsignedLong(nftnl().nftnl_obj_get_u32(pointer(), attr)) : 0;
    }

    /** The object as libnftnl prints it (`nft --debug=netlink` style), with its state. */
    public String describe() {
        return NftnlData.text((buffer, size) -> nftnl().nftnl_obj_snprintf(buffer, size, pointer(), NftnlAttr.OUTPUT_DEFAULT, 0));
    }

    @Override
    void free(Pointer pointer) {
        nftnl().nftnl_obj_free(pointer);
    }

    private static LibNftnl nftnl() {
        return NativeLibraries.nftnl();
    }
}
