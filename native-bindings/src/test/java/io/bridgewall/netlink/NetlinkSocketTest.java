package io.bridgewall.netlink;

import static io.bridgewall.netlink.ScriptedTransport.PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The reply-matching rules, fed made-up reply streams (no socket, no root): every answer is
 * matched by sequence number and port id, leftovers of a finished request are skipped, and a
 * lost answer is an unknown outcome, never a failure or a success.
 */
class NetlinkSocketTest {
    private static final int FIRST = 1000;
    private final ScriptedTransport kernel = new ScriptedTransport();
    private final NetlinkSocket socket = NetlinkSocket.over(kernel, FIRST);

    /** begin (FIRST), two messages asking for acks (FIRST+1, FIRST+2), end (FIRST+3). */
    private static WireBatch twoMessageBatch() {
        return WireBatch.of(OptionalInt.of(7), List.of(message("add table inet t"), message("add set inet t s")));
    }

    private static WireMessage message(String description) {
        ByteBuffer b = Messages.header(Netlink.NLMSG_HDRLEN + 4, Messages.NEWTABLE,
                Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, 0, 0);
        return new WireMessage(description, b.array());
    }

    /** A GETGEN-like request numbered {@code sequence}. */
    private static ByteBuffer request(int sequence) {
        return Messages.header(Netlink.NLMSG_HDRLEN + 4, Netlink.nftType(Netlink.NFT_MSG_GETGEN),
                Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, sequence, 0);
    }

    private List<Integer> requestAnsweredBy(int sequence) {
        List<Integer> types = new ArrayList<>();
        socket.request(request(sequence), "reading the ruleset generation", m -> types.add(m.sequence()));
        return types;
    }

    @Test
    void aBatchWhoseMessagesAreAllAckedCommitted() {
        kernel.answer(Messages.ack(FIRST + 1, 0, PORT)).answer(Messages.ack(FIRST + 2, 0, PORT));

        assertThat(socket.send(twoMessageBatch())).isEqualTo(new BatchOutcome.Committed(2));
        assertThat(kernel.sentSequence(0)).isEqualTo(FIRST);
    }

    @Test
    void aRefusedMessageIsNamedAndEveryAckOfTheBatchIsReadBeforeReturning() {
        kernel.answer(Messages.ack(FIRST + 1, 0, PORT), Messages.error(FIRST + 2, 17, PORT, "set exists"))
                .answer(Messages.data(Messages.NEWGEN, 0, FIRST + 4, PORT, 4), Messages.ack(FIRST + 4, 0, PORT));

        BatchOutcome outcome = socket.send(twoMessageBatch());

        assertThat(outcome).isInstanceOf(BatchOutcome.Refused.class);
        KernelException error = ((BatchOutcome.Refused) outcome).error();
        assertThat(error.errno()).isEqualTo(17);
        assertThat(error.operation()).isEqualTo("add set inet t s");
        assertThat(error.getMessage()).contains("set exists");
        assertThat(kernel.pending()).isEqualTo(1);
    }

    @Test
    void acksLeftAfterARefusedCommitAreSkippedByTheNextRequest() {
        // A commit the kernel refuses as a whole answers BATCH_BEGIN, then still acks every message.
        kernel.answer(Messages.error(FIRST, 12, PORT, ""))
                .answer(Messages.ack(FIRST + 1, 0, PORT))
                .answer(Messages.ack(FIRST + 2, 0, PORT))
                .answer(Messages.data(Messages.NEWGEN, 0, FIRST + 4, PORT, 4), Messages.ack(FIRST + 4, 0, PORT));

        BatchOutcome outcome = socket.send(twoMessageBatch());
        assertThat(outcome).isInstanceOf(BatchOutcome.Refused.class);
        assertThat(((BatchOutcome.Refused) outcome).error().operation()).isEqualTo("start the transaction at generation 7");

        assertThat(requestAnsweredBy(socket.allocateSequence())).containsExactly(FIRST + 4);
        assertThat(kernel.pending()).isZero();
    }

    @Test
    void aRestartOnBatchBeginEndsTheBatchAtOnce() {
        kernel.answer(Messages.error(FIRST, Netlink.ERESTART, PORT, ""));

        BatchOutcome outcome = socket.send(twoMessageBatch());

        assertThat(((BatchOutcome.Refused) outcome).error().errno()).isEqualTo(Netlink.ERESTART);
    }

    @Test
    void answersForAnotherPortOrSequenceAndNoopsAreNotOurs() {
        kernel.answer(Messages.ack(FIRST + 1, 0, PORT + 1), Messages.noop(PORT), Messages.ack(FIRST - 5, 1, PORT))
                .answer(Messages.ack(FIRST + 1, 0, PORT), Messages.ack(FIRST + 1, 0, PORT))
                .answer(Messages.ack(FIRST + 2, 0, PORT));

        assertThat(socket.send(twoMessageBatch())).isEqualTo(new BatchOutcome.Committed(2));
    }

    @Test
    void droppedAcksMakeTheOutcomeUnknownAndTheNextRequestDrainsWhatIsLeft() {
        kernel.fail(Netlink.ENOBUFS)
                .answer(Messages.ack(FIRST + 2, 0, PORT))
                .answer(Messages.data(Messages.NEWGEN, 0, FIRST + 4, PORT, 4), Messages.ack(FIRST + 4, 0, PORT));

        BatchOutcome outcome = socket.send(twoMessageBatch());

        assertThat(outcome).isInstanceOf(BatchOutcome.Unknown.class);
        assertThat(((BatchOutcome.Unknown) outcome).cause().reason()).isEqualTo(StateUnknownException.Reason.REPLIES_LOST);
        assertThat(requestAnsweredBy(socket.allocateSequence())).containsExactly(FIRST + 4);
    }

    @Test
    void anOverrunMessageMakesTheOutcomeUnknown() {
        kernel.answer(Messages.ack(FIRST + 1, 0, PORT), Messages.overrun(PORT));

        assertThat(socket.send(twoMessageBatch())).isInstanceOf(BatchOutcome.Unknown.class);
    }

    @Test
    void noAnswerInTimeIsUnknownNotAFailure() {
        kernel.answer(Messages.ack(FIRST + 1, 0, PORT)).fail(Netlink.EAGAIN);

        BatchOutcome outcome = socket.send(twoMessageBatch());

        assertThat(((BatchOutcome.Unknown) outcome).cause().reason()).isEqualTo(StateUnknownException.Reason.TIMEOUT);
        assertThat(((BatchOutcome.Unknown) outcome).cause()).hasMessageContaining("the state is unknown: read it again");
    }

    @Test
    void anInterruptedReceiveIsSimplyRepeated() {
        kernel.fail(Netlink.EINTR).answer(Messages.ack(FIRST + 1, 0, PORT)).fail(Netlink.EINTR)
                .answer(Messages.ack(FIRST + 2, 0, PORT));

        assertThat(socket.send(twoMessageBatch())).isEqualTo(new BatchOutcome.Committed(2));
    }

    @Test
    void aDumpIsHandedOnOnlyWhenItEndsConsistently() {
        int seq = socket.allocateSequence();
        kernel.answer(Messages.data(Messages.NEWTABLE, Netlink.NLM_F_MULTI, seq, PORT, 8),
                        Messages.data(Messages.NEWTABLE, Netlink.NLM_F_MULTI, seq, PORT, 8))
                .answer(Messages.done(seq, PORT, 0));
        List<NetlinkMessage> got = new ArrayList<>();

        socket.request(request(seq), "dumping", got::add);

        assertThat(got).hasSize(2);
    }

    @Test
    void aDumpFlaggedInterruptedHandsNothingOnAndSaysSo() {
        int seq = socket.allocateSequence();
        kernel.answer(Messages.data(Messages.NEWTABLE, Netlink.NLM_F_MULTI, seq, PORT, 8))
                .answer(Messages.data(Messages.NEWTABLE, Netlink.NLM_F_MULTI | Netlink.NLM_F_DUMP_INTR, seq, PORT, 8))
                .answer(Messages.done(seq, PORT, Netlink.NLM_F_DUMP_INTR));
        List<NetlinkMessage> got = new ArrayList<>();

        assertThatThrownBy(() -> socket.request(request(seq), "dumping", got::add))
                .isInstanceOf(DumpInterruptedException.class);
        assertThat(got).isEmpty();
    }

    @Test
    void aDumpWhoseRepliesWereDroppedSaysTheStateIsUnknownAndItsRestIsSkipped() {
        int seq = socket.allocateSequence();
        kernel.answer(Messages.data(Messages.NEWTABLE, Netlink.NLM_F_MULTI, seq, PORT, 8))
                .fail(Netlink.ENOBUFS)
                .answer(Messages.done(seq, PORT, 0))
                .answer(Messages.ack(seq + 1, 0, PORT));
        List<NetlinkMessage> got = new ArrayList<>();

        assertThatThrownBy(() -> socket.request(request(seq), "dumping", got::add))
                .isInstanceOf(StateUnknownException.class);
        assertThat(got).isEmpty();
        assertThat(requestAnsweredBy(socket.allocateSequence())).isEmpty();
        assertThat(kernel.pending()).isZero();
    }

    @Test
    void aGenerationRequestAnsweredWithoutAGenerationIsAnErrorNeverMinusOne() {
        kernel.answer(Messages.ack(FIRST, 0, PORT));

        assertThatThrownBy(() -> io.bridgewall.nftnl.NftRequests.generation(socket))
                .isInstanceOf(KernelException.class)
                .hasMessageContaining("answered with 0 generation messages instead of one");
    }

    @Test
    void anErrorEndingADumpCarriesTheKernelsWords() {
        int seq = socket.allocateSequence();
        kernel.answer(Messages.error(seq, Netlink.ENOENT, PORT, "No such table"));

        assertThatThrownBy(() -> socket.request(request(seq), "reading table t", m -> { }))
                .isInstanceOf(KernelException.class).hasMessageContaining("No such table")
                .satisfies(e -> assertThat(((KernelException) e).errno()).isEqualTo(Netlink.ENOENT));
    }
}
