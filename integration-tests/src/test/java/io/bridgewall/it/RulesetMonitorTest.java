package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.RulesetMonitor;
import io.bridgewall.kernel.RulesetMonitor.Commit;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.RuleSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RulesetMonitor against the real kernel, in a namespace of the test's own: every foreign
 * change is seen as exactly one commit, checked against what `nft monitor` itself reports for
 * the same transaction (generation, pid, process name).
 */
class RulesetMonitorTest {
    private static final String TABLE = "bridgewall";
    private static final Duration ARRIVAL = Duration.ofSeconds(5);
    private static final Pattern NEW_GENERATION = Pattern.compile("# new generation (\\d+) by process (\\d+) \\((.*)\\)");
    private static final RuleSet POLICY = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));

    private Netns netns;

    @BeforeEach
    void namespaceWithOurTable() {
        Root.require();
        netns = Netns.create("monitor");
        try (Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
            firewall.apply(POLICY);
        }
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    private RulesetMonitor monitor() {
        return RulesetMonitor.open(Optional.of(netns.name()), TABLE, Family.INET);
    }

    @Test
    void deletingOurTableIsOneCommitByNft() {
        assertForeignCommit(List.of("nft", "delete", "table", "inet", TABLE), true, "delete table inet bridgewall");
    }

    @Test
    void flushingOurForwardChainIsOneCommitByNft() {
        Commit commit = assertForeignCommit(List.of("nft", "flush", "chain", "inet", TABLE, "forward"), true,
                "delete rule inet bridgewall forward");
        assertThat(commit.whatChanged()).allMatch(line -> line.startsWith("delete rule inet bridgewall forward"));
    }

    @Test
    void flushingTheRulesetIsOneCommitByNft() {
        netns.exec("nft", "add", "table", "ip", "other").orThrow();
        Commit commit = assertForeignCommit(List.of("nft", "flush", "ruleset"), true, "delete table inet bridgewall");
        // Whole tables are listed before their objects, so however long the list, both are named.
        assertThat(commit.whatChanged()).contains("delete table ip other");
    }

    @Test
    void addingAnElementToOurSetIsOneCommitByNft() {
        Commit commit = assertForeignCommit(List.of("nft", "add", "element", "inet", TABLE, Planner.TCP_PORTS, "{ 8443 }"), true,
                "add element inet bridgewall host_tcp_ports");
        assertThat(commit.whatChanged()).containsExactly("add element inet bridgewall host_tcp_ports");
    }

    @Test
    void aChangeToAnotherTableIsSeenButDoesNotTouchOurs() {
        Commit commit = assertForeignCommit(List.of("nft", "add", "table", "inet", "other"), false, "add table inet other");
        assertThat(commit.whatChanged()).containsExactly("add table inet other");
    }

    @Test
    void aTableOfOurNameInAnotherFamilyIsNotOurs() {
        assertForeignCommit(List.of("nft", "add", "table", "ip", TABLE), false, "add table ip bridgewall");
    }

    /**
     * Runs {@code command} in the namespace while both our monitor and `nft monitor` listen;
     * our monitor must report it as exactly one commit with the generation, pid and process
     * name `nft monitor` prints for it.
     */
    private Commit assertForeignCommit(List<String> command, boolean touchesOurTable, String change) {
        try (NftMonitor nftMonitor = NftMonitor.start(netns); RulesetMonitor monitor = monitor()) {
            netns.exec(command.toArray(String[]::new)).orThrow();

            Commit commit = monitor.next(ARRIVAL).orElseThrow(() -> new AssertionError("no commit reported for " + command));
            assertThat(monitor.next(Duration.ofMillis(300))).as("one transaction, one commit").isEmpty();

            assertThat(commit.touchedOurTable()).as(commit.describe()).isEqualTo(touchesOurTable);
            assertThat(commit.notificationsLost()).isFalse();
            assertThat(commit.whatChanged()).as(commit.describe()).anyMatch(line -> line.startsWith(change));
            Matcher reported = awaitNewGeneration(nftMonitor, commit.generation());
            assertThat(commit.pid()).isEqualTo(Integer.parseInt(reported.group(2)));
            assertThat(commit.processName()).isEqualTo(reported.group(3)).isEqualTo("nft");
            assertThat(commit.byThisProcess()).isFalse();
            return commit;
        }
    }

    /** The line `nft monitor` prints for this generation (the kernel's own account of who committed it). */
    private static Matcher awaitNewGeneration(NftMonitor nftMonitor, int generation) {
        for (int attempt = 0; attempt < 500; attempt++) {
            for (String line : nftMonitor.lines()) {
                Matcher matcher = NEW_GENERATION.matcher(line);
                if (matcher.matches() && Integer.parseInt(matcher.group(1)) == generation) {
                    return matcher;
                }
            }
            Shell.sleep(10);
        }
        throw new AssertionError("nft monitor never reported generation " + generation + ": " + nftMonitor.lines());
    }

    @Test
    void ourOwnApplyIsSeenWithTheGenerationItReportedAndOurThread() throws IOException {
        try (RulesetMonitor monitor = monitor(); Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
            RuleSet changed = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"),
                    Bridge.of("br-0123456789ab", "172.18.0.0/16"))));
            Firewall.ApplyReport report = firewall.apply(changed);

            Commit commit = monitor.next(ARRIVAL).orElseThrow();
            assertThat(commit.generation()).isEqualTo(report.generationAfter()).isEqualTo(report.committedGeneration().getAsInt());
            assertThat(commit.touchedOurTable()).isTrue();
            assertThat(commit.whatChanged()).contains("add element inet bridgewall bridges");
            // The kernel names the committing task: this very thread of this process.
            Path task = Path.of("/proc/self/task/" + commit.pid());
            assertThat(task).as("a thread of this JVM").exists();
            assertThat(Files.readString(task.resolve("comm")).strip()).isEqualTo(commit.processName());
            assertThat(commit.byThisProcess()).isTrue();

            Firewall.ApplyReport unchanged = firewall.apply(changed); // nothing differs: no transaction, nothing to report
            assertThat(unchanged.committedGeneration()).isEmpty();
            assertThat(monitor.next(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void ourCommitsAreKnownByTheGenerationApplyReportsAmongForeignOnes() throws IOException {
        RuleSet changed = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"),
                Bridge.of("br-0123456789ab", "172.18.0.0/16"))));
        try (RulesetMonitor monitor = monitor(); Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
            // A writer committing about every 25 ms while we apply: some of our applies are refused
            // (ERESTART) and retried, and a foreign commit may land between ours and the
            // generation apply reads afterwards (generationAfter), never in committedGeneration.
            Process writer = new ProcessBuilder("ip", "netns", "exec", netns.name(), "sh", "-c",
                    "i=0; while [ $i -lt 100 ]; do nft add table ip race$i; sleep 0.02; i=$((i+1)); done").start();
            List<Firewall.ApplyReport> ours = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    ours.add(firewall.apply(i % 2 == 0 ? changed : POLICY));
                    Shell.sleep(20);
                }
            } finally {
                waitFor(writer);
            }
            List<Integer> ourGenerations = ours.stream().map(r -> r.committedGeneration().getAsInt()).toList();
            List<Commit> commits = new ArrayList<>();
            for (Optional<Commit> next = monitor.next(ARRIVAL); next.isPresent() && commits.size() < 1000;
                    next = monitor.next(Duration.ofMillis(500))) {
                commits.add(next.get());
            }
            assertThat(commits).noneMatch(Commit::notificationsLost);
            List<Commit> byGeneration = commits.stream().filter(c -> ourGenerations.contains(c.generation())).toList();
            assertThat(byGeneration).hasSize(20).allMatch(Commit::byThisProcess).allMatch(Commit::touchedOurTable);
            assertThat(commits.stream().filter(c -> !ourGenerations.contains(c.generation())))
                    .allMatch(c -> c.processName().equals("nft") && !c.touchedOurTable());
        }
    }

    private static void waitFor(Process process) {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aBurstThatOverflowsATinyReceiveQueueIsReportedAsLostNotSilence() {
        try (RulesetMonitor monitor = RulesetMonitor.open(Optional.of(netns.name()), TABLE, Family.INET, 1)) {
            String burst = IntStream.range(0, 1000).mapToObj(i -> "add table ip burst" + i).collect(Collectors.joining("\n"));
            Shell.run(Duration.ofSeconds(60), burst + "\n", List.of("ip", "netns", "exec", netns.name(), "nft", "-i")).orThrow();

            List<Commit> seen = new ArrayList<>();
            for (Optional<Commit> next = monitor.next(Duration.ofSeconds(1)); next.isPresent() && seen.size() < 2000;
                    next = monitor.next(Duration.ofMillis(500))) {
                seen.add(next.get());
            }
            List<Commit> lost = seen.stream().filter(Commit::notificationsLost).toList();
            assertThat(lost).as("commits seen: %d", seen.size()).isNotEmpty();
            assertThat(lost).allMatch(Commit::touchedOurTable);
            assertThat(lost.get(0).whatChanged()).first().isEqualTo(Commit.NOTIFICATIONS_LOST);
            assertThat(seen.size() - lost.size()).as("commits read whole").isLessThan(1000);
            assertThat(monitor.receiveQueue()).as("the queue grows after a loss").isGreaterThanOrEqualTo(1024 * 1024);
        }
    }

    @Test
    void nextReturnsEmptyWhenNothingIsCommittedWithinTheTimeout() {
        try (RulesetMonitor monitor = monitor()) {
            long start = System.nanoTime();
            Optional<Commit> commit = monitor.next(Duration.ofMillis(300));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(commit).isEmpty();
            assertThat(elapsedMillis).isBetween(295L, 300L + 250L);

            start = System.nanoTime();
            assertThat(monitor.next(Duration.ZERO)).isEmpty();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(100L);
        }
    }

    @Test
    void wakeUpFromAnotherThreadEndsAWaitingNextPromptly() throws Exception {
        try (RulesetMonitor monitor = monitor()) {
            CompletableFuture<Long> returnedAt = CompletableFuture.supplyAsync(() -> {
                Optional<Commit> commit = monitor.next(Duration.ofSeconds(30));
                assertThat(commit).isEmpty();
                return System.nanoTime();
            });
            Shell.sleep(300); // let it wait in the kernel
            long wokenAt = System.nanoTime();
            monitor.wakeUp();
            long latencyMillis = (returnedAt.get(5, TimeUnit.SECONDS) - wokenAt) / 1_000_000;
            assertThat(latencyMillis).as("wakeUp to return").isLessThan(100L);

            // The monitor still works afterwards.
            netns.exec("nft", "delete", "table", "inet", TABLE).orThrow();
            assertThat(monitor.next(ARRIVAL)).hasValueSatisfying(c -> assertThat(c.touchedOurTable()).isTrue());
        }
    }

    @Test
    void closeFromAnotherThreadEndsAWaitingNextPromptly() throws Exception {
        RulesetMonitor monitor = monitor();
        CompletableFuture<Optional<Commit>> waiting = CompletableFuture.supplyAsync(() -> monitor.next(Duration.ofSeconds(30)));
        Shell.sleep(300);
        long closedAt = System.nanoTime();
        monitor.close();
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat((System.nanoTime() - closedAt) / 1_000_000).as("close to return").isLessThan(100L);
        assertThat(monitor.next(Duration.ofSeconds(5))).as("closed: returns at once").isEmpty();
    }
}
