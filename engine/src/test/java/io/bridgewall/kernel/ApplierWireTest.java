package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.ReplayTransport;
import io.bridgewall.netlink.WireBatch;
import io.bridgewall.netlink.WireMessage;
import io.bridgewall.netlink.WireTranscript;
import io.bridgewall.nftnl.NftRequests;
import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The transaction an apply sends, as a value: built from the diff without a socket, and replayed. */
class ApplierWireTest {
    private static final RuleSet SAMPLE = Planner.plan(Fixtures.samplePolicy());

    @Test
    void aFirstInstallIsOneBatchAtTheGenerationItWasComputedFrom() {
        Applier.Compiled compiled = Applier.compile(Optional.empty(), SAMPLE, OptionalInt.of(41));

        assertThat(compiled.kind()).isEqualTo(Applier.Kind.INSTALLED);
        WireBatch wire = compiled.wire().orElseThrow();
        assertThat(wire.generation()).hasValue(41);
        assertThat(wire.body()).extracting(WireMessage::type).startsWith(Netlink.nftType(Netlink.NFT_MSG_NEWTABLE),
                Netlink.nftType(Netlink.NFT_MSG_DELTABLE), Netlink.nftType(Netlink.NFT_MSG_NEWTABLE));
        assertThat(wire.body()).allMatch(WireMessage::asksForAck);
        assertThat(wire.describe()).contains("add table inet bridgewall").contains("add set inet bridgewall blocked_v4")
                .contains("add rule inet bridgewall forward");
    }

    @Test
    void whatTheKernelAlreadyHoldsCompilesToNothing() {
        Applier.Compiled compiled = Applier.compile(Optional.of(InstalledTable.onlyOurs(SAMPLE)), SAMPLE,
                OptionalInt.of(3));

        assertThat(compiled.kind()).isEqualTo(Applier.Kind.UNCHANGED);
        assertThat(compiled.wire()).isEmpty();
    }

    @Test
    void tenThousandNetworksAreCutIntoElementMessagesWithinTheBudget() {
        List<Bridge> bridges = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            bridges.add(Bridge.of("bw" + i, "10." + (i / 128) + "." + ((i % 128) * 2) + ".0/24",
                    "fd00:" + Integer.toHexString(i) + "::/64"));
        }
        WireBatch wire = Applier.compile(Optional.empty(), Planner.plan(Policy.withDefaults(bridges)), OptionalInt.of(1))
                .wire().orElseThrow();

        List<WireMessage> elementMessages = wire.body().stream()
                .filter(m -> m.type() == Netlink.nftType(Netlink.NFT_MSG_NEWSETELEM)).toList();
        assertThat(elementMessages).hasSizeGreaterThan(10);
        assertThat(elementMessages).allSatisfy(m -> assertThat(m.length()).isLessThanOrEqualTo(NftnlSet.ELEMENT_MESSAGE_BUDGET));
    }

    @Test
    void replaysARealApplyByteForByte() throws IOException {
        // Recorded by WireCaptureTest: the default policy for docker0 into an empty namespace, then again.
        RuleSet docker0 = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));
        ReplayTransport kernel = replay("apply-docker0.wire");
        try (NetlinkSocket socket = NetlinkSocket.over(kernel, 1_000_000)) {
            Applier.Transaction first = Applier.apply(socket, docker0);
            Applier.Transaction again = Applier.apply(socket, docker0);

            assertThat(first.kind()).isEqualTo(Applier.Kind.INSTALLED);
            assertThat(first.generationBefore()).isEqualTo(1);
            assertThat(first.lostAnswers()).isEmpty();
            assertThat(again.kind()).isEqualTo(Applier.Kind.UNCHANGED);
            assertThat(again.generationBefore()).isEqualTo(2);
            assertThat(NftRequests.generation(socket)).isEqualTo(2);
        }
        assertThat(kernel.remaining()).as("every recorded exchange played").isZero();
    }

    @Test
    void aLostAnswerWithTheGenerationMovedAndThePlanInPlaceIsReportedAsCommitted() throws IOException {
        // The recorded apply, with every ack of its batch lost (no answer in time): the next
        // exchanges in the recording (GETGEN, then the read-back) are exactly what resolves it.
        List<WireTranscript.Entry> entries = new ArrayList<>(transcript("apply-docker0.wire").entries());
        entries.removeIf(e -> e instanceof WireTranscript.Note);
        int batch = batchIndex(entries);
        int next = nextSent(entries, batch);
        entries.subList(batch + 1, next).clear();
        entries.add(batch + 1, new WireTranscript.ReceiveFailed(11));
        ReplayTransport kernel = new ReplayTransport(new WireTranscript(19868, 1_000_000, entries));

        try (NetlinkSocket socket = NetlinkSocket.over(kernel, 1_000_000)) {
            Applier.Transaction transaction = Applier.apply(socket, DOCKER0);

            assertThat(transaction.kind()).isEqualTo(Applier.Kind.INSTALLED);
            assertThat(transaction.attempts()).isEqualTo(1);
            assertThat(transaction.lostAnswers()).containsExactly(
                    new Applier.LostAnswer(1, io.bridgewall.netlink.StateUnknownException.Reason.TIMEOUT, 1, 2, true));
            assertThat(transaction.lostAnswers().get(0).describe())
                    .isEqualTo("the kernel's answer to attempt 1 was lost (no answer in time); it committed: "
                            + "generation moved from 1 to 2 and the table holds the plan");
        }
    }

    @Test
    void aLostAnswerWithTheGenerationUnchangedDidNotCommitAndIsTriedAgain() throws IOException {
        List<WireTranscript.Entry> recorded = new ArrayList<>(transcript("apply-docker0.wire").entries());
        recorded.removeIf(e -> e instanceof WireTranscript.Note);
        int batch = batchIndex(recorded);
        int afterBatch = nextSent(recorded, batch);
        List<WireTranscript.Entry> attempt = recorded.subList(0, afterBatch); // GETGEN, GETTABLE, batch, acks
        int first = 1_000_000;
        int batchMessages = messagesIn(((WireTranscript.Sent) recorded.get(batch)).bytes());
        int resolveSequence = first + 2 + batchMessages;

        List<WireTranscript.Entry> entries = new ArrayList<>(recorded.subList(0, batch + 1));
        entries.add(new WireTranscript.ReceiveFailed(105)); // the acks were dropped
        // Resolving: GETGEN answered with the same generation (1): the batch did not commit.
        for (WireTranscript.Entry e : recorded.subList(0, 3)) {
            entries.add(shifted(e, resolveSequence - first));
        }
        // Attempt 2: the same exchange again, numbered on.
        for (WireTranscript.Entry e : attempt) {
            entries.add(shifted(e, resolveSequence + 1 - first));
        }
        ReplayTransport kernel = new ReplayTransport(new WireTranscript(19868, first, entries));

        try (NetlinkSocket socket = NetlinkSocket.over(kernel, first)) {
            Applier.Transaction transaction = Applier.apply(socket, DOCKER0);

            assertThat(transaction.kind()).isEqualTo(Applier.Kind.INSTALLED);
            assertThat(transaction.attempts()).isEqualTo(2);
            assertThat(transaction.lostAnswers()).containsExactly(new Applier.LostAnswer(1,
                    io.bridgewall.netlink.StateUnknownException.Reason.REPLIES_LOST, 1, 1, false));
            assertThat(transaction.lostAnswers().get(0).describe()).contains("it did not commit: generation still 1");
        }
        assertThat(kernel.remaining()).isZero();
    }

    private static final RuleSet DOCKER0 = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));

    private static int batchIndex(List<WireTranscript.Entry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) instanceof WireTranscript.Sent sent
                    && java.nio.ByteBuffer.wrap(sent.bytes()).order(java.nio.ByteOrder.nativeOrder()).getShort(4)
                    == Netlink.NFNL_MSG_BATCH_BEGIN) {
                return i;
            }
        }
        throw new AssertionError("no batch in the recording");
    }

    private static int nextSent(List<WireTranscript.Entry> entries, int after) {
        for (int i = after + 1; i < entries.size(); i++) {
            if (entries.get(i) instanceof WireTranscript.Sent) {
                return i;
            }
        }
        return entries.size();
    }

    private static int messagesIn(byte[] datagram) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(datagram).order(java.nio.ByteOrder.nativeOrder());
        int count = 0;
        for (int offset = 0; offset < datagram.length; offset += (b.getInt(offset) + 3) & ~3) {
            count++;
        }
        return count;
    }

    /** The entry with every sequence number (and every echoed one in an error) moved by {@code delta}. */
    private static WireTranscript.Entry shifted(WireTranscript.Entry entry, int delta) {
        if (!(entry instanceof WireTranscript.Sent) && !(entry instanceof WireTranscript.Received)) {
            return entry;
        }
        byte[] bytes = (entry instanceof WireTranscript.Sent s ? s.bytes() : ((WireTranscript.Received) entry).bytes()).clone();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder());
        for (int offset = 0; offset < bytes.length; offset += (b.getInt(offset) + 3) & ~3) {
            b.putInt(offset + 8, b.getInt(offset + 8) + delta);
            if ((b.getShort(offset + 4) & 0xffff) == 2 /* NLMSG_ERROR */) {
                b.putInt(offset + 28, b.getInt(offset + 28) + delta);
            }
        }
        return entry instanceof WireTranscript.Sent ? new WireTranscript.Sent(bytes) : new WireTranscript.Received(bytes);
    }

    private static WireTranscript transcript(String name) throws IOException {
        try (InputStream in = ApplierWireTest.class.getResourceAsStream("/wire/" + name)) {
            return WireTranscript.parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    private static ReplayTransport replay(String name) throws IOException {
        return new ReplayTransport(transcript(name));
    }
}
