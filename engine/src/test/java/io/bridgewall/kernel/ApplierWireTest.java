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
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The transaction an apply sends, as a value: built from the diff without a socket, and replayed. */
class ApplierWireTest {
    private static final RuleSet SAMPLE = Fixtures.planWithoutFastPath(Fixtures.samplePolicy());

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
        WireBatch wire = Applier.compile(Optional.empty(), Fixtures.planWithoutFastPath(Policy.withDefaults(bridges)), OptionalInt.of(1))
                .wire().orElseThrow();

        List<WireMessage> elementMessages = wire.body().stream()
                .filter(m -> m.type() == Netlink.nftType(Netlink.NFT_MSG_NEWSETELEM)).toList();
        assertThat(elementMessages).hasSizeGreaterThan(10);
        assertThat(elementMessages).allSatisfy(m -> assertThat(m.length()).isLessThanOrEqualTo(NftnlSet.ELEMENT_MESSAGE_BUDGET));
    }

    @Test
    void replaysARealApplyByteForByte() throws IOException {
        // Recorded by WireCaptureTest: the default policy for docker0 into an empty namespace, then again.
        RuleSet docker0 = Fixtures.planWithoutFastPath(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));
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
    void theReadBackIsBracketedByProbesTheKernelAcknowledged() throws IOException {
        // Each read-back waits through the kernel's commit lock before and after its dumps (a batch
        // carrying the generation, one acked message, no batch end): two reads, four probes, and the
        // kernel answered every one with an ack (error 0) and nothing else.
        List<Exchange> probes = exchanges(transcript("apply-docker0.wire")).stream().filter(Exchange::isProbe).toList();

        assertThat(probes).hasSize(4);
        assertThat(probes).allSatisfy(probe -> assertThat(probe.answers()).singleElement()
                .satisfies(answer -> assertThat(ackErrno(answer)).isZero()));
    }

    @Test
    void aLostAnswerWithTheGenerationMovedAndThePlanInPlaceIsReportedAsCommitted() throws IOException {
        // The recorded apply, with every ack of its batch lost (no answer in time). Resolving asks
        // for the generation (2) and reads the table back: the recorded second apply's read, which
        // found the plan in place. Everything after the lost answer is numbered one further on.
        WireTranscript recorded = transcript("apply-docker0.wire");
        List<Exchange> exchanges = exchanges(recorded);
        int commit = indexOf(exchanges, Exchange::isCommit);
        Exchange resolvingGeneration = exchanges.get(commit + 1);
        assertThat(resolvingGeneration.isGetGen()).as("the second apply starts with GETGEN").isTrue();

        List<WireTranscript.Entry> entries = new ArrayList<>();
        exchanges.subList(0, commit).forEach(e -> entries.addAll(e.entries()));
        entries.add(exchanges.get(commit).sent());
        entries.add(new WireTranscript.ReceiveFailed(Netlink.EAGAIN));
        entries.addAll(resolvingGeneration.entries());
        exchanges.subList(commit + 1, exchanges.size()).forEach(e -> entries.addAll(e.shifted(1).entries()));
        ReplayTransport kernel = new ReplayTransport(new WireTranscript(recorded.portId(), recorded.firstSequence(),
                entries));

        try (NetlinkSocket socket = NetlinkSocket.over(kernel, recorded.firstSequence())) {
            Applier.Transaction transaction = Applier.apply(socket, DOCKER0);

            assertThat(transaction.kind()).isEqualTo(Applier.Kind.INSTALLED);
            assertThat(transaction.attempts()).isEqualTo(1);
            assertThat(transaction.lostAnswers()).containsExactly(
                    new Applier.LostAnswer(1, io.bridgewall.netlink.StateUnknownException.Reason.TIMEOUT, 1, 2, true));
            assertThat(transaction.lostAnswers().get(0).describe())
                    .isEqualTo("the kernel's answer to attempt 1 was lost (no answer in time); it committed: "
                            + "generation moved from 1 to 2 and the table holds the plan");
            assertThat(NftRequests.generation(socket)).isEqualTo(2);
        }
        assertThat(kernel.remaining()).as("every recorded exchange played").isZero();
    }

    @Test
    void aLostAnswerWithTheGenerationUnchangedDidNotCommitAndIsTriedAgain() throws IOException {
        // The recorded first apply (read-back, batch), its acks dropped; resolving asks for the
        // generation and is answered 1 (the recorded first GETGEN): the batch did not commit, and
        // the whole first apply is played again, numbered after the resolving request.
        WireTranscript recorded = transcript("apply-docker0.wire");
        List<Exchange> exchanges = exchanges(recorded);
        int commit = indexOf(exchanges, Exchange::isCommit);
        Exchange batch = exchanges.get(commit);
        Exchange firstGeneration = exchanges.get(0);
        assertThat(firstGeneration.isGetGen()).as("the first apply starts with GETGEN").isTrue();
        List<Exchange> attempt = exchanges.subList(0, commit + 1); // read-back, batch, acks
        int resolveSequence = batch.firstSequence() + batch.messageCount();

        List<WireTranscript.Entry> entries = new ArrayList<>();
        exchanges.subList(0, commit).forEach(e -> entries.addAll(e.entries()));
        entries.add(batch.sent());
        entries.add(new WireTranscript.ReceiveFailed(Netlink.ENOBUFS)); // the acks were dropped
        entries.addAll(firstGeneration.shifted(resolveSequence - firstGeneration.firstSequence()).entries());
        int attemptTwo = resolveSequence + 1 - recorded.firstSequence();
        attempt.forEach(e -> entries.addAll(e.shifted(attemptTwo).entries()));
        ReplayTransport kernel = new ReplayTransport(new WireTranscript(recorded.portId(), recorded.firstSequence(),
                entries));

        try (NetlinkSocket socket = NetlinkSocket.over(kernel, recorded.firstSequence())) {
            Applier.Transaction transaction = Applier.apply(socket, DOCKER0);

            assertThat(transaction.kind()).isEqualTo(Applier.Kind.INSTALLED);
            assertThat(transaction.attempts()).isEqualTo(2);
            assertThat(transaction.lostAnswers()).containsExactly(new Applier.LostAnswer(1,
                    io.bridgewall.netlink.StateUnknownException.Reason.REPLIES_LOST, 1, 1, false));
            assertThat(transaction.lostAnswers().get(0).describe()).contains("it did not commit: generation still 1");
        }
        assertThat(kernel.remaining()).as("every recorded exchange played").isZero();
    }

    private static final RuleSet DOCKER0 = Fixtures.planWithoutFastPath(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));

    /** One datagram sent and what the kernel answered before the next one was sent. */
    private record Exchange(WireTranscript.Sent sent, List<WireTranscript.Entry> answers) {
        List<WireTranscript.Entry> entries() {
            List<WireTranscript.Entry> all = new ArrayList<>(List.of(sent));
            all.addAll(answers);
            return all;
        }

        /** The type of the datagram's first message. */
        int type() {
            return header(sent.bytes()).getShort(4) & 0xffff;
        }

        int firstSequence() {
            return header(sent.bytes()).getInt(8);
        }

        int messageCount() {
            return messagesIn(sent.bytes());
        }

        boolean isGetGen() {
            return type() == Netlink.nftType(Netlink.NFT_MSG_GETGEN);
        }

        /** The read-back's consistency probe: a batch with nothing between its begin and end. */
        boolean isProbe() {
            return type() == Netlink.NFNL_MSG_BATCH_BEGIN && messageCount() == 2;
        }

        /** A transaction: a batch with messages between its begin and end. */
        boolean isCommit() {
            return type() == Netlink.NFNL_MSG_BATCH_BEGIN && messageCount() > 2;
        }

        Exchange shifted(int delta) {
            return new Exchange((WireTranscript.Sent) ApplierWireTest.shifted(sent, delta),
                    answers.stream().map(a -> ApplierWireTest.shifted(a, delta)).toList());
        }
    }

    private static List<Exchange> exchanges(WireTranscript transcript) {
        List<Exchange> exchanges = new ArrayList<>();
        WireTranscript.Sent sent = null;
        List<WireTranscript.Entry> answers = new ArrayList<>();
        for (WireTranscript.Entry entry : transcript.entries()) {
            if (entry instanceof WireTranscript.Note) {
                continue;
            }
            if (entry instanceof WireTranscript.Sent next) {
                if (sent != null) {
                    exchanges.add(new Exchange(sent, List.copyOf(answers)));
                }
                sent = next;
                answers.clear();
            } else {
                assertThat(sent).as("the recording starts by sending").isNotNull();
                answers.add(entry);
            }
        }
        if (sent != null) {
            exchanges.add(new Exchange(sent, List.copyOf(answers)));
        }
        return exchanges;
    }

    private static int indexOf(List<Exchange> exchanges, Predicate<Exchange> kind) {
        for (int i = 0; i < exchanges.size(); i++) {
            if (kind.test(exchanges.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such exchange in the recording");
    }

    /** The errno of an NLMSG_ERROR answer (0 for an ack). */
    private static int ackErrno(WireTranscript.Entry answer) {
        ByteBuffer b = header(((WireTranscript.Received) answer).bytes());
        assertThat(b.getShort(4) & 0xffff).as("an NLMSG_ERROR").isEqualTo(Netlink.NLMSG_ERROR);
        return -b.getInt(16);
    }

    private static ByteBuffer header(byte[] datagram) {
        return ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder());
    }

    private static int messagesIn(byte[] datagram) {
        ByteBuffer b = header(datagram);
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
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
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
