package io.bridgewall.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.nativelib.NativeLibraries;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Received datagrams whose lengths lie must be refused before any byte reaches libnftnl. */
class NetlinkMessagesTest {
    private static final int HEADER = Netlink.NLMSG_HDRLEN;
    /** nlmsgerr: error code then the echoed request header. */
    private static final int ERROR_LENGTH = HEADER + 4 + HEADER;
    private static final int NEWTABLE = (10 << 8) | 0;

    private final Pointer buffer = Memory.allocateDirect(NativeLibraries.runtime(), 4096, true);

    @Test
    void splitsADatagramIntoItsMessagesAtAlignedOffsets() {
        // 22 bytes of table message (padded to 24), then an ack for sequence 7
        header(0, HEADER + 6, NEWTABLE, Netlink.NLM_F_MULTI, 7);
        ack(24, ERROR_LENGTH, 8, 0, 7);

        List<NetlinkMessage> messages = NetlinkMessages.split(buffer, 24 + ERROR_LENGTH);

        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).type()).isEqualTo(NEWTABLE);
        assertThat(messages.get(0).flags()).isEqualTo(Netlink.NLM_F_MULTI);
        assertThat(messages.get(0).sequence()).isEqualTo(7);
        assertThat(messages.get(0).length()).isEqualTo(22);
        assertThat(messages.get(0).isError()).isFalse();
        assertThat(messages.get(1).isError()).isTrue();
        assertThat(messages.get(1).sequence()).isEqualTo(8);
        assertThat(messages.get(1).errno()).isZero();
        assertThat(messages.get(1).answeredSequence()).isEqualTo(7);
        assertThat(messages.get(1).header().getInt(0)).isEqualTo(ERROR_LENGTH);
    }

    @Test
    void aFinalMessageNeedNotBePadded() {
        header(0, HEADER + 1, NEWTABLE, 0, 1);

        assertThat(NetlinkMessages.split(buffer, HEADER + 1)).hasSize(1);
    }

    @Test
    void readsDoneAndErrorsWithTheirErrno() {
        header(0, HEADER + 4, Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, 3);
        ack(20, ERROR_LENGTH, 4, -1 /* EPERM */, 2);

        List<NetlinkMessage> messages = NetlinkMessages.split(buffer, 20 + ERROR_LENGTH);

        assertThat(messages.get(0).isDone()).isTrue();
        assertThat(messages.get(1).errno()).isEqualTo(KernelException.EPERM);
        assertThat(messages.get(1).answeredSequence()).isEqualTo(2);
        assertThat(messages.get(1).extendedAckMessage()).isEmpty();
    }

    @Test
    void readsTheKernelsExtendedAckText() {
        byte[] text = "Device or resource busy\0".getBytes(StandardCharsets.US_ASCII);
        int length = ERROR_LENGTH + 4 + text.length;
        ack(0, length, 5, -16, 4);
        buffer.putShort(6, (short) Netlink.NLM_F_ACK_TLVS);
        buffer.putShort(ERROR_LENGTH, (short) (4 + text.length));
        buffer.putShort(ERROR_LENGTH + 2, (short) Netlink.NLMSGERR_ATTR_MSG);
        buffer.put(ERROR_LENGTH + 4, text, 0, text.length);

        assertThat(NetlinkMessages.split(buffer, length).get(0).extendedAckMessage()).isEqualTo("Device or resource busy");
    }

    @Test
    void acceptsAnEmptyDatagram() {
        assertThat(NetlinkMessages.split(buffer, 0)).isEmpty();
    }

    @Test
    void refusesALengthLargerThanWhatWasReceived() {
        header(0, 64, NEWTABLE, 0, 1);

        assertRefused(() -> NetlinkMessages.split(buffer, 40)).hasMessageContaining("message claims 64 bytes with 40 received");
    }

    @Test
    void refusesALengthLargerThanWhatWasReceivedInALaterMessage() {
        header(0, HEADER, NEWTABLE, 0, 1);
        header(HEADER, 0xffff_fff0, NEWTABLE, 0, 2);

        assertRefused(() -> NetlinkMessages.split(buffer, 2 * HEADER))
                .hasMessageContaining("message claims 4294967280 bytes with 16 received");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 15})
    void refusesALengthShorterThanAHeader(int length) {
        header(0, length, NEWTABLE, 0, 1);

        assertRefused(() -> NetlinkMessages.split(buffer, 32)).hasMessageContaining("message claims " + length + " bytes");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 15})
    void refusesTrailingBytesTooShortForAHeader(int trailing) {
        header(0, HEADER, NEWTABLE, 0, 1);

        assertRefused(() -> NetlinkMessages.split(buffer, HEADER + trailing))
                .hasMessageContaining(trailing + " trailing bytes are too short for a message header");
    }

    @ParameterizedTest
    @ValueSource(ints = {HEADER, HEADER + 4, ERROR_LENGTH - 1})
    void refusesATruncatedErrorMessage(int length) {
        ack(0, length, 1, -1, 1);

        assertRefused(() -> NetlinkMessages.split(buffer, length))
                .hasMessageContaining("error message of " + length + " bytes is truncated");
    }

    private void header(int offset, int length, int type, int flags, int sequence) {
        buffer.putInt(offset, length);
        buffer.putShort(offset + 4, (short) type);
        buffer.putShort(offset + 6, (short) flags);
        buffer.putInt(offset + 8, sequence);
        buffer.putInt(offset + 12, 0);
    }

    /** An NLMSG_ERROR of the given length: error code, then the echoed header of the request. */
    private void ack(int offset, int length, int sequence, int error, int answered) {
        header(offset, length, Netlink.NLMSG_ERROR, 0, sequence);
        if (length >= HEADER + 4) {
            buffer.putInt(offset + HEADER, error);
        }
        if (length >= ERROR_LENGTH) {
            header(offset + HEADER + 4, HEADER, NEWTABLE, Netlink.NLM_F_REQUEST, answered);
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return assertThatThrownBy(call).isInstanceOf(KernelException.class)
                .hasMessageStartingWith("reading a netlink reply: ")
                .satisfies(e -> assertThat(((KernelException) e).errno()).isEqualTo(71));
    }
}
