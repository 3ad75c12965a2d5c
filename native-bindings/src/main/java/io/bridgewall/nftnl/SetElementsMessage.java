package io.bridgewall.nftnl;

import io.bridgewall.netlink.MessageBuffer;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.WireMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One NEWSETELEM or DELSETELEM message of elements that carry a key and flags, written in Java:
 * byte for byte what {@link NftnlSet#addElement} and {@link NftnlSet#buildElementsPayload} have
 * libnftnl write (SetElementsMessageTest compares the two), without their four native calls per
 * element (allocate, set the key, set the flags, add to the set). Set elements are the part of a
 * transaction that grows with the host: 80,000 of them at 10,000 networks.
 *
 * <p>Layout: netlink header and nfgenmsg; the set name, the table name; then a nest of
 * elements, each a nest whose type is its position (from 1) holding the element's flags (only
 * when not 0) and a key nest with the key's bytes. Numbers are big-endian, as nf_tables wants.
 */
public final class SetElementsMessage {
    private static final int NFTA_SET_ELEM_LIST_TABLE = 1;
    private static final int NFTA_SET_ELEM_LIST_SET = 2;
    private static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    private static final int NFTA_SET_ELEM_KEY = 1;
    private static final int NFTA_SET_ELEM_FLAGS = 3;
    private static final int NFTA_DATA_VALUE = 1;
    private static final int NLA_F_NESTED = 0x8000;
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
