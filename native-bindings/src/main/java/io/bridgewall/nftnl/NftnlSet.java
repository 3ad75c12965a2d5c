package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.NetlinkMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/** Owner of a libnftnl set; owns the elements added to it. */
public final class NftnlSet extends NativeObject {
    /** NFT_SET_ELEM_INTERVAL_END: the element closes an interval (exclusive end). */
    public static final int ELEMENT_INTERVAL_END = 0x1;

    /**
     * A set element as read back: key bytes as the kernel stores them, its flags, and whatever
     * else it carries (map data, timeouts, ...; a comment in userdata is left out: it changes
     * nothing the kernel does).
     *
     * @param verdict    a verdict map's verdict (NF_DROP 0, NF_ACCEPT 1, NFT_JUMP -3, ...)
     * @param chain      the chain of a jump/goto verdict, or ""
     * @param data       a map's data, empty for a set
     * @param timeoutMs  0 when the element has no timeout of its own
     * @param others     other attributes present, in words ("expressions", "object reference x", "key end")
     */
    public record Element(byte[] key, int flags, OptionalInt verdict, String chain, byte[] data, long timeoutMs,
                          List<String> others) {
        public Element {
            others = List.copyOf(others);
        }

        public Element(byte[] key, int flags) {
            this(key, flags, OptionalInt.empty(), "", new byte[0], 0, List.of());
        }

        public boolean isIntervalEnd() {
            return (flags & ELEMENT_INTERVAL_END) != 0;
        }

        /** Only a key and flags: what bridgewall puts in its sets. */
        public boolean isPlain() {
            return verdict.isEmpty() && chain.isEmpty() && data.length == 0 && timeoutMs == 0 && others.isEmpty();
        }
    }

    /**
     * Bytes one element message may carry, decided in Java before libnftnl writes anything: well
     * under the 64 KiB an attribute length (and MessageBuffer's room per message) allows.
     */
    public static final int ELEMENT_MESSAGE_BUDGET = 32 * 1024;
    /** Each element is a nest whose type is its index: keep it clear of the nest flag bits. */
    public static final int MAX_ELEMENTS_PER_MESSAGE = 4096;
    public static final int MAX_KEY_LENGTH = 64;

    /**
     * What one element adds to a NEWSETELEM/DELSETELEM message, as libnftnl encodes it: the list
     * entry nest, the flags attribute when flags are set, the key nest and its data value.
     */
    public static int encodedElementSize(int keyLength, int flags) {
        if (keyLength < 1 || keyLength > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("set key must be 1 to " + MAX_KEY_LENGTH + " bytes, got " + keyLength);
        }
        return 4 + (flags != 0 ? 8 : 0) + 4 + 4 + align(keyLength);
    }

    /** Header, nfgenmsg, set name, set id, table name and the elements nest of an element message. */
    public static int elementMessageOverhead(String table, String set) {
        return 16 + 4 + 4 + align(utf8(set) + 1) + 8 + 4 + align(utf8(table) + 1) + 4;
    }

    private static int utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static int align(int length) {
        return (length + 3) & ~3;
    }

    private NftnlSet(Pointer pointer) {
        super(pointer, "a set");
    }

    public static NftnlSet create(String table, String name, int family, int keyType, int keyLength, int flags, int id) {
        NftnlSet set = reference(table, name, family);
        nftnl().nftnl_set_set_u32(set.pointer(), NftnlAttr.SET_KEY_TYPE, keyType);
        nftnl().nftnl_set_set_u32(set.pointer(), NftnlAttr.SET_KEY_LEN, keyLength);
        nftnl().nftnl_set_set_u32(set.pointer(), NftnlAttr.SET_FLAGS, flags);
        nftnl().nftnl_set_set_u32(set.pointer(), NftnlAttr.SET_ID, id);
        return set;
    }

    /** A set named by table and name only: to carry elements, or to ask for them. */
    public static NftnlSet reference(String table, String name, int family) {
        NftnlSet set = new NftnlSet(nftnl().nftnl_set_alloc());
        nftnl().nftnl_set_set_str(set.pointer(), NftnlAttr.SET_TABLE, table);
        if (name != null) {
            nftnl().nftnl_set_set_str(set.pointer(), NftnlAttr.SET_NAME, name);
        }
        nftnl().nftnl_set_set_u32(set.pointer(), NftnlAttr.SET_FAMILY, family);
        return set;
    }

    public static NftnlSet parse(NetlinkMessage message) {
        NftnlSet set = new NftnlSet(nftnl().nftnl_set_alloc());
        if (nftnl().nftnl_set_nlmsg_parse(message.header(), set.pointer()) < 0) {
            set.close();
            throw new IllegalStateException("kernel sent a set libnftnl cannot parse");
        }
        return set;
    }

    /** Adds the elements of one NEWSETELEM/GETSETELEM answer to this set. */
    public void parseElements(NetlinkMessage message) {
        if (nftnl().nftnl_set_elems_nlmsg_parse(message.header(), pointer()) < 0) {
            throw new IllegalStateException("kernel sent set elements libnftnl cannot parse");
        }
    }

    public NftnlSet userdata(byte[] data) {
        nftnl().nftnl_set_set_data(pointer(), NftnlAttr.SET_USERDATA, data, data.length);
        return this;
    }

    public void addElement(byte[] key, int flags) {
        NftnlData.requireLength(key, MAX_KEY_LENGTH, "set key");
        Pointer element = nftnl().nftnl_set_elem_alloc();
        if (element == null) {
            throw new OutOfMemoryError("libnftnl could not allocate a set element");
        }
        nftnl().nftnl_set_elem_set(element, NftnlAttr.SET_ELEM_KEY, key, key.length);
        if (flags != 0) {
            nftnl().nftnl_set_elem_set_u32(element, NftnlAttr.SET_ELEM_FLAGS, flags);
        }
        nftnl().nftnl_set_elem_add(pointer(), element);
    }

    public void buildPayload(Pointer header) {
        nftnl().nftnl_set_nlmsg_build_payload(header, pointer());
    }

    public void buildElementsPayload(Pointer header) {
        nftnl().nftnl_set_elems_nlmsg_build_payload(header, pointer());
    }

    public String table() {
        return nftnl().nftnl_set_get_str(pointer(), NftnlAttr.SET_TABLE);
    }

    public String name() {
        return nftnl().nftnl_set_get_str(pointer(), NftnlAttr.SET_NAME);
    }

    public int flags() {
        return nftnl().nftnl_set_get_u32(pointer(), NftnlAttr.SET_FLAGS);
    }

    public int keyType() {
        return nftnl().nftnl_set_get_u32(pointer(), NftnlAttr.SET_KEY_TYPE);
    }

    public int keyLength() {
        return nftnl().nftnl_set_get_u32(pointer(), NftnlAttr.SET_KEY_LEN);
    }

    /** A map's data type (NFT_DATA_VERDICT 0xffffff00 for a verdict map); empty for a set. */
    public OptionalInt dataType() {
        return optionalU32(NftnlAttr.SET_DATA_TYPE);
    }

    public int dataLength() {
        return optionalU32(NftnlAttr.SET_DATA_LEN).orElse(0);
    }

    /** An object map's object type (NFT_OBJECT_*); empty otherwise. */
    public OptionalInt objectType() {
        return optionalU32(NftnlAttr.SET_OBJ_TYPE);
    }

    /** NFT_SET_POL_MEMORY (1) when given; the kernel leaves out the default, performance (0). */
    public OptionalInt policy() {
        return optionalU32(NftnlAttr.SET_POLICY);
    }

    /** The maximum number of elements, when the set has one. */
    public OptionalInt size() {
        return optionalU32(NftnlAttr.SET_DESC_SIZE).stream().filter(size -> size != 0).findFirst();
    }

    /** The default element timeout in milliseconds, when the set has one. */
    public OptionalLong timeoutMs() {
        return nftnl().nftnl_set_is_set(pointer(), NftnlAttr.SET_TIMEOUT)
                ? OptionalLong.of(nftnl().nftnl_set_get_u64(pointer(), NftnlAttr.SET_TIMEOUT)) : OptionalLong.empty();
    }

    public OptionalInt gcIntervalMs() {
        return optionalU32(NftnlAttr.SET_GC_INTERVAL);
    }

    /** Whether the set carries stateful expressions for its elements (e.g. a counter per element). */
    public boolean hasExpressions() {
        return nftnl().nftnl_set_is_set(pointer(), NftnlAttr.SET_EXPR) || nftnl().nftnl_set_is_set(pointer(), NftnlAttr.SET_EXPRESSIONS);
    }

    /** Whether the key is a concatenation of several fields. */
    public boolean isConcatenation() {
        return nftnl().nftnl_set_is_set(pointer(), NftnlAttr.SET_DESC_CONCAT);
    }

    private OptionalInt optionalU32(int attr) {
        return nftnl().nftnl_set_is_set(pointer(), attr) ? OptionalInt.of(nftnl().nftnl_set_get_u32(pointer(), attr))
                : OptionalInt.empty();
    }

    /** The elements parsed into this set, with every attribute they carry. */
    public List<Element> elements() {
        return elements(true);
    }

    /**
     * The elements parsed into this set.
     *
     * @param mapOrTimeoutAttributes also read verdicts, data, timeouts, object references and
     *                               range end keys; the kernel refuses those on an element of a
     *                               set without map, timeout, object or concat flags, so for such
     *                               a set they need not be read (a third of the native calls)
     */
    public List<Element> elements(boolean mapOrTimeoutAttributes) {
        List<Element> elements = new ArrayList<>();
        Pointer iterator = nftnl().nftnl_set_elems_iter_create(pointer());
        if (iterator == null) {
            throw new OutOfMemoryError("libnftnl could not allocate an element iterator");
        }
        try {
            IntByReference length = new IntByReference();
            for (Pointer e = nftnl().nftnl_set_elems_iter_next(iterator); e != null;
                 e = nftnl().nftnl_set_elems_iter_next(iterator)) {
                byte[] key = nftnl().nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_KEY)
                        ? NftnlData.copy(nftnl().nftnl_set_elem_get(e, NftnlAttr.SET_ELEM_KEY, length), length)
                        : new byte[0];
                int flags = nftnl().nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_FLAGS)
                        ? nftnl().nftnl_set_elem_get_u32(e, NftnlAttr.SET_ELEM_FLAGS) : 0;
                List<String> others = new ArrayList<>();
                // Stateful expressions (a quota, a limit) may sit on the elements of any set.
                if (nftnl().nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_EXPR)
                        || nftnl().nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_EXPRESSIONS)) {
                    others.add("expressions");
                }
                if (!mapOrTimeoutAttributes) {
                    elements.add(new Element(key, flags, OptionalInt.empty(), "", new byte[0], 0, others));
                    continue;
                }
                OptionalInt verdict = nftnl().nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_VERDICT)
                        ? OptionalInt.of(nftnl().nftnl_set_elem_get_u32(e, NftnlAttr.SET_ELEM_VERDICT)) : OptionalInt.empty();
                String chain = nftnl().nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_CHAIN)
                        ? nftnl().nftnl_set_elem_get_str(e, NftnlAttr.SET_ELEM_CHAIN) : "";
                byte[] data = nftnl().nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_DATA)
                        ? NftnlData.copy(nftnl().nftnl_set_elem_get(e, NftnlAttr.SET_ELEM_DATA, length), length)
                        : new byte[0];
                long timeout = nftnl().nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_TIMEOUT)
                        ? nftnl().nftnl_set_elem_get_u64(e, NftnlAttr.SET_ELEM_TIMEOUT) : 0;
                if (nftnl().nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_OBJREF)) {
                    others.add("object " + nftnl().nftnl_set_elem_get_str(e, NftnlAttr.SET_ELEM_OBJREF));
                }
                if (nftnl().nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_KEY_END)) {
                    others.add("range end key");
                }
                if (timeout == 0 && nftnl().nftnl_set_elem_is_set(e, NftnlAttr.SET_ELEM_EXPIRATION)) {
                    others.add("expiration");
                }
                elements.add(new Element(key, flags, verdict, chain == null ? "" : chain, data, timeout, others));
            }
        } finally {
            nftnl().nftnl_set_elems_iter_destroy(iterator);
        }
        return elements;
    }

    @Override
    void free(Pointer pointer) {
        nftnl().nftnl_set_free(pointer);
    }

    /** Looked up on each use, never in a static initialiser: see NativeLibraries. */
    private static LibNftnl nftnl() {
        return NativeLibraries.nftnl();
    }
}
