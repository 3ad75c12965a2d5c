package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.DockerDaemon;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.it.support.WatchProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * `bridgewall watch` against a real dockerd in its own namespace: a burst of 50 networks
 * created and removed in parallel ends where a fresh `apply` ends, in far fewer transactions
 * than events; dockerd stopped and started again while watch runs: the policy stays while it
 * is gone, and what changed meanwhile is picked up after the reconnect.
 */
@Timeout(400)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchDockerTest {
    private static final String TABLE = "bridgewall";
    private static final int BURST = 50;
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private DockerDaemon docker;
    private Path runDir;
    private WatchProcess watch;

    @BeforeAll
    void startDockerdAndWatch() throws IOException {
        Root.require();
        docker = DockerDaemon.startInNewNamespace("watch");
        runDir = Files.createTempDirectory("bw-watch-run-");
        watch = WatchProcess.start(docker.netns(), docker.host(), runDir);
    }

    @AfterAll
    void stop() {
        if (watch != null) {
            watch.close();
            System.out.println("watch log:\n" + String.join("\n", watch.stderr()));
        }
        if (docker != null) {
            docker.close();
        }
        if (runDir != null) {
            Shell.run("rm", "-rf", runDir.toString());
        }
    }

    @Test
    @Order(1)
    void aBurstOfFiftyNetworksCreatedAndRemovedInParallelEndsAsAFreshApplyInFewTransactions() {
        int generations;
        List<String> afterHalf;
        try (NftMonitor monitor = NftMonitor.start(docker.netns())) {
            // Adjacent /24s: the plan merges them into ranges that split again as networks go.
            List<String> ids = inParallel(BURST, i -> docker.docker(Duration.ofSeconds(120), "network", "create",
                    "--subnet", "10.123." + i + ".0/24", "burst" + i).orThrow().stdout().strip());
            List<String> bridges = ids.stream().map(id -> "br-" + id.substring(0, 12)).toList();
            awaitBridges(bridges, List.of());

            inParallel(BURST / 2, i -> docker.docker(Duration.ofSeconds(120), "network", "rm", "burst" + (2 * i + 1)).orThrow()
                    .stdout());
            List<String> removed = IntStream.range(0, BURST / 2).mapToObj(i -> bridges.get(2 * i + 1)).toList();
            awaitBridges(bridges.stream().filter(b -> !removed.contains(b)).toList(), removed);
            afterHalf = NftRuleset.of(docker.netns()).elements(TABLE, "bridge_nets_v4");
            assertThat(tableText(docker.netns())).as("after half of them went").isEqualTo(freshApply());

            inParallel(BURST / 2, i -> docker.docker(Duration.ofSeconds(120), "network", "rm", "burst" + (2 * i)).orThrow()
                    .stdout());
            awaitBridges(List.of(), bridges);
            generations = monitor.generationsSinceStart();
        }
        System.out.println("burst of " + BURST + " creates and " + BURST + " removes: " + generations + " transactions");
        assertThat(afterHalf).contains("10.123.0.0/24", "10.123.2.0/24").doesNotContain("10.123.1.0/24");
        assertThat(tableText(docker.netns())).as("after all of them went").isEqualTo(freshApply());
        assertThat(generations).as("one transaction per burst, not per event").isPositive().isLessThan(30);
    }

    @Test
    @Order(2)
    void dockerdRestartedWhileWatchRunsKeepsThePolicyAndPicksUpWhatChanged() {
        String before = tableText(docker.netns());
        int from = watch.stderrLineCount();
        docker.stopDockerd();
        assertThat(watch.line("lost Docker", from, Duration.ofSeconds(20)))
                .as("the log says Docker went away: " + watch.stderr()).isPresent();
        Shell.sleep(1000);
        assertThat(tableText(docker.netns())).as("the policy stays while dockerd is down").isEqualTo(before);

        docker.startDockerd();
        String id = docker.docker("network", "create", "--subnet", "10.124.0.0/24", "after-restart").orThrow().stdout().strip();
        String bridge = "br-" + id.substring(0, 12);
        awaitBridges(List.of(bridge), List.of());
        assertThat(watch.line("reconnected to Docker", from, Duration.ofSeconds(5))).isPresent();
        assertThat(tableText(docker.netns())).isEqualTo(freshApply());
        assertThat(watch.isAlive()).isTrue();
    }

    /** What `apply` with the same dockerd makes in a namespace of its own, as nft lists it. */
    private String freshApply() {
        try (Netns fresh = Netns.create("fresh")) {
            Shell.Result apply = Bridgewall.run("apply", "--netns", fresh.name(), "--docker-host", docker.host());
            assertThat(apply.exitCode()).as(apply.stderr()).isZero();
            return tableText(fresh);
        }
    }

    private static String tableText(Netns netns) {
        return netns.exec("nft", "list", "table", "inet", TABLE).orThrow().stdout()
                .replaceAll("counter packets \\d+ bytes \\d+", "counter");
    }

    /** Waits, bounded, until the kernel's bridges set has all of {@code present} and none of {@code absent}. */
    private void awaitBridges(List<String> present, List<String> absent) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<String> bridges;
        do {
            bridges = NftRuleset.of(docker.netns()).elements(TABLE, "bridges");
            if (bridges.containsAll(present) && absent.stream().noneMatch(bridges::contains)) {
                return;
            }
            Shell.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the kernel's bridges " + bridges + " did not come to hold " + present + " and none of "
                + absent + " within " + SETTLE + "; watch said: " + watch.stderr());
    }

    /** Runs {@code count} docker commands 8 at a time, each bounded; returns their results in order. */
    private static List<String> inParallel(int count, IntFunction<String> command) {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> command.apply(n)));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> future : futures) {
                results.add(future.get(180, TimeUnit.SECONDS));
            }
            return results;
        } catch (Exception e) {
            throw new AssertionError("a docker command failed or hung", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
