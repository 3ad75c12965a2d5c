package io.bridgewall.nftnl;

import io.bridgewall.netlink.MessageBuffer;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkMessage;
import io.bridgewall.netlink.WireMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Set element messages in Java. Written: one NEWSETELEM or DELSETELEM message of elements that
 * carry a key and flags,
 * byte for byte what {@link NftnlSet#addElement} and {@link NftnlSet#buildElementsPayload} have
 * libnftnl write (SetElementsMessageTest compares the two), without their four native calls per
 * element (allocate, set the key, set the flags, add to the set). Set elements are the part of a
 * transaction that grows with the host: 80,000 of them at 10,000 networks.
 *
 * Read ({@link #read}): the elements of one GETSETELEM answer, as {@link NftnlSet#parseElements}
 * and {@link NftnlSet#elements(boolean)} have libnftnl read them (compared in the test too),
 * without their eight native calls per element.
 *
 * <p>Layout: netlink header and nfgenmsg; the set name, the table name; then a nest of
 * elements, each a nest whose type is its position (from 1) holding the element's flags (only
 * when not 0) and a key nest with the key's bytes. Numbers are big-endian, as nf_tables wants.
 */
public final class SetElementsMessage {
    private static final int NFTA_SET_ELEM_LIST_TABLE = 1;
    private static final int NFTA_SET_ELEM_LIST_SET = 2;
    private static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    private static final int NFTA_SET_ELEM_LIST_MAX = 5;
    private static final int NFTA_LIST_ELEM = 1;
    private static final int NFTA_SET_ELEM_KEY = 1;
    private static final int NFTA_SET_ELEM_DATA = 2;
    private static final int NFTA_SET_ELEM_FLAGS = 3;
    private static final int NFTA_SET_ELEM_TIMEOUT = 4;
    private static final int NFTA_SET_ELEM_EXPIRATION = 5;
    private static final int NFTA_SET_ELEM_EXPR = 7;
    private static final int NFTA_SET_ELEM_OBJREF = 9;
    private static final int NFTA_SET_ELEM_KEY_END = 10;
    private static final int NFTA_SET_ELEM_EXPRESSIONS = 11;
    private static final int NFTA_SET_ELEM_MAX = 11;
    private static final int NFTA_DATA_VALUE = 1;
    private static final int NFTA_DATA_VERDICT = 2;
    private static final int NFTA_VERDICT_CODE = 1;
    private static final int NFTA_VERDICT_CHAIN = 2;
    private static final int NLA_F_NESTED = 0x8000;
    private static final int NLA_TYPE_MASK = 0x3fff;
    private static final int ATTRIBUTE_HEADER = 4;

    /** Netlink headers in the machine's order; attribute values are written big-endian explicitly. */
    private final ByteBuffer buffer = ByteBuffer.allocate(MessageBuffer.MAX_MESSAGE).order(ByteOrder.nativeOrder());
    private int elementsNest = -1;
    private int count;
    private boolean finished;

    /**
     * @param nftMessage NFT_MSG_NEWSETELEM or NFT_MSG_DELSETELEM
     * @param flags      netlink flags beside NLM_F_REQUEST and NLM_F_ACK, which every message of a batch carries
     */
    public SetElementsMessage(int nftMessage, int family, int flags, String table, String set) {
        buffer.putInt(0);
        buffer.putShort((short) Netlink.nftType(nftMessage));
        buffer.putShort((short) (Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | flags));
        buffer.putInt(0); // sequence: the sending socket numbers it
        buffer.putInt(0); // port id: the kernel fills it in
        buffer.put((byte) family);
        buffer.put((byte) Netlink.NFNETLINK_V0);
        buffer.putShort((short) 0);
        string(NFTA_SET_ELEM_LIST_SET, set);
        string(NFTA_SET_ELEM_LIST_TABLE, table);
    }

    /** Appends one element: its key as the kernel stores it, and its flags (NFT_SET_ELEM_INTERVAL_END ...). */
    public SetElementsMessage add(byte[] key, int flags) {
        if (finished) {
            throw new IllegalStateException("element message already finished");
        }
        NftnlData.requireLength(key, NftnlSet.MAX_KEY_LENGTH, "set key");
        if (count == NftnlSet.MAX_ELEMENTS_PER_MESSAGE) {
            throw new IllegalStateException("more than " + NftnlSet.MAX_ELEMENTS_PER_MESSAGE + " elements in one message");
        }
        int size = NftnlSet.encodedElementSize(key.length, flags);
        if (buffer.position() + size + (elementsNest < 0 ? ATTRIBUTE_HEADER : 0) > buffer.capacity()) {
            throw new IllegalStateException("element message over " + buffer.capacity() + " bytes");
        }
        if (elementsNest < 0) {
            elementsNest = startNest(NFTA_SET_ELEM_LIST_ELEMENTS);
        }
        count++;
        int element = startNest(count);
        if (flags != 0) {
            attributeHeader(NFTA_SET_ELEM_FLAGS, Integer.BYTES);
            buffer.order(ByteOrder.BIG_ENDIAN).putInt(flags).order(ByteOrder.nativeOrder());
        }
        int keyNest = startNest(NFTA_SET_ELEM_KEY);
        attributeHeader(NFTA_DATA_VALUE, key.length);
        buffer.put(key);
        pad();
        endNest(keyNest);
        endNest(element);
        return this;
    }

    /** Elements added so far. */
    public int size() {
        return count;
    }

    /** The whole message; no element can be added after. */
    public WireMessage toWire(String description) {
        if (!finished) {
            finished = true;
            if (elementsNest >= 0) {
                endNest(elementsNest);
            }
            buffer.putInt(0, buffer.position());
        }
        return new WireMessage(description, Arrays.copyOf(buffer.array(), buffer.position()));
    }

    /**
     * The elements of one GETSETELEM answer (or any element message), in order.
     *
     * @param mapOrTimeoutAttributes also read verdicts, data, timeouts, object references and
     *                               range end keys (see {@link NftnlSet#elements(boolean)})
     * @throws IllegalStateException for a message whose attributes do not fit it, as libnftnl
     *                               refuses it
     */
    public static List<NftnlSet.Element> read(NetlinkMessage message, boolean mapOrTimeoutAttributes) {
        ByteBuffer bytes = message.bytes();
        Map<Integer, ByteBuffer> list = attributes(bytes, Netlink.NLMSG_HDRLEN + Netlink.NFGENMSG_LENGTH,
                message.length(), NFTA_SET_ELEM_LIST_MAX);
        List<NftnlSet.Element> elements = new ArrayList<>();
        ByteBuffer nest = list.get(NFTA_SET_ELEM_LIST_ELEMENTS);
        if (nest == null) {
            return elements;
        }
        for (int position = 0; position < nest.limit(); ) {
            int length = attributeLength(nest, position, nest.limit());
            if ((nest.getShort(position + 2) & NLA_TYPE_MASK) != NFTA_LIST_ELEM) {
                throw unreadable("an element list entry of type " + (nest.getShort(position + 2) & NLA_TYPE_MASK));
            }
            elements.add(element(attributes(nest, position + ATTRIBUTE_HEADER, position + length, NFTA_SET_ELEM_MAX),
                    mapOrTimeoutAttributes));
            position += align(length);
        }
        return elements;
    }

    private static NftnlSet.Element element(Map<Integer, ByteBuffer> attributes, boolean mapOrTimeoutAttributes) {
        ByteBuffer keyNest = attributes.get(NFTA_SET_ELEM_KEY);
        byte[] key = keyNest == null ? new byte[0] : value(keyNest);
        int flags = attributes.containsKey(NFTA_SET_ELEM_FLAGS) ? u32(attributes.get(NFTA_SET_ELEM_FLAGS)) : 0;
        List<String> others = new ArrayList<>();
        // Stateful expressions (a quota, a limit) may sit on the elements of any set.
        if (attributes.containsKey(NFTA_SET_ELEM_EXPR) || attributes.containsKey(NFTA_SET_ELEM_EXPRESSIONS)) {
            others.add("expressions");
        }
        if (!mapOrTimeoutAttributes) {
            return new NftnlSet.Element(key, flags, OptionalInt.empty(), "", new byte[0], 0, others);
        }
        OptionalInt verdict = OptionalInt.empty();
        String chain = "";
        byte[] data = new byte[0];
        ByteBuffer dataNest = attributes.get(NFTA_SET_ELEM_DATA);
        if (dataNest != null) {
            Map<Integer, ByteBuffer> inside = attributes(dataNest, 0, dataNest.limit(), NFTA_DATA_VERDICT);
            if (inside.containsKey(NFTA_DATA_VALUE)) {
                data = bytes(inside.get(NFTA_DATA_VALUE));
            } else if (inside.containsKey(NFTA_DATA_VERDICT)) {
                ByteBuffer verdictNest = inside.get(NFTA_DATA_VERDICT);
                Map<Integer, ByteBuffer> v = attributes(verdictNest, 0, verdictNest.limit(), NFTA_VERDICT_CHAIN);
                if (!v.containsKey(NFTA_VERDICT_CODE)) {
                    throw unreadable("a verdict without its code");
                }
                verdict = OptionalInt.of(u32(v.get(NFTA_VERDICT_CODE)));
                chain = v.containsKey(NFTA_VERDICT_CHAIN) ? string(v.get(NFTA_VERDICT_CHAIN)) : "";
            }
        }
        long timeout = attributes.containsKey(NFTA_SET_ELEM_TIMEOUT) ? u64(attributes.get(NFTA_SET_ELEM_TIMEOUT)) : 0;
        if (attributes.containsKey(NFTA_SET_ELEM_OBJREF)) {
            others.add("object " + string(attributes.get(NFTA_SET_ELEM_OBJREF)));
        }
        if (attributes.containsKey(NFTA_SET_ELEM_KEY_END)) {
            others.add("range end key");
        }
        if (timeout == 0 && attributes.containsKey(NFTA_SET_ELEM_EXPIRATION)) {
            others.add("expiration");
        }
        return new NftnlSet.Element(key, flags, verdict, chain, data, timeout, others);
    }

    /**
     * The attributes between {@code from} and {@code to}, each a read-only view of its payload,
     * by type (flags masked off; the last of a type counts, types above {@code max} are skipped,
     * as libnftnl does).
     */
    private static Map<Integer, ByteBuffer> attributes(ByteBuffer bytes, int from, int to, int max) {
        Map<Integer, ByteBuffer> byType = new HashMap<>();
        for (int position = from; position < to; ) {
            int length = attributeLength(bytes, position, to);
            int type = bytes.getShort(position + 2) & NLA_TYPE_MASK;
            if (type <= max) {
                // Attribute headers are in the machine's order, nf_tables numbers big-endian (read so below).
                byType.put(type, bytes.duplicate().limit(position + length).position(position + ATTRIBUTE_HEADER).slice()
                        .order(ByteOrder.nativeOrder()));
            }
            position += align(length);
        }
        return byType;
    }

    private static int attributeLength(ByteBuffer bytes, int position, int end) {
        if (position + ATTRIBUTE_HEADER > end) {
            throw unreadable((end - position) + " stray bytes after the last attribute");
        }
        int length = bytes.getShort(position) & 0xffff;
        if (length < ATTRIBUTE_HEADER || position + length > end) {
            throw unreadable("an attribute of " + length + " bytes with " + (end - position) + " left");
        }
        return length;
    }

    /** The value inside a data nest (a key, a key end, map data); at most 64 bytes, as libnftnl holds. */
    private static byte[] value(ByteBuffer nest) {
        ByteBuffer value = attributes(nest, 0, nest.limit(), NFTA_DATA_VERDICT).get(NFTA_DATA_VALUE);
        return value == null ? new byte[0] : bytes(value);
    }

    private static byte[] bytes(ByteBuffer payload) {
        if (payload.remaining() > NftnlSet.MAX_KEY_LENGTH) {
            throw unreadable("a value of " + payload.remaining() + " bytes");
        }
        byte[] out = new byte[payload.remaining()];
        payload.duplicate().get(out);
        return out;
    }

    private static int u32(ByteBuffer payload) {
        if (payload.remaining() < Integer.BYTES) {
            throw unreadable("a 32-bit number of " + payload.remaining() + " bytes");
        }
        return payload.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(0);
    }

    private static long u64(ByteBuffer payload) {
        if (payload.remaining() < Long.BYTES) {
            throw unreadable("a 64-bit number of " + payload.remaining() + " bytes");
        }
        return payload.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(0);
    }

    private static String string(ByteBuffer payload) {
        int end = 0;
        while (end < payload.remaining() && payload.get(end) != 0) {
            end++;
        }
        byte[] raw = new byte[end];
        payload.duplicate().get(raw);
        return new String(raw, StandardCharsets.UTF_8);
    }

    private static int align(int length) {
        return (length + 3) & ~3;
    }

    private static IllegalStateException unreadable(String what) {
        return new IllegalStateException("kernel sent set elements that cannot be read: " + what);
    }

    private void string(int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        attributeHeader(type, bytes.length + 1);
        buffer.put(bytes).put((byte) 0);
        pad();
    }

    private void attributeHeader(int type, int payloadLength) {
        buffer.putShort((short) (ATTRIBUTE_HEADER + payloadLength));
        buffer.putShort((short) type);
    }

    private int startNest(int type) {
        int start = buffer.position();
        attributeHeader(type | NLA_F_NESTED, 0);
        return start;
    }

    private void endNest(int start) {
        buffer.putShort(start, (short) (buffer.position() - start));
    }

    /** Attributes start 4-byte aligned; the gap is zeros (the buffer starts zeroed and is never rewound). */
    private void pad() {
        buffer.position((buffer.position() + 3) & ~3);
    }
}
