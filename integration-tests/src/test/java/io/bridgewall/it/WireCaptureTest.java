package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Root;
import io.bridgewall.kernel.Applier;
import io.bridgewall.netlink.BatchOutcome;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.RecordingTransport;
import io.bridgewall.nftnl.NftRequests;
import io.bridgewall.nftnl.RecordedBatches;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records real kernel exchanges once, as test data for the replay tests (which then run
 * without root): every datagram sent and received, as hex, in a namespace of its own.
 *
 * <pre>sudo mvn -pl integration-tests -am verify -Dtest=WireCaptureTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Pcapture -Dbridgewall.capture=$PWD</pre>
 *
 * A tool, not a test: it runs only when asked, and overwrites the files under
 * native-bindings/src/test/resources/wire and engine/src/test/resources/wire.
 */
@Tag("capture")
@EnabledIfSystemProperty(named = "bridgewall.capture", matches = ".+")
class WireCaptureTest {
    /** Replays start their sockets here, so the recorded sequence numbers come out the same. */
    static final int FIRST_SEQUENCE = 1_000_000;
    private static final int INET = 1;

    private final Path root = Path.of(System.getProperty("bridgewall.capture", "."));

    @Test
    void captureKernelExchanges() throws IOException {
        Root.require();
        RuleSet docker0 = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));
        record("engine/src/test/resources/wire/apply-docker0.wire",
                "Applier.apply of the default policy for docker0=172.17.0.0/16 into an empty namespace, "
                        + "then the same apply again (unchanged: reads only), then GETGEN",
                socket -> {
                    assertThat(Applier.apply(socket, docker0).kind()).isEqualTo(Applier.Kind.INSTALLED);
                    assertThat(Applier.apply(socket, docker0).kind()).isEqualTo(Applier.Kind.UNCHANGED);
                    NftRequests.generation(socket);
                });
        record("native-bindings/src/test/resources/wire/refused-message.wire",
                "batch: add table inet capture, delete set capture missing (ENOENT), add chain capture c; "
                        + "the kernel answers every message, then GETGEN",
                socket -> {
                    assertThat(socket.send(RecordedBatches.refusedInTheMiddle())).isInstanceOf(BatchOutcome.Refused.class);
                    NftRequests.generation(socket);
                });
        record("native-bindings/src/test/resources/wire/stale-generation.wire",
                "batch at a generation 1000 ahead of the kernel's: ERESTART on BATCH_BEGIN, nothing else; then GETGEN",
                socket -> {
                    int generation = NftRequests.generation(socket);
                    assertThat(socket.send(RecordedBatches.tableBatch(OptionalInt.of(generation + 1000)))).isInstanceOf(BatchOutcome.Refused.class);
                    NftRequests.generation(socket);
                });
        for (NftRequests.GenerationProbe kind : NftRequests.GenerationProbe.values()) {
            boolean empty = kind == NftRequests.GenerationProbe.EMPTY_BATCH;
            record("native-bindings/src/test/resources/wire/still-at" + (empty ? "" : "-validated") + ".wire",
                    "the consistency probe (NftRequests.stillAt, " + (empty
                            ? "an empty batch, BATCH_BEGIN acked" : "one acked NEWTABLE and no BATCH_END, validated and aborted")
                            + ", carrying a generation): at the current generation (ack), then a batch that commits, "
                            + "then the probe at the generation before it (ERESTART); then GETGEN",
                    socket -> {
                        int generation = NftRequests.generation(socket);
                        assertThat(NftRequests.stillAt(socket, generation, kind)).isTrue();
                        assertThat(socket.send(RecordedBatches.tableBatch(OptionalInt.of(generation)))).isInstanceOf(BatchOutcome.Committed.class);
                        assertThat(NftRequests.stillAt(socket, generation, kind)).isFalse();
                        assertThat(NftRequests.generation(socket)).isEqualTo(generation + 1);
                    });
        }
        record("native-bindings/src/test/resources/wire/acks-dropped.wire",
                "receive queue at its minimum, batch of 300 NEWSETELEM messages: the kernel commits, drops most "
                        + "acks (ENOBUFS); the socket discards what is left; then GETGEN",
                socket -> {
                    socket.send(RecordedBatches.tableBatch(OptionalInt.empty()));
                    socket.setReceiveQueue(1);
                    assertThat(socket.send(RecordedBatches.elementBatch(300))).isInstanceOf(BatchOutcome.Unknown.class);
                    NftRequests.generation(socket);
                });
    }

    private void record(String file, String description, Consumer<NetlinkSocket> exchange) throws IOException {
        try (Netns netns = Netns.create("capture")) {
            RecordingTransport recording = new RecordingTransport(NetlinkSocket.openTransport(Optional.of(netns.name())));
            recording.note(description);
            recording.note("recorded by WireCaptureTest on Linux " + System.getProperty("os.version") + ", "
                    + System.getProperty("os.arch") + " (little-endian headers); nf_tables numbers are big-endian");
            try (NetlinkSocket socket = NetlinkSocket.over(recording, Optional.of(netns.name()), FIRST_SEQUENCE)) {
                exchange.accept(socket);
            }
            Path target = root.resolve(file);
            Files.createDirectories(target.getParent());
            Files.writeString(target, recording.transcript(FIRST_SEQUENCE).format());
        }
    }
}
