package io.bridgewall.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds kernel messages byte by byte for reply-matching tests. */
final class Messages {
    static final int NEWGEN = Netlink.nftType(15);
    static final int NEWTABLE = Netlink.nftType(Netlink.NFT_MSG_NEWTABLE);

    private Messages() {
    }

    static ByteBuffer header(int length, int type, int flags, int sequence, int portId) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putInt(0, length).putShort(4, (short) type).putShort(6, (short) flags).putInt(8, sequence).putInt(12, portId);
        return b;
    }

    /** NLMSG_ERROR answering {@code answered} with this errno (0: ack), header echoed only (capped). */
    static byte[] ack(int answered, int errno, int portId) {
        int length = Netlink.NLMSG_HDRLEN + 4 + Netlink.NLMSG_HDRLEN;
        ByteBuffer b = header(length, Netlink.NLMSG_ERROR, Netlink.NLM_F_CAPPED, answered, portId);
        b.putInt(16, -errno);
        b.putInt(20, 40).putShort(24, (short) NEWTABLE).putShort(26, (short) Netlink.NLM_F_REQUEST)
                .putInt(28, answered).putInt(32, 0);
        return b.array();
    }

    /** An error with the kernel's text (NLMSGERR_ATTR_MSG) after the capped echo. */
    static byte[] error(int answered, int errno, int portId, String text) {
        byte[] plain = ack(answered, errno, portId);
        byte[] msg = (text + "\0").getBytes(StandardCharsets.US_ASCII);
        int attr = 4 + msg.length;
        int length = plain.length + ((attr + 3) & ~3);
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.put(plain);
        b.putInt(0, length);
        b.putShort(6, (short) (Netlink.NLM_F_CAPPED | Netlink.NLM_F_ACK_TLVS));
        b.putShort(plain.length, (short) attr).putShort(plain.length + 2, (short) Netlink.NLMSGERR_ATTR_MSG);
        b.position(plain.length + 4);
        b.put(msg);
        return b.array();
    }

    static byte[] data(int type, int flags, int sequence, int portId, int payloadBytes) {
        return header(Netlink.NLMSG_HDRLEN + payloadBytes, type, flags, sequence, portId).array();
    }

    static byte[] done(int sequence, int portId, int flags) {
        ByteBuffer b = header(Netlink.NLMSG_HDRLEN + 4, Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI | flags, sequence, portId);
        return b.array();
    }

    static byte[] noop(int portId) {
        return header(Netlink.NLMSG_HDRLEN, Netlink.NLMSG_NOOP, 0, 0, portId).array();
    }

    static byte[] overrun(int portId) {
        return header(Netlink.NLMSG_HDRLEN, Netlink.NLMSG_OVERRUN, 0, 0, portId).array();
    }
}
