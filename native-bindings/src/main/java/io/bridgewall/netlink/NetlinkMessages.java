package io.bridgewall.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * Splits a received datagram into messages, checking every length against what was really
 * received before anything (libnftnl's parsers included) reads a byte of it.
 */
public final class NetlinkMessages {
    private NetlinkMessages() {
    }

    /** Splits a datagram (position to limit) into its messages. */
    public static List<NetlinkMessage> split(ByteBuffer datagram) {
        ByteBuffer buffer = datagram.slice().order(ByteOrder.nativeOrder());
        int received = buffer.remaining();
        List<NetlinkMessage> messages = new ArrayList<>();
        int offset = 0;
        while (offset < received) {
            int remaining = received - offset;
            if (remaining < Netlink.NLMSG_HDRLEN) {
                throw malformed(remaining + " trailing bytes are too short for a message header");
            }
            int length = buffer.getInt(offset);
            if (length < Netlink.NLMSG_HDRLEN || length > remaining) {
                throw malformed("message claims " + Integer.toUnsignedString(length) + " bytes with " + remaining
                        + " received");
            }
            int type = buffer.getShort(offset + 4) & 0xffff;
            if (type == Netlink.NLMSG_ERROR && length < Netlink.NLMSG_HDRLEN + 4 + Netlink.NLMSG_HDRLEN) {
                throw malformed("error message of " + length + " bytes is truncated");
            }
            messages.add(new NetlinkMessage(buffer.duplicate().position(offset).limit(offset + length)));
            offset += Math.min((length + 3) & ~3, remaining);
        }
        return messages;
    }

    /** Splits {@code received} bytes of native memory (copied first). */
    public static List<NetlinkMessage> split(Pointer buffer, int received) {
        byte[] copy = new byte[received];
        buffer.get(0, copy, 0, received);
        return split(ByteBuffer.wrap(copy));
    }

    private static KernelException malformed(String detail) {
        return new KernelException(Netlink.EPROTO, "reading a netlink reply", detail);
    }
}
