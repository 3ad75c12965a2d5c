package io.bridgewall.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The top-level attributes of one message, read in Java with every length checked: for the
 * few attributes bridgewall reads itself rather than through libnftnl.
 */
public final class NetlinkAttributes {
    private final Map<Integer, ByteBuffer> byType;

    private NetlinkAttributes(Map<Integer, ByteBuffer> byType) {
        this.byType = byType;
    }

    /** Walks the attributes that start {@code offset} bytes into the message. */
    public static NetlinkAttributes of(NetlinkMessage message, int offset) {
        ByteBuffer bytes = message.bytes();
        int end = message.length();
        Map<Integer, ByteBuffer> byType = new HashMap<>();
        int position = offset;
        while (position + 4 <= end) {
            int length = bytes.getShort(position) & 0xffff;
            int type = bytes.getShort(position + 2) & 0x3fff;
            if (length < 4 || position + length > end) {
                throw new KernelException(Netlink.EPROTO, "reading a netlink reply",
                        "attribute " + type + " claims " + length + " bytes with " + (end - position) + " left");
            }
            byType.putIfAbsent(type, bytes.duplicate().position(position + 4).limit(position + length).slice());
            position += (length + 3) & ~3;
        }
        return new NetlinkAttributes(byType);
    }

    /** A big-endian u32 attribute (nf_tables sends numbers in network order). */
    public OptionalInt u32(int type) {
        ByteBuffer value = byType.get(type);
        if (value == null || value.remaining() != 4) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(value.order(ByteOrder.BIG_ENDIAN).getInt(0));
    }

    public Optional<String> string(int type) {
        ByteBuffer value = byType.get(type);
        if (value == null) {
            return Optional.empty();
        }
        byte[] raw = new byte[value.remaining()];
        value.duplicate().get(raw);
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return Optional.of(new String(raw, 0, end, java.nio.charset.StandardCharsets.UTF_8));
    }
}
