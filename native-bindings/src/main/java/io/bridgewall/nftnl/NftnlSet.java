package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.NetlinkMessage;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/** Owner of a libnftnl set; owns the elements added to it. */
public final class NftnlSet extends NativeObject {
    private static final LibNftnl NFTNL = NativeLibraries.nftnl();
    /** NFT_SET_ELEM_INTERVAL_END: the element closes an interval (exclusive end). */
    public static final int ELEMENT_INTERVAL_END = 0x1;

    /** A set element as read back: key bytes as the kernel stores them, and its flags. */
    public record Element(byte[] key, int flags) {
        public boolean isIntervalEnd() {
            return (flags & ELEMENT_INTERVAL_END) != 0;
        }
    }

    private NftnlSet(Pointer pointer) {
        super(pointer, "a set");
    }

    public static NftnlSet create(String table, String name, int family, int keyType, int keyLength, int flags, int id) {
        NftnlSet set = reference(table, name, family);
        NFTNL.nftnl_set_set_u32(set.pointer(), NftnlAttr.SET_KEY_TYPE, keyType);
        NFTNL.nftnl_set_set_u32(set.pointer(), NftnlAttr.SET_KEY_LEN, keyLength);
        NFTNL.nftnl_set_set_u32(set.pointer(), NftnlAttr.SET_FLAGS, flags);
        NFTNL.nftnl_set_set_u32(set.pointer(), NftnlAttr.SET_ID, id);
        return set;
    }

    /** A set named by table and name only: to carry elements, or to ask for them. */
    public static NftnlSet reference(String table, String name, int family) {
        NftnlSet set = new NftnlSet(NFTNL.nftnl_set_alloc());
        NFTNL.nftnl_set_set_str(set.pointer(), NftnlAttr.SET_TABLE, table);
        if (name != null) {
            NFTNL.nftnl_set_set_str(set.pointer(), NftnlAttr.SET_NAME, name);
        }
        NFTNL.nftnl_set_set_u32(set.pointer(), NftnlAttr.SET_FAMILY, family);
        return set;
    }

    public static NftnlSet parse(NetlinkMessage message) {
        NftnlSet set = new NftnlSet(NFTNL.nftnl_set_alloc());
        if (NFTNL.nftnl_set_nlmsg_parse(message.header(), set.pointer()) < 0) {
            set.close();
            throw new IllegalStateException("kernel sent a set libnftnl cannot parse");
        }
        return set;
    }

    /** Adds the elements of one NEWSETELEM/GETSETELEM answer to this set. */
    public void parseElements(NetlinkMessage message) {
        if (NFTNL.nftnl_set_elems_nlmsg_parse(message.header(), pointer()) < 0) {
            throw new IllegalStateException("kernel sent set elements libnftnl cannot parse");
        }
    }

    public NftnlSet userdata(byte[] data) {
        NFTNL.nftnl_set_set_data(pointer(), NftnlAttr.SET_USERDATA, data, data.length);
        return this;
    }

    public void addElement(byte[] key, int flags) {
        NftnlData.requireLength(key, 64, "set key");
        Pointer element = NFTNL.nftnl_set_elem_alloc();
        if (element == null) {
            throw new OutOfMemoryError("libnftnl could not allocate a set element");
        }
        NFTNL.nftnl_set_elem_set(element, NftnlAttr.SET_ELEM_KEY, key, key.length);
        if (flags != 0) {
            NFTNL.nftnl_set_elem_set_u32(element, NftnlAttr.SET_ELEM_FLAGS, flags);
        }
        NFTNL.nftnl_set_elem_add(pointer(), element);
    }

    public void buildPayload(Pointer header) {
        NFTNL.nftnl_set_nlmsg_build_payload(header, pointer());
    }

    public void buildElementsPayload(Pointer header) {
        NFTNL.nftnl_set_elems_nlmsg_build_payload(header, pointer());
    }

    public String table() {
        return NFTNL.nftnl_set_get_str(pointer(), NftnlAttr.SET_TABLE);
    }

    public String name() {
        return NFTNL.nftnl_set_get_str(pointer(), NftnlAttr.SET_NAME);
    }

    public int flags() {
        return NFTNL.nftnl_set_get_u32(pointer(), NftnlAttr.SET_FLAGS);
    }

    public int keyType() {
        return NFTNL.nftnl_set_get_u32(pointer(), NftnlAttr.SET_KEY_TYPE);
    }

    public int keyLength() {
        return NFTNL.nftnl_set_get_u32(pointer(), NftnlAttr.SET_KEY_LEN);
    }

    public List<Element> elements() {
        List<Element> elements = new ArrayList<>();
        Pointer iterator = NFTNL.nftnl_set_elems_iter_create(pointer());
        if (iterator == null) {
            throw new OutOfMemoryError("libnftnl could not allocate an element iterator");
        }
        try {
            IntByReference length = new IntByReference();
            for (Pointer e = NFTNL.nftnl_set_elems_iter_next(iterator); e != null;
                 e = NFTNL.nftnl_set_elems_iter_next(iterator)) {
                byte[] key = NFTNL.nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_KEY)
                        ? NftnlData.copy(NFTNL.nftnl_set_elem_get(e, NftnlAttr.SET_ELEM_KEY, length), length)
                        : new byte[0];
                int flags = NFTNL.nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_FLAGS)
                        ? NFTNL.nftnl_set_elem_get_u32(e, NftnlAttr.SET_ELEM_FLAGS) : 0;
                elements.add(new Element(key, flags));
            }
        } finally {
            NFTNL.nftnl_set_elems_iter_destroy(iterator);
        }
        return elements;
    }

    @Override
    void free(Pointer pointer) {
        NFTNL.nftnl_set_free(pointer);
    }
}
