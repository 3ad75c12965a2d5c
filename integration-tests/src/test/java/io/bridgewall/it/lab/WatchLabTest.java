package io.bridgewall.it.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.DockerDaemon;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.it.support.WatchProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * `bridgewall watch` in the real-packet lab, with the lab's real dockerd: a network created
 * while it runs is firewalled (checked with nft and with packets from a container on it), its
 * removal removes its entries; a table deleted or a chain flushed by nft is restored and the
 * log says so; SIGTERM ends it with exit 0 and leaves the ruleset; a second watch is refused.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchLabTest {
    private static final Duration APPLIED = Duration.ofSeconds(10);
    private static final String TABLE = "bridgewall";
    private static final String SUBNET = "172.30.9.0/24";

    private Lab lab;
    private Path runDir;
    private WatchProcess watch;

    @BeforeAll
    void startLabAndWatch() throws IOException {
        Root.require();
        lab = Lab.start();
        lab.resetFirewall();
        runDir = Files.createTempDirectory("bw-watch-run-");
        watch = WatchProcess.start(lab.host(), lab.docker().host(), runDir);
    }

    @AfterAll
    void stop() {
        if (watch != null) {
            watch.close();
            System.out.println("watch log:\n" + String.join("\n", watch.stderr()));
        }
        if (lab != null) {
            lab.close();
        }
        if (runDir != null) {
            Shell.run("rm", "-rf", runDir.toString());
        }
    }

    @Test
    @Order(1)
    void theStartupApplyInstallsTheLabsNetworks() {
        assertThat(watch.stdout()).anyMatch(line -> line.startsWith("installed table inet bridgewall"))
                .anyMatch(line -> line.startsWith("verified: the kernel holds exactly the planned table"));
        NftRuleset kernel = NftRuleset.of(lab.host());
        for (LabNetwork network : lab.networks()) {
            assertThat(kernel.elements(TABLE, "bridges")).contains(network.bridge());
        }
    }

    @Test
    @Order(2)
    void aNetworkCreatedUnderWatchIsFirewalledAndItsRemovalRemovesIt() {
        DockerDaemon docker = lab.docker();
        int from = watch.stderrLineCount();
        String id = docker.docker("network", "create", "--subnet", SUBNET, "watchnet").orThrow().stdout().strip();
        String bridge = "br-" + id.substring(0, 12);
        String line = watch.line("network create " + bridge, from, APPLIED).orElseThrow(() ->
                new AssertionError("no log line for the new network: " + watch.stderr()));
        assertThat(line).matches("bridgewall: network create " + bridge + " \\(watchnet 172\\.30\\.9\\.0/24\\): updated in 1 "
                + "transaction, generation \\d+ -> \\d+, [0-9.]+ ms");
        NftRuleset kernel = NftRuleset.of(lab.host());
        assertThat(kernel.elements(TABLE, "bridges")).contains(bridge);
        assertThat(kernel.elements(TABLE, "bridge_nets_v4")).anyMatch(e -> e.startsWith("172.30.9.0"));
        assertThat(kernel.elements(TABLE, "masquerade_nets_v4")).anyMatch(e -> e.startsWith("172.30.9.0"));

        docker.docker("run", "-d", "--name", "watch-a", "--network", "watchnet", BusyboxImage.NAME,
                "/bin/httpd", "-f", "-p", String.valueOf(LabAddresses.WHO_PORT), "-h", WhoService.IMAGE_DOCROOT).orThrow();
        String ip = docker.docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "watch-a")
                .orThrow().stdout().strip();
        ProbeSource container = new ProbeSource.FromContainer(
                new LabContainer("watch-a", new LabNetwork("watchnet", bridge, SUBNET, false), ip));
        ProbeResult pub = lab.probe(container, LabAddresses.PUB, LabAddresses.WHO_PORT);
        assertThat(pub.reached()).as("the public host: " + pub.cell()).isTrue();
        assertThat(pub.peer()).as("seen masqueraded as the host's uplink").contains(LabAddresses.HOST_UPLINK);
        assertThat(lab.probe(container, LabAddresses.LAN, LabAddresses.WHO_PORT).reached()).as("the LAN").isFalse();
        assertThat(lab.probe(container, LabAddresses.METADATA, LabAddresses.WHO_PORT).reached()).as("metadata").isFalse();
        assertThat(lab.probe(container, lab.container("user-a").ip(), LabAddresses.WHO_PORT).reached())
                .as("another bridge's container").isFalse();

        docker.docker("rm", "-f", "watch-a").orThrow();
        from = watch.stderrLineCount();
        docker.docker("network", "rm", "watchnet").orThrow();
        assertThat(watch.line("network destroy " + bridge, from, APPLIED)).isPresent();
        kernel = NftRuleset.of(lab.host());
        assertThat(kernel.elements(TABLE, "bridges")).doesNotContain(bridge);
        assertThat(kernel.elements(TABLE, "bridge_nets_v4")).noneMatch(e -> e.startsWith("172.30.9.0"));
    }

    @Test
    @Order(3)
    void aDeletedTableIsRestoredAndTheLogSaysWhoDeletedIt() {
        String before = withoutCounters(NftRuleset.text(lab.host()));
        int from = watch.stderrLineCount();
        lab.host().exec("nft", "delete", "table", "inet", TABLE).orThrow();
        String line = watch.line("restored table inet bridgewall", from, APPLIED).orElseThrow(() ->
                new AssertionError("not restored: " + watch.stderr()));
        assertThat(line).contains("after a change by nft (pid ").contains("delete table inet bridgewall").contains("verified");
        assertThat(withoutCounters(NftRuleset.text(lab.host()))).isEqualTo(before);
    }

    @Test
    @Order(4)
    void aFlushedChainIsRestored() {
        String before = withoutCounters(NftRuleset.text(lab.host()));
        int from = watch.stderrLineCount();
        lab.host().exec("nft", "flush", "chain", "inet", TABLE, "forward").orThrow();
        String line = watch.line("restored table inet bridgewall", from, APPLIED).orElseThrow(() ->
                new AssertionError("not restored: " + watch.stderr()));
        assertThat(line).contains("after a change by nft (pid ").contains("delete rule inet bridgewall forward");
        assertThat(NftRuleset.of(lab.host()).rules(TABLE, "forward")).isNotEmpty();
        assertThat(withoutCounters(NftRuleset.text(lab.host()))).isEqualTo(before);
        // And the policy holds for packets again.
        ProbeResult lan = lab.probe(lab.fromContainer("user-a"), LabAddresses.LAN, LabAddresses.WHO_PORT);
        assertThat(lan.reached()).as("user-a -> LAN after the repair").isFalse();
    }

    @Test
    @Order(5)
    void aSecondWatchForTheSameNamespaceIsRefusedWithOneLine() {
        try (WatchProcess second = WatchProcess.launch(lab.host(), lab.docker().host(), runDir)) {
            WatchProcess.Exit exit = second.awaitExit(Duration.ofSeconds(30));
            assertThat(exit.code()).isEqualTo(1);
            assertThat(second.stderr()).hasSize(1);
            assertThat(second.stderr().get(0)).isEqualTo("bridgewall: another bridgewall watch (pid " + watch.pid()
                    + ") already keeps network namespace " + lab.host().name() + " up to date (lock "
                    + runDir.resolve("watch-netns-" + lab.host().name() + ".lock") + "); stop it first, e.g. systemctl stop bridgewall");
        }
        assertThat(watch.isAlive()).isTrue();
    }

    @Test
    @Order(6)
    void sigtermEndsWatchWithExitZeroAndLeavesTheRuleset() {
        String before = withoutCounters(NftRuleset.text(lab.host()));
        WatchProcess.Exit exit = watch.terminate(Duration.ofSeconds(10));
        System.out.println("watch exit after SIGTERM: " + exit.took().toMillis() + " ms");
        assertThat(exit.code()).isZero();
        assertThat(exit.took()).as("prompt").isLessThan(Duration.ofSeconds(2));
        assertThat(watch.line("bridgewall: stopped", 0, Duration.ofSeconds(5)))
                .contains("bridgewall: stopped; table inet bridgewall stays as it is");
        assertThat(withoutCounters(NftRuleset.text(lab.host()))).isEqualTo(before);
        // The lock went with the process: a new watch starts.
        try (WatchProcess next = WatchProcess.start(lab.host(), lab.docker().host(), runDir)) {
            assertThat(next.stdout()).anyMatch(line -> line.startsWith("unchanged: the kernel already holds"));
            assertThat(next.terminate(Duration.ofSeconds(10)).code()).isZero();
        }
    }

    private static String withoutCounters(String ruleset) {
        return ruleset.replaceAll("counter packets \\d+ bytes \\d+", "counter");
    }
}
