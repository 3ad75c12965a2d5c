package io.bridgewall.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.OptionalInt;

/**
 * One netlink message exactly as it goes on the wire, with its sequence number left at 0 until
 * a socket sends it, and a description in nft words for error messages.
 *
 * @param description what the message does, e.g. "add set inet bridgewall bridges"
 */
public record WireMessage(String description, byte[] bytes) {
    public static final int SEQUENCE_OFFSET = 8;
    private static final int NFGENMSG_LENGTH = 4;

    public WireMessage {
        bytes = bytes.clone();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        if (bytes.length < Netlink.NLMSG_HDRLEN || b.getInt(0) != bytes.length) {
            throw new IllegalArgumentException("not one whole netlink message: " + bytes.length + " bytes, header says "
                    + (bytes.length >= 4 ? b.getInt(0) : -1));
        }
        if (bytes.length > MessageBuffer.MAX_MESSAGE) {
            throw new IllegalArgumentException(description + ": message of " + bytes.length + " bytes; the limit is "
                    + MessageBuffer.MAX_MESSAGE);
        }
    }

    /** Copies one built message (its header states its length) out of native or heap memory. */
    public static WireMessage of(String description, ByteBuffer message) {
        ByteBuffer b = message.duplicate().order(ByteOrder.nativeOrder());
        int length = b.getInt(b.position());
        byte[] bytes = new byte[length];
        b.get(bytes);
        return new WireMessage(description, bytes);
    }

    /**
     * NFNL_MSG_BATCH_BEGIN for nf_tables, as libnftnl's nftnl_batch_begin writes it, plus
     * NFNL_BATCH_GENID (big-endian) when the batch must commit only at that generation.
     */
    public static WireMessage batchBegin(OptionalInt generation) {
        int length = Netlink.NLMSG_HDRLEN + NFGENMSG_LENGTH + (generation.isPresent() ? 8 : 0);
        ByteBuffer b = header(length, Netlink.NFNL_MSG_BATCH_BEGIN, Netlink.NLM_F_REQUEST, 0);
        generation.ifPresent(id -> {
            b.putShort(20, (short) 8);
            b.putShort(22, (short) Netlink.NFNL_BATCH_GENID);
            b.order(ByteOrder.BIG_ENDIAN).putInt(24, id).order(ByteOrder.nativeOrder());
        });
        return new WireMessage(generation.isPresent()
                ? "start the transaction at generation " + Integer.toUnsignedString(generation.getAsInt())
                : "start the transaction", b.array());
    }

    /** NFNL_MSG_BATCH_END: the kernel commits when it reaches it. */
    public static WireMessage batchEnd() {
        ByteBuffer b = header(Netlink.NLMSG_HDRLEN + NFGENMSG_LENGTH, Netlink.NFNL_MSG_BATCH_END, Netlink.NLM_F_REQUEST, 0);
        return new WireMessage("end the transaction", b.array());
    }

    /** The same message asking the kernel for an ack (a batch's begin is acked only from Linux 6.10 on). */
    public WireMessage withAck() {
        ByteBuffer b = ByteBuffer.wrap(bytes.clone()).order(ByteOrder.nativeOrder());
        b.putShort(6, (short) (flags() | Netlink.NLM_F_ACK));
        return new WireMessage(description, b.array());
    }

    private static ByteBuffer header(int length, int type, int flags, int family) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putInt(0, length);
        b.putShort(4, (short) type);
        b.putShort(6, (short) flags);
        b.put(16, (byte) family);
        b.put(17, (byte) Netlink.NFNETLINK_V0);
        // res_id: the subsystem, big-endian
        b.put(18, (byte) (Netlink.NFNL_SUBSYS_NFTABLES >> 8));
        b.put(19, (byte) Netlink.NFNL_SUBSYS_NFTABLES);
        return b;
    }

    private ByteBuffer view() {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
    }

    public int length() {
        return bytes.length;
    }

    public int type() {
        return view().getShort(4) & 0xffff;
    }

    public int flags() {
        return view().getShort(6) & 0xffff;
    }

    /** nfgenmsg.nfgen_family, or -1 for a message too short to have one. */
    public int family() {
        return bytes.length >= Netlink.NLMSG_HDRLEN + NFGENMSG_LENGTH ? bytes[16] & 0xff : -1;
    }

    public boolean asksForAck() {
        return (flags() & Netlink.NLM_F_ACK) != 0;
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WireMessage m && m.description.equals(description) && Arrays.equals(m.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return 31 * description.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return String.format("%-22s flags=0x%03x family=%-3d %5d bytes  %s", typeName(type()), flags(), family(),
                bytes.length, description);
    }

    static String typeName(int type) {
        if (type == Netlink.NFNL_MSG_BATCH_BEGIN) {
            return "BATCH_BEGIN";
        }
        if (type == Netlink.NFNL_MSG_BATCH_END) {
            return "BATCH_END";
        }
        if (type >> 8 == Netlink.NFNL_SUBSYS_NFTABLES) {
            String[] names = {"NEWTABLE", "GETTABLE", "DELTABLE", "NEWCHAIN", "GETCHAIN", "DELCHAIN", "NEWRULE",
                "GETRULE", "DELRULE", "NEWSET", "GETSET", "DELSET", "NEWSETELEM", "GETSETELEM", "DELSETELEM",
                "NEWGEN", "GETGEN"};
            int msg = type & 0xff;
            return msg < names.length ? "NFT_MSG_" + names[msg] : "NFT_MSG_" + msg;
        }
        return "type " + type;
    }
}
