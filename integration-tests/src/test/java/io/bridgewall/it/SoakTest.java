package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.netlink.BatchOutcome;
import io.bridgewall.netlink.DumpInterruptedException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.WireBatch;
import io.bridgewall.nftnl.Batch;
import io.bridgewall.nftnl.NftRequests;
import io.bridgewall.nftnl.NftnlExpr;
import io.bridgewall.nftnl.NftnlRule;
import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.nftnl.NftnlTable;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.RuleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A long-lived apply loop on one socket, the way `watch` will run: thousands of applies in a
 * row with refused batches, lost answers, interrupted dumps, concurrent writers in another
 * process and foreign edits of our table mixed in. No wrong answer (the kernel equals a fresh
 * install of the plan, checked with nft), no false alarm (our read-back never says "differs"
 * when nft says the kernel is right), and RSS and open file descriptors flat.
 *
 * <p>Runs in every {@code mvn verify} with {@value #DEFAULT_APPLIES} applies; {@code
 * -Dbridgewall.soak=10000} runs it with that many and writes the figures to
 * bench/soak-last-run.txt (see bench/SOAK.md).
 */
class SoakTest {
    private static final int DEFAULT_APPLIES = 1000;
    private static final String TABLE = "bridgewall";
    private static final int INET = 1;
    private static final int FOREIGN_RULES = 400;

    @Test
    void thousandsOfAppliesOnOneSocketNeverGiveAWrongAnswerNorLeak() throws Exception {
        Root.require();
        int applies = Integer.getInteger("bridgewall.soak", DEFAULT_APPLIES);
        List<RuleSet> plans = List.of(plan("docker0=172.17.0.0/16", "br-a=10.81.0.0/24"),
                plan("docker0=172.17.0.0/16", "br-b=10.82.0.0/24,fd00:82::/64", "br-c=10.83.0.0/24"));
        List<String> expected = new ArrayList<>();
        for (RuleSet plan : plans) {
            expected.add(freshInstall(plan));
        }
        Counts counts = new Counts();
        List<String> figures = new ArrayList<>();
        try (Netns netns = Netns.create("soak")) {
            netns.exec("nft", "add table inet other; add set inet other s { type ipv4_addr; }; add chain inet other c")
                    .orThrow();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            AtomicInteger rewrites = new AtomicInteger();
            // Another process commits to another table all the time: our generation keeps moving.
            Process writer = new ProcessBuilder("ip", "netns", "exec", netns.name(), "timeout", "3600", "sh", "-c",
                    "i=0; while [ $i -lt 1000000 ]; do nft add element inet other s { 10.9.$((i / 250 % 250)).$((i % 250 + 1)) }"
                            + " || exit 1; i=$((i + 1)); sleep 0.1; done")
                    .redirectErrorStream(true).start();
            // And a thread rewrites a large chain of it, so long dumps get interrupted.
            Thread rewriter = new Thread(() -> {
                try (NetlinkSocket socket = NetlinkSocket.open(Optional.of(netns.name()))) {
                    for (int round = 0; !stop.get() && round < 1_000_000; round++) {
                        rewriteForeignChain(socket, "round-" + round);
                        rewrites.incrementAndGet();
                        Shell.sleep(100);
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            }, "foreign-rewriter");
            rewriter.start();
            long started = System.nanoTime();
            try (NetlinkSocket socket = NetlinkSocket.open(Optional.of(netns.name()));
                 Firewall firewall = Firewall.over(socket)) {
                for (int i = 0; i < applies; i++) {
                    RuleSet plan = plans.get(i % 2);
                    mixIn(i, netns, socket, counts);
                    Applier.Transaction transaction = Applier.apply(socket, plan);
                    counts.record(transaction);
                    // Our own read-back, as apply's verification does: it must agree with nft.
                    boolean readBackEquals = firewall.check(plan).verified();
                    boolean checkWithNft = !readBackEquals || i % 100 == 0 || i == applies - 1;
                    if (checkWithNft) {
                        String kernel = netns.exec("nft", "list", "table", "inet", TABLE).orThrow().stdout();
                        assertThat(kernel).as("apply %d: the kernel equals a fresh install of the plan", i)
                                .isEqualTo(expected.get(i % 2));
                        counts.nftChecks++;
                    }
                    assertThat(readBackEquals).as("apply %d: a false alarm: read-back differs, nft says the kernel is right", i)
                            .isTrue();
                    if (i == 100 || (i + 1) % 1000 == 0 || i == applies - 1) {
                        figures.add(String.format("after %6d applies: RSS %6d KiB, open fds %3d, heap used %5d KiB, %.1f s",
                                i + 1, rssKiB(), openFds(), heapUsedKiB(), (System.nanoTime() - started) / 1e9));
                    }
                }
            } finally {
                stop.set(true);
                rewriter.join(TimeUnit.SECONDS.toMillis(30));
                writer.descendants().forEach(ProcessHandle::destroyForcibly);
                writer.destroyForcibly();
                writer.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(writerFailure.get()).as("the foreign rewriter").isNull();
            counts.foreignRewrites = rewrites.get();
        }
        String report = String.join("\n", figures) + "\n" + counts;
        System.out.println(report);
        // The figures are kept only for a run asked for by name, not for the one in every verify.
        if (System.getProperty("bridgewall.soak") != null) {
            Path out = Path.of(System.getProperty("bridgewall.soak.out", "../bench/soak-last-run.txt"));
            Files.writeString(out, "SoakTest, " + applies + " applies on one socket, " + java.time.Instant.now() + "\n"
                    + report + "\n", StandardCharsets.UTF_8);
        }
        assertThat(counts.commits).isPositive();
    }

    /** What happens before apply i: one disturbance on a fixed schedule. */
    private static void mixIn(int i, Netns netns, NetlinkSocket socket, Counts counts) {
        switch (i % 10) {
            case 1 -> {
                // A refused batch on the same socket: its error and acks must not answer anything later.
                assertThat(socket.send(refusedBatch())).isInstanceOf(BatchOutcome.Refused.class);
                counts.refusedInjected++;
            }
            case 3 -> {
                // A conflicting batch: computed at a generation that is long gone.
                int stale = NftRequests.generation(socket) - 1;
                BatchOutcome outcome = socket.send(touchOther(OptionalInt.of(stale)));
                assertThat(outcome).isInstanceOf(BatchOutcome.Refused.class);
                assertThat(((BatchOutcome.Refused) outcome).error().errno()).isEqualTo(Netlink.ERESTART);
                counts.restartInjected++;
            }
            case 5 -> {
                // A foreign edit of our table, by nft: apply must undo it.
                String edit = switch ((i / 10) % 3) {
                    case 0 -> "add element inet bridgewall bridges { \"intruder0\" }";
                    case 1 -> "add rule inet bridgewall forward accept";
                    default -> "add chain inet bridgewall extra";
                };
                if (netns.exec("nft", edit).ok()) {
                    counts.foreignEdits++;
                }
            }
            case 7 -> {
                // A long dump while the rewriter commits: interrupted dumps are read again, never mixed.
                Map<String, Integer> markers = new HashMap<>();
                try (NftnlRule request = NftnlRule.filterByTable("other", INET)) {
                    NftRequests.dump(socket, Netlink.NFT_MSG_GETRULE, INET, "reading the rules of other",
                            request::buildPayload, message -> {
                                try (NftnlRule rule = NftnlRule.parse(message)) {
                                    markers.merge(new String(rule.userdata(), StandardCharsets.US_ASCII), 1, Integer::sum);
                                }
                            });
                    assertThat(markers).as("dump %d", i).hasSize(1).containsValue(FOREIGN_RULES);
                    counts.dumps++;
                } catch (DumpInterruptedException e) {
                    counts.dumpsGivenUp++;
                }
            }
            case 9 -> {
                if ((i / 10) % 10 == 0) {
                    // Every 100th apply: a receive queue too small for the acks. The outcome must
                    // be resolved through the generation, then the queue is restored.
                    socket.setReceiveQueue(1);
                    counts.tinyQueue++;
                }
            }
            default -> socket.setReceiveQueue(4 * 1024 * 1024);
        }
    }

    private static WireBatch refusedBatch() {
        Batch batch = new Batch(OptionalInt.empty());
        try (NftnlSet missing = NftnlSet.reference(TABLE, "no_such_set", INET)) {
            batch.add(Netlink.NFT_MSG_DELSET, INET, 0, "delete set inet bridgewall no_such_set", missing::buildPayload);
        }
        return batch.toWire();
    }

    private static WireBatch touchOther(OptionalInt generation) {
        Batch batch = new Batch(generation);
        try (NftnlTable other = NftnlTable.create("other", INET)) {
            batch.add(Netlink.NFT_MSG_NEWTABLE, INET, Netlink.NLM_F_CREATE, "add table inet other", other::buildPayload);
        }
        return batch.toWire();
    }

    private static void rewriteForeignChain(NetlinkSocket socket, String marker) {
        Batch batch = new Batch(OptionalInt.empty());
        try (NftnlRule flush = NftnlRule.create("other", "c", INET)) {
            batch.add(Netlink.NFT_MSG_DELRULE, INET, 0, "flush chain inet other c", flush::buildPayload);
        }
        for (int r = 0; r < FOREIGN_RULES; r++) {
            try (NftnlRule rule = NftnlRule.create("other", "c", INET).add(NftnlExpr.counter())
                    .userdata(marker.getBytes(StandardCharsets.US_ASCII))) {
                batch.add(Netlink.NFT_MSG_NEWRULE, INET, Netlink.NLM_F_CREATE | Netlink.NLM_F_APPEND, "rule " + r,
                        rule::buildPayload);
            }
        }
        Batch.commit(socket, batch.toWire());
    }

    private static RuleSet plan(String... bridges) {
        List<Bridge> list = new ArrayList<>();
        for (String bridge : bridges) {
            String[] parts = bridge.split("=");
            list.add(Bridge.of(parts[0], parts[1].split(",")));
        }
        return Planner.plan(Policy.withDefaults(list));
    }

    /** `nft list table` after installing the plan into a namespace of its own. */
    private static String freshInstall(RuleSet plan) {
        try (Netns fresh = Netns.create("soak-ref"); NetlinkSocket socket = NetlinkSocket.open(Optional.of(fresh.name()))) {
            Applier.apply(socket, plan);
            return fresh.exec("nft", "list", "table", "inet", TABLE).orThrow().stdout();
        }
    }

    private static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /** Heap in use after a full collection: what survives, so growth here would be a Java-side leak. */
    private static long heapUsedKiB() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / 1024;
    }

    private static long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** What the loop saw. */
    private static final class Counts {
        int commits;
        int unchanged;
        int retries;
        int lostAnswersCommitted;
        int lostAnswersNotCommitted;
        int refusedInjected;
        int restartInjected;
        int foreignEdits;
        int dumps;
        int dumpsGivenUp;
        int tinyQueue;
        int nftChecks;
        int foreignRewrites;

        void record(Applier.Transaction transaction) {
            if (transaction.kind() == Applier.Kind.UNCHANGED) {
                unchanged++;
            } else {
                commits++;
            }
            retries += transaction.attempts() - 1;
            for (Applier.LostAnswer lost : transaction.lostAnswers()) {
                if (lost.committed()) {
                    lostAnswersCommitted++;
                } else {
                    lostAnswersNotCommitted++;
                }
            }
        }

        @Override
        public String toString() {
            return "applies that committed " + commits + ", unchanged " + unchanged + ", retries after ERESTART or a lost "
                    + "answer " + retries + ", lost answers resolved as committed " + lostAnswersCommitted
                    + " / not committed " + lostAnswersNotCommitted + "\ninjected: refused batches " + refusedInjected
                    + ", stale-generation batches " + restartInjected + ", foreign edits of our table " + foreignEdits
                    + ", tiny receive queues " + tinyQueue + "\nlong dumps during rewrites: consistent " + dumps
                    + ", given up after " + NftRequests.READ_ATTEMPTS + " interrupted attempts " + dumpsGivenUp
                    + "; reads asked again (interrupted dump or dropped replies) " + NftRequests.rereads()
                    + "; foreign rewrites " + foreignRewrites + "; checks with nft " + nftChecks;
        }
    }
}
