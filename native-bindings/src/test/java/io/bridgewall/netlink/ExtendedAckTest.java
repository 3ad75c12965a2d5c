package io.bridgewall.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Where the kernel's extended ack starts depends on the message: after the 4-byte error code
 * for NLMSG_DONE; for NLMSG_ERROR after the echoed request, which is its header only when
 * NLM_F_CAPPED says so and the whole request otherwise. Every TLV is length-checked.
 */
class ExtendedAckTest {
    private static final int PORT = 7;

    /** A message of the given type and flags: header, then {@code body}, then TLVs. */
    private static NetlinkMessage message(int type, int flags, byte[] body, byte[]... tlvs) {
        int length = Netlink.NLMSG_HDRLEN + body.length;
        for (byte[] tlv : tlvs) {
            length += (tlv.length + 3) & ~3;
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putInt(length).putShort((short) type).putShort((short) flags).putInt(9).putInt(PORT);
        b.put(body);
        for (byte[] tlv : tlvs) {
            int start = b.position();
            b.put(tlv);
            b.position(start + ((tlv.length + 3) & ~3));
        }
        return NetlinkMessages.split(b.flip()).get(0);
    }

    private static byte[] tlv(int type, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(4 + value.length).order(ByteOrder.nativeOrder());
        return b.putShort((short) (4 + value.length)).putShort((short) type).put(value).array();
    }

    private static byte[] text(String s) {
        return tlv(Netlink.NLMSGERR_ATTR_MSG, (s + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] errorBody(int errno, int echoedLength) {
        ByteBuffer b = ByteBuffer.allocate(4 + echoedLength).order(ByteOrder.nativeOrder());
        b.putInt(-errno);
        b.putInt(echoedLength).putShort((short) Netlink.nftType(Netlink.NFT_MSG_NEWSET)).putShort((short) 5).putInt(9).putInt(0);
        // The rest of an uncapped echo is the request's payload: attributes that are NOT the ack's.
        while (b.remaining() >= 8) {
            b.putShort((short) 8).putShort((short) Netlink.NLMSGERR_ATTR_MSG).putInt(0x41414141);
        }
        return b.array();
    }

    @Test
    void aDoneMessagesAttributesFollowItsErrorCode() {
        ByteBuffer code = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(-22);
        NetlinkMessage done = message(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI | Netlink.NLM_F_ACK_TLVS, code.array(),
                text("dump filter invalid"));

        assertThat(done.errno()).isEqualTo(22);
        assertThat(done.extendedAck().message()).isEqualTo("dump filter invalid");
    }

    @Test
    void aCappedErrorsAttributesFollowTheEchoedHeader() {
        NetlinkMessage error = message(Netlink.NLMSG_ERROR, Netlink.NLM_F_CAPPED | Netlink.NLM_F_ACK_TLVS,
                errorBody(16, Netlink.NLMSG_HDRLEN), text("Device or resource busy"),
                tlv(Netlink.NLMSGERR_ATTR_OFFS, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(36).array()));

        assertThat(error.extendedAck()).isEqualTo(new NetlinkMessage.ExtendedAck("Device or resource busy", OptionalInt.of(36)));
    }

    @Test
    void anUncappedErrorEchoesTheWholeRequestBeforeItsAttributes() {
        // NETLINK_CAP_ACK did not take: the kernel echoes the 40-byte request whole.
        NetlinkMessage error = message(Netlink.NLMSG_ERROR, Netlink.NLM_F_ACK_TLVS, errorBody(17, 40), text("set exists"));

        assertThat(error.answeredSequence()).isEqualTo(9);
        assertThat(error.extendedAck().message()).isEqualTo("set exists");
    }

    @Test
    void withoutTheTlvFlagThereIsNoExtendedAck() {
        NetlinkMessage error = message(Netlink.NLMSG_ERROR, Netlink.NLM_F_CAPPED, errorBody(1, 16), text("ignored"));

        assertThat(error.extendedAck()).isEqualTo(NetlinkMessage.ExtendedAck.NONE);
    }

    @Test
    void aTlvThatClaimsMoreThanTheMessageHoldsEndsTheWalk() {
        byte[] liar = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putShort((short) 200)
                .putShort((short) Netlink.NLMSGERR_ATTR_MSG).putInt(0x41414141).array();
        NetlinkMessage error = message(Netlink.NLMSG_ERROR, Netlink.NLM_F_CAPPED | Netlink.NLM_F_ACK_TLVS,
                errorBody(1, 16), text("first"), liar);

        assertThat(error.extendedAck().message()).isEqualTo("first");
    }

    @Test
    void anEchoedLengthBeyondTheMessageYieldsNoAttributes() {
        byte[] body = errorBody(1, 16);
        ByteBuffer.wrap(body).order(ByteOrder.nativeOrder()).putInt(4, 4000);
        NetlinkMessage error = message(Netlink.NLMSG_ERROR, Netlink.NLM_F_ACK_TLVS, body, text("unreachable"));

        assertThat(error.extendedAck()).isEqualTo(NetlinkMessage.ExtendedAck.NONE);
    }
}
