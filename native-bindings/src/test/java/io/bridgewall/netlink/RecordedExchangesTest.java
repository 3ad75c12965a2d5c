package io.bridgewall.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.nftnl.RecordedBatches;
import io.bridgewall.nftnl.NftRequests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Real kernel exchanges (src/test/resources/wire, see its README) replayed without root: what
 * we send must equal the recorded bytes, and what the kernel answered must be understood.
 */
class RecordedExchangesTest {
    private static final int FIRST_SEQUENCE = 1_000_000;

    static ReplayTransport replay(String name) throws IOException {
        try (InputStream in = RecordedExchangesTest.class.getResourceAsStream("/wire/" + name)) {
            return new ReplayTransport(WireTranscript.parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII)));
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
