package io.bridgewall.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.nftnl.RecordedBatches;
import io.bridgewall.nftnl.NftRequests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Real kernel exchanges (src/test/resources/wire, see its README) replayed without root: what
 * we send must equal the recorded bytes, and what the kernel answered must be understood.
 */
class RecordedExchangesTest {
    private static final int FIRST_SEQUENCE = 1_000_000;

    static ReplayTransport replay(String name) throws IOException {
        return new ReplayTransport(transcript(name));
    }

    static WireTranscript transcript(String name) throws IOException {
        try (InputStream in = RecordedExchangesTest.class.getResourceAsStream("/wire/" + name)) {
            return WireTranscript.parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aRefusedMessageIsNamedAndTheAcksOfTheOthersAreAllRead() throws IOException {
        ReplayTransport kernel = replay("refused-message.wire");
        try (NetlinkSocket socket = NetlinkSocket.over(kernel, FIRST_SEQUENCE)) {
            BatchOutcome outcome = socket.send(RecordedBatches.refusedInTheMiddle());

            KernelException error = ((BatchOutcome.Refused) outcome).error();
            assertThat(error.errno()).isEqualTo(Netlink.ENOENT);
            assertThat(error.operation()).isEqualTo("delete set inet capture missing");
            assertThat(NftRequests.generation(socket)).isEqualTo(1);
        }
        assertThat(kernel.remaining()).isZero();
    }

    @Test
    void aStaleGenerationIsRefusedOnBatchBeginAndNothingElseFollows() throws IOException {
        ReplayTransport kernel = replay("stale-generation.wire");
        try (NetlinkSocket socket = NetlinkSocket.over(kernel, FIRST_SEQUENCE)) {
            int generation = NftRequests.generation(socket);
            BatchOutcome outcome = socket.send(RecordedBatches.tableBatch(OptionalInt.of(generation + 1000)));

            KernelException error = ((BatchOutcome.Refused) outcome).error();
            assertThat(error.errno()).isEqualTo(Netlink.ERESTART);
            assertThat(error.operation()).isEqualTo("start the transaction at generation " + (generation + 1000));
            assertThat(NftRequests.generation(socket)).isEqualTo(generation);
        }
        assertThat(kernel.remaining()).isZero();
    }

    @Test
    void theConsistencyProbeIsAckedAtTheCurrentGenerationAndRefusedWithErestartOnceItMoved() throws IOException {
        ReplayTransport kernel = replay("still-at.wire");
        try (NetlinkSocket socket = NetlinkSocket.over(kernel, FIRST_SEQUENCE)) {
            int generation = NftRequests.generation(socket);

            assertThat(NftRequests.stillAt(socket, generation, NftRequests.GenerationProbe.EMPTY_BATCH)).as("answered 0").isTrue();
            assertThat(socket.send(RecordedBatches.tableBatch(OptionalInt.of(generation))))
                    .isInstanceOf(BatchOutcome.Committed.class);
            assertThat(NftRequests.stillAt(socket, generation, NftRequests.GenerationProbe.EMPTY_BATCH)).as("answered ERESTART").isFalse();
            assertThat(NftRequests.generation(socket)).isEqualTo(generation + 1);
        }
        assertThat(kernel.remaining()).isZero();
    }

    @Test
    void theValidatedProbeOlderKernelsAnswerIsAckedAtTheCurrentGenerationAndRefusedWithErestartOnceItMoved()
            throws IOException {
        // Before Linux 6.10 an empty batch gets no answer at all: the probe carries one acked
        // message and no BATCH_END, so the kernel validates and aborts it (nothing committed).
        ReplayTransport kernel = replay("still-at-validated.wire");
        try (NetlinkSocket socket = NetlinkSocket.over(kernel, FIRST_SEQUENCE)) {
            int generation = NftRequests.generation(socket);

            assertThat(NftRequests.stillAt(socket, generation, NftRequests.GenerationProbe.VALIDATED_BATCH))
                    .as("answered 0").isTrue();
            assertThat(socket.send(RecordedBatches.tableBatch(OptionalInt.of(generation))))
                    .isInstanceOf(BatchOutcome.Committed.class);
            assertThat(NftRequests.stillAt(socket, generation, NftRequests.GenerationProbe.VALIDATED_BATCH))
                    .as("answered ERESTART").isFalse();
            assertThat(NftRequests.generation(socket)).as("the probes committed nothing").isEqualTo(generation + 1);
        }
        assertThat(kernel.remaining()).isZero();
    }

    @Test
    void kernelsFromSixTenGetTheEmptyBatchAndEveryOtherTheValidatedOne() {
        assertThat(NftRequests.GenerationProbe.forKernelRelease("6.18.44-fc-v857")).isEqualTo(NftRequests.GenerationProbe.EMPTY_BATCH);
        assertThat(NftRequests.GenerationProbe.forKernelRelease("6.10.0")).isEqualTo(NftRequests.GenerationProbe.EMPTY_BATCH);
        assertThat(NftRequests.GenerationProbe.forKernelRelease("7.0.1")).isEqualTo(NftRequests.GenerationProbe.EMPTY_BATCH);
        assertThat(NftRequests.GenerationProbe.forKernelRelease("6.9.12")).isEqualTo(NftRequests.GenerationProbe.VALIDATED_BATCH);
        assertThat(NftRequests.GenerationProbe.forKernelRelease("6.1.0-27-amd64")).isEqualTo(NftRequests.GenerationProbe.VALIDATED_BATCH);
        assertThat(NftRequests.GenerationProbe.forKernelRelease("5.15.0-91-generic")).isEqualTo(NftRequests.GenerationProbe.VALIDATED_BATCH);
        assertThat(NftRequests.GenerationProbe.forKernelRelease("")).isEqualTo(NftRequests.GenerationProbe.VALIDATED_BATCH);
        assertThat(NftRequests.GenerationProbe.forKernelRelease("garbage")).isEqualTo(NftRequests.GenerationProbe.VALIDATED_BATCH);
    }

    @Test
    void aProbeRefusedForAnyOtherReasonIsAnErrorNotAnAnswer() throws IOException {
        // The recorded ERESTART answer to the probe, its errno turned into EPERM (what a socket
        // without CAP_NET_ADMIN is told): not "the generation moved", so it is thrown.
        WireTranscript recorded = transcript("still-at.wire");
        List<WireTranscript.Entry> entries = recorded.entries().stream()
                .map(e -> e instanceof WireTranscript.Received r && errnoOf(r) == Netlink.ERESTART
                        ? withErrno(r, Netlink.EPERM) : e)
                .toList();
        ReplayTransport kernel = new ReplayTransport(new WireTranscript(recorded.portId(), recorded.firstSequence(),
                entries));
        try (NetlinkSocket socket = NetlinkSocket.over(kernel, FIRST_SEQUENCE)) {
            int generation = NftRequests.generation(socket);
            assertThat(NftRequests.stillAt(socket, generation, NftRequests.GenerationProbe.EMPTY_BATCH)).isTrue();
            socket.send(RecordedBatches.tableBatch(OptionalInt.of(generation)));

            assertThatThrownBy(() -> NftRequests.stillAt(socket, generation, NftRequests.GenerationProbe.EMPTY_BATCH))
                    .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Netlink.EPERM));
            assertThat(NftRequests.generation(socket)).isEqualTo(generation + 1);
        }
        assertThat(kernel.remaining()).isZero();
    }

    /** The errno an NLMSG_ERROR datagram carries (0 for an ack, -1 for anything else). */
    private static int errnoOf(WireTranscript.Received answer) {
        ByteBuffer b = ByteBuffer.wrap(answer.bytes()).order(ByteOrder.nativeOrder());
        return (b.getShort(4) & 0xffff) == Netlink.NLMSG_ERROR ? -b.getInt(Netlink.NLMSG_HDRLEN) : -1;
    }

    private static WireTranscript.Received withErrno(WireTranscript.Received answer, int errno) {
        byte[] bytes = answer.bytes();
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putInt(Netlink.NLMSG_HDRLEN, -errno);
        return new WireTranscript.Received(bytes);
    }

    @Test
    void droppedAcksLeaveTheOutcomeUnknownAndTheGenerationTellsItCommitted() throws IOException {
        ReplayTransport kernel = replay("acks-dropped.wire");
        try (NetlinkSocket socket = NetlinkSocket.over(kernel, FIRST_SEQUENCE)) {
            assertThat(socket.send(RecordedBatches.tableBatch(OptionalInt.empty()))).isInstanceOf(BatchOutcome.Committed.class);
            BatchOutcome outcome = socket.send(RecordedBatches.elementBatch(300));

            assertThat(outcome).isInstanceOf(BatchOutcome.Unknown.class);
            assertThat(((BatchOutcome.Unknown) outcome).cause().reason()).isEqualTo(StateUnknownException.Reason.REPLIES_LOST);
            // Generation 1 was the namespace's start, 2 the table: 3 means the elements committed.
            assertThat(NftRequests.generation(socket)).isEqualTo(3);
        }
        assertThat(kernel.remaining()).isZero();
    }
}
