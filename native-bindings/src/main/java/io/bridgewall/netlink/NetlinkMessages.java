package io.bridgewall.netlink;

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

    public static List<NetlinkMessage> split(Pointer buffer, int received) {
        List<NetlinkMessage> messages = new ArrayList<>();
        int offset = 0;
        while (offset < received) {
            int remaining = received - offset;
            if (remaining < Netlink.NLMSG_HDRLEN) {
                throw new KernelException(71 /* EPROTO */, "reading a netlink reply",
                        remaining + " trailing bytes are too short for a message header");
            }
            int length = buffer.getInt(offset);
            if (length < Netlink.NLMSG_HDRLEN || length > remaining) {
                throw new KernelException(71, "reading a netlink reply",
                        "message claims " + Integer.toUnsignedString(length) + " bytes with " + remaining + " received");
            }
            int type = buffer.getShort(offset + 4) & 0xffff;
            int flags = buffer.getShort(offset + 6) & 0xffff;
            int sequence = buffer.getInt(offset + 8);
            if (type == Netlink.NLMSG_ERROR && length < Netlink.NLMSG_HDRLEN + 4 + Netlink.NLMSG_HDRLEN) {
                throw new KernelException(71, "reading a netlink reply", "error message of " + length + " bytes is truncated");
            }
            messages.add(new NetlinkMessage(type, flags, sequence, buffer.slice(offset, length), length));
            offset += (length + 3) & ~3;
        }
        return messages;
    }
}
