package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.NetlinkSubscription;
import io.bridgewall.netlink.RecordingTransport;
import io.bridgewall.netlink.WireTranscript;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records what NFNLGRP_NFTABLES really delivers, once, as test data for the monitor's unit
 * tests (engine's RulesetMonitorReplayTest, which then runs without root): every datagram the
 * listening socket received, as hex, in a namespace of its own.
 *
 * <pre>sudo mvn -B -ntp -pl integration-tests -am verify -Dtest=NotificationCaptureTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Pcapture -Dbridgewall.capture=$PWD</pre>
 *
 * A tool, not a test: it runs only when asked, and overwrites engine/src/test/resources/notifications.
 */
@Tag("capture")
@EnabledIfSystemProperty(named = "bridgewall.capture", matches = ".+")
class NotificationCaptureTest {
    private final Path root = Path.of(System.getProperty("bridgewall.capture", "."));

    private static final RuleSet POLICY = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));
    private static final RuleSet TWO_BRIDGES = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"),
            Bridge.of("br-0123456789ab", "172.18.0.0/16"))));

    @Test
    void captureNotifications() throws IOException {
        Root.require();
        List<String> commands = List.of(
                "nft add element inet bridgewall host_tcp_ports { 8443 }",
                "nft flush chain inet bridgewall forward",
                "nft add table inet other",
                "nft add table ip bridgewall",
                "nft delete table inet bridgewall",
                "Firewall.apply of the policy with a second bridge, creating the table again (by this JVM's thread)",
                "nft flush ruleset");
        record("engine/src/test/resources/notifications/foreign-changes.wire", 4 * 1024 * 1024,
                "policy for docker0=172.17.0.0/16 applied before subscribing; then, one transaction each: "
                        + String.join("; ", commands),
                netns -> {
                    for (String command : commands) {
                        if (command.startsWith("nft ")) {
                            netns.exec(command.split(" ")).orThrow();
                        } else {
                            try (Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
                                firewall.apply(TWO_BRIDGES);
                            }
                        }
                    }
                });
        record("engine/src/test/resources/notifications/queue-overflow.wire", 1,
                "receive queue at its minimum; 200 transactions 'add table ip burstN' through one nft -i: "
                        + "the kernel drops most notifications (ENOBUFS)",
                netns -> {
                    String burst = IntStream.range(0, 200).mapToObj(i -> "add table ip burst" + i).collect(Collectors.joining("\n"));
                    Shell.run(Duration.ofSeconds(60), burst + "\n", List.of("ip", "netns", "exec", netns.name(), "nft", "-i")).orThrow();
                });
    }

    private void record(String file, int receiveQueue, String description, java.util.function.Consumer<Netns> work)
            throws IOException {
        try (Netns netns = Netns.create("capture")) {
            try (Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
                firewall.apply(POLICY);
            }
            RecordingTransport recording = new RecordingTransport(NetlinkSocket.openTransport(Optional.of(netns.name())));
            try (NetlinkSubscription subscription = NetlinkSubscription.over(recording, Netlink.NFNLGRP_NFTABLES)) {
                subscription.setReceiveQueue(receiveQueue);
                work.accept(netns);
                // Everything is queued by now: read until the socket stays quiet for a second.
                for (int datagrams = 0; !(subscription.receive(Duration.ofSeconds(1)) instanceof NetlinkSubscription.Delivery.Nothing);
                        datagrams++) {
                    assertThat(datagrams).as("datagrams read; the recording must end").isLessThan(100_000);
                }
            }
            WireTranscript recorded = recording.transcript(0);
            List<WireTranscript.Entry> entries = new ArrayList<>();
            entries.add(new WireTranscript.Note(description));
            entries.add(new WireTranscript.Note("recorded by NotificationCaptureTest on Linux " + System.getProperty("os.version")
                    + ", " + System.getProperty("os.arch") + " (little-endian headers); nf_tables numbers are big-endian"));
            for (WireTranscript.Entry entry : recorded.entries()) {
                // The wait for quiet ends in one timed-out receive after another: one stands for them all.
                boolean repeatedTimeout = entry instanceof WireTranscript.ReceiveFailed failed && failed.errno() == Netlink.EAGAIN
                        && entries.get(entries.size() - 1) instanceof WireTranscript.ReceiveFailed previous
                        && previous.errno() == Netlink.EAGAIN;
                if (!repeatedTimeout) {
                    entries.add(entry);
                }
            }
            Path target = root.resolve(file);
            Files.createDirectories(target.getParent());
            Files.writeString(target, new WireTranscript(recorded.portId(), 0, entries).format());
        }
    }
}
