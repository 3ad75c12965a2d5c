package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.NetlinkMessage;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;

/** Owner of a libnftnl flowtable: read back only. */
public final class NftnlFlowtable extends NativeObject {
    /** Bound on the device list we copy out: a flowtable holds a handful of devices. */
    private static final int MAX_DEVICES = 256;

    private NftnlFlowtable(Pointer pointer) {
        super(pointer, "a flowtable");
    }

    /** A request for the flowtables of one table (used for dumps). */
    public static NftnlFlowtable filterByTable(String table, int family) {
        NftnlFlowtable flowtable = new NftnlFlowtable(nftnl().nftnl_flowtable_alloc());
        nftnl().nftnl_flowtable_set_str(flowtable.pointer(), NftnlAttr.FLOWTABLE_TABLE, table);
        nftnl().nftnl_flowtable_set_u32(flowtable.pointer(), NftnlAttr.FLOWTABLE_FAMILY, family);
        return flowtable;
    }

    public static NftnlFlowtable parse(NetlinkMessage message) {
        NftnlFlowtable flowtable = new NftnlFlowtable(nftnl().nftnl_flowtable_alloc());
        if (nftnl().nftnl_flowtable_nlmsg_parse(message.header(), flowtable.pointer()) < 0) {
            flowtable.close();
            throw new IllegalStateException("kernel sent a flowtable libnftnl cannot parse");
        }
        return flowtable;
    }

    public void buildPayload(Pointer header) {
        nftnl().nftnl_flowtable_nlmsg_build_payload(header, pointer());
    }

    public String table() {
        return nftnl().nftnl_flowtable_get_str(pointer(), NftnlAttr.FLOWTABLE_TABLE);
    }

    public String name() {
        return nftnl().nftnl_flowtable_get_str(pointer(), NftnlAttr.FLOWTABLE_NAME);
    }

    public int hookNumber() {
        return nftnl().nftnl_flowtable_get_u32(pointer(), NftnlAttr.FLOWTABLE_HOOKNUM);
    }

    public int priority() {
        return nftnl().nftnl_flowtable_get_s32(pointer(), NftnlAttr.FLOWTABLE_PRIO);
    }

    public List<String> devices() {
        List<String> devices = new ArrayList<>();
        if (!nftnl().nftnl_flowtable_is_set(pointer(), NftnlAttr.FLOWTABLE_DEVICES)) {
            return devices;
        }
        Pointer array = nftnl().nftnl_flowtable_get_array(pointer(), NftnlAttr.FLOWTABLE_DEVICES);
        if (array == null) {
            return devices;
        }
        int size = NativeLibraries.runtime().addressSize();
        for (int i = 0; i < MAX_DEVICES; i++) {
            Pointer name = array.getPointer((long) i * size);
            if (name == null) {
                break;
            }
            devices.add(name.getString(0));
        }
        return devices;
    }

    @Override
    void free(Pointer pointer) {
        nftnl().nftnl_flowtable_free(pointer);
    }

    private static LibNftnl nftnl() {
        return NativeLibraries.nftnl();
    }
}
