package io.bridgewall.netlink;

import jnr.ffi.Pointer;

/**
 * One netlink message inside a receive buffer, already checked to lie wholly inside it.
 * Valid only until the buffer is reused by the next receive.
 */
public record NetlinkMessage(int type, int flags, int sequence, Pointer header, int length) {
    public boolean isError() {
        return type == Netlink.NLMSG_ERROR;
    }

    public boolean isDone() {
        return type == Netlink.NLMSG_DONE;
    }

    /** For NLMSG_ERROR: 0 for an ack, else a positive errno. */
    public int errno() {
        return -header.getInt(Netlink.NLMSG_HDRLEN);
    }

    /** For NLMSG_ERROR: the sequence number of the message this answers. */
    public int answeredSequence() {
        return header.getInt(Netlink.NLMSG_HDRLEN + 4 + 8);
    }

    /** For NLMSG_ERROR with extended ack: the kernel's text, or "" when it gave none. */
    public String extendedAckMessage() {
        if ((flags & Netlink.NLM_F_ACK_TLVS) == 0) {
            return "";
        }
        // error code, then the echoed request header (payload capped by NETLINK_CAP_ACK), then TLVs.
        int offset = Netlink.NLMSG_HDRLEN + 4 + Netlink.NLMSG_HDRLEN;
        while (offset + 4 <= length) {
            int attrLength = header.getShort(offset) & 0xffff;
            int attrType = header.getShort(offset + 2) & 0x3fff;
            if (attrLength < 4 || offset + attrLength > length) {
                return "";
            }
            if (attrType == Netlink.NLMSGERR_ATTR_MSG && attrLength > 4) {
                byte[] text = new byte[attrLength - 4];
                header.get(offset + 4, text, 0, text.length);
                int end = 0;
                while (end < text.length && text[end] != 0) {
                    end++;
                }
                return new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8);
            }
            offset += (attrLength + 3) & ~3;
        }
        return "";
    }
}
