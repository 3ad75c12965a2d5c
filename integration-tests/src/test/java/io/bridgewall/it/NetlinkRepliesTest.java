package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.ConcurrentChangeException;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.Foreign;
import io.bridgewall.kernel.KernelReader;
import io.bridgewall.kernel.ReadBack;
import io.bridgewall.netlink.RecordingTransport;
import io.bridgewall.netlink.WireTranscript;
import io.bridgewall.ruleset.Family;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.netlink.DumpInterruptedException;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.NetlinkTransport;
import io.bridgewall.nftnl.Batch;
import io.bridgewall.nftnl.NftRequests;
import io.bridgewall.nftnl.NftnlChain;
import io.bridgewall.nftnl.NftnlExpr;
import io.bridgewall.nftnl.NftnlRule;
import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every answer matched to its request, every outcome known: against the real kernel, in a
 * namespace of the test's own, checked with nft or with a second, fresh socket.
 */
class NetlinkRepliesTest {
    private static final int INET = 1;
    private Netns netns;

    @BeforeEach
    void createNamespace() {
        Root.require();
        netns = Netns.create("replies");
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    private int generationSeenByAFreshSocket() {
        try (NetlinkSocket fresh = NetlinkSocket.open(Optional.of(netns.name()))) {
            return NftRequests.generation(fresh);
        }
    }

    @Test
    void acksDroppedByAFullQueueAreNotTakenForTheAnswerToTheNextRequest() {
        netns.exec("nft", "add table inet t; add set inet t s { type ipv4_addr; }").orThrow();
        int messages = 20_000;
        try (NetlinkSocket socket = NetlinkSocket.open(Optional.of(netns.name()))) {
            // 20,000 acks overflow the socket's queue: the kernel drops some (ENOBUFS) and
            // leaves the rest queued behind the error.
            Batch batch = new Batch(socket, 0);
            for (int i = 0; i < messages; i++) {
                try (NftnlSet carrier = NftnlSet.reference("t", "s", INET)) {
                    carrier.addElement(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}, 0);
                    batch.add(Netlink.NFT_MSG_NEWSETELEM, INET, Netlink.NLM_F_CREATE, "add element " + i,
                            carrier::buildElementsPayload);
                }
            }
            KernelException lost = catchThrowableOfType(batch::commit, KernelException.class);
            assertThat(lost).as("the kernel dropped acks: the commit's answer is incomplete").isNotNull();
            assertThat(lost.errno()).isEqualTo(Netlink.ENOBUFS);

            // The next request on the same socket gets its own answer, not a leftover ack.
            assertThat(NftRequests.generation(socket)).isEqualTo(generationSeenByAFreshSocket());
        }
        assertThat(NftRuleset.of(netns).elements("t", "s")).as("the kernel committed the whole batch").hasSize(messages);
    }

    @Test
    void aCommitWhoseAnswerWasLostIsReportedAsCommittedWithTheGenerations() {
        List<Bridge> bridges = List.of(Bridge.of("docker0", "172.17.0.0/16"), Bridge.of("br-lost", "10.91.0.0/24"));
        RuleSet planned = Planner.plan(Policy.withDefaults(bridges));
        int before = generationSeenByAFreshSocket();
        Applier.Transaction transaction;
        try (NetlinkSocket socket = NetlinkSocket.open(Optional.of(netns.name()))) {
            socket.setReceiveQueue(1); // the kernel's minimum: a few acks fit, the rest are dropped
            transaction = Applier.apply(socket, planned);
        }
        assertThat(transaction.kind()).isEqualTo(Applier.Kind.INSTALLED);
        assertThat(transaction.lostAnswers()).hasSize(1);
        Applier.LostAnswer lost = transaction.lostAnswers().get(0);
        assertThat(lost.committed()).isTrue();
        assertThat(lost.generationBefore()).isEqualTo(before);
        assertThat(lost.generationAfter()).isEqualTo(before + 1).isEqualTo(generationSeenByAFreshSocket());
        assertThat(lost.describe()).contains("it committed: generation moved from " + before + " to " + (before + 1));

        try (Netns fresh = Netns.create("fresh")) {
            assertThat(Bridgewall.run("apply", "--no-docker", "--netns", fresh.name(), "--bridge", "docker0=172.17.0.0/16",
                    "--bridge", "br-lost=10.91.0.0/24", "--no-dns-exception").exitCode()).isZero();
            assertThat(NftRuleset.text(netns)).isEqualTo(NftRuleset.text(fresh));
        }
    }

    /**
     * What a raw dump promises: a dump the kernel flags NLM_F_DUMP_INTR is asked for again, and
     * only a dump without that flag is handed on, whole. (Not that it is one commit's rules: the
     * kernel shows a transaction's objects before it counts its generation, so an unflagged dump
     * can still mix two commits. Reads that must not, go through {@link KernelReader#read}.)
     * Checked on the wire: every answer the kernel sent, and the flags it set on it.
     */
    @Test
    void aDumpInterruptedByCommitsIsAskedForAgainAndOnlyAnUninterruptedDumpIsHandedOn() throws Exception {
        int rules = 2000;
        netns.exec("nft", "add table inet t; add chain inet t c").orThrow();
        int reads = 0;
        int interrupted = 0;
        int givenUp = 0;
        try (RuleWriter writer = RuleWriter.start(netns, rules, () -> 3)) {
            writer.awaitCommits(2);
            // Until the kernel has interrupted a few dumps and a few were handed on, bounded. The
            // reader takes its time over each part of the answer, so commits land in the middle.
            for (; reads < 200 && (reads < 20 || interrupted < 5 || reads - givenUp < 5); reads++) {
                RecordingTransport wire = new RecordingTransport(
                        new SlowReceiver(NetlinkSocket.openTransport(Optional.of(netns.name())), 1));
                AtomicInteger handedOn = new AtomicInteger();
                boolean gaveUp = false;
                try (NetlinkSocket reader = NetlinkSocket.over(wire, Optional.of(netns.name()), 1);
                     NftnlRule request = NftnlRule.filterByTable("t", INET)) {
                    NftRequests.dump(reader, Netlink.NFT_MSG_GETRULE, INET, "reading the rules of t",
                            request::buildPayload, message -> handedOn.incrementAndGet());
                } catch (DumpInterruptedException e) {
                    gaveUp = true; // the honest answer when every attempt was interrupted
                    givenUp++;
                }
                List<DumpAttempt> attempts = DumpAttempt.on(wire.transcript(1));
                DumpAttempt last = attempts.get(attempts.size() - 1);
                assertThat(attempts.subList(0, attempts.size() - 1)).as("read %d: asked again only after an interrupted "
                        + "or dropped answer", reads).allMatch(a -> a.interrupted() || a.answerDropped());
                if (gaveUp) {
                    assertThat(attempts).hasSize(NftRequests.READ_ATTEMPTS).allMatch(DumpAttempt::interrupted);
                    assertThat(handedOn.get()).isZero();
                } else {
                    assertThat(last.interrupted()).as("read %d: the dump handed on was not interrupted", reads).isFalse();
                    assertThat(handedOn.get()).as("read %d: all of that dump", reads).isEqualTo(last.dataMessages());
                }
                interrupted += (int) attempts.stream().filter(DumpAttempt::interrupted).count();
            }
            writer.assertHealthy();
            System.out.println("raw dumps during " + writer.commits() + " commits: " + reads + " reads, " + interrupted
                    + " interrupted attempts, " + givenUp + " gave up after "
                    + NftRequests.READ_ATTEMPTS + " interrupted attempts");
        }
        assertThat(interrupted).as("dumps the kernel interrupted (else this tested nothing)").isPositive();
        assertThat(reads - givenUp).as("dumps handed on").isPositive();
    }

    /**
     * Another applier committing back to back for a second (racing appliers in CI) does not make
     * a read give up: it waits for a quiet moment, within a budget of seconds, and every read
     * started during the burst comes back whole. (The first version gave up after 8 reads and
     * about 60 ms.)
     */
    @Test
    void readsStartedDuringASecondOfBackToBackCommitsAllComeBackWhole() throws Exception {
        int rules = 200;
        netns.exec("nft", "add table inet t; add chain inet t c").orThrow();
        List<String> givenUp = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger whole = new AtomicInteger();
        AtomicBoolean burstOver = new AtomicBoolean();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.Future<?> reader;
        int commits;
        try (RuleWriter writer = RuleWriter.start(netns, rules, () -> 0)) {
            writer.awaitCommits(2);
            reader = pool.submit(() -> {
                try (Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
                    for (int read = 0; read < 1000 && !burstOver.get(); read++) {
                        try {
                            ReadBack readBack = firewall.installed("t", Family.INET);
                            assertThat(readBack.table()).isPresent();
                            whole.incrementAndGet();
                        } catch (ConcurrentChangeException e) {
                            givenUp.add(e.getMessage());
                        }
                    }
                }
            });
            Shell.sleep(1000);
            commits = writer.commits();
        }
        burstOver.set(true);
        try {
            reader.get(30, TimeUnit.SECONDS); // rethrows what failed in the reader
        } finally {
            pool.shutdownNow();
        }
        System.out.println("reads during a burst of " + commits + " back-to-back commits: " + whole.get()
                + " whole, " + givenUp.size() + " gave up");
        assertThat(commits).as("the writer kept committing").isGreaterThan(20);
        assertThat(givenUp).as("reads that gave up").isEmpty();
        assertThat(whole.get()).isPositive();
    }

    /**
     * What {@link KernelReader#read} promises, and a raw dump cannot: a read of a table someone
     * rewrites all the time is one commit's state, all of it, or no answer at all.
     */
    @Test
    void aConsistentReadOfAChainBeingRewrittenIsOneCommitsRulesNeverAMix() throws Exception {
        int rules = 2000;
        netns.exec("nft", "add table inet t; add chain inet t c").orThrow();
        int consistent = 0;
        int givenUp = 0;
        int reads = 0;
        long rereadsBefore = NftRequests.rereads();
        // Pauses from none to longer than a read: some reads race a commit, some find a quiet moment.
        try (RuleWriter writer = RuleWriter.start(netns, rules, () -> ThreadLocalRandom.current().nextInt(0, 40))) {
            writer.awaitCommits(2);
            try (Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                for (; reads < 2000 && System.nanoTime() < until; reads++) {
                    ReadBack read;
                    try {
                        read = firewall.installed("t", Family.INET);
                    } catch (ConcurrentChangeException e) {
                        givenUp++; // the honest answer when every attempt raced a commit
                        continue;
                    }
                    Map<String, Integer> rulesPerMarker = new HashMap<>();
                    for (Foreign foreign : read.table().orElseThrow().foreign()) {
                        if (foreign instanceof Foreign.ForeignChain chain && chain.chain().name().equals("c")) {
                            chain.rules().forEach(rule -> rulesPerMarker.merge(rule.comment(), 1, Integer::sum));
                        }
                    }
                    assertThat(rulesPerMarker).as("read %d at generation %d: one commit's rules, all of them", reads,
                            read.generation()).hasSize(1).containsValue(rules);
                    assertThat(rulesPerMarker.keySet().iterator().next()).startsWith("round-");
                    consistent++;
                }
            }
            writer.assertHealthy();
            System.out.println("consistent reads during " + writer.commits() + " commits: " + reads + " reads, "
                    + consistent + " consistent, " + givenUp + " gave up after racing a commit each time, "
                    + (NftRequests.rereads() - rereadsBefore) + " dumps asked for again");
        }
        assertThat(consistent).isPositive();
    }

    /** A transport that waits before each receive, as a reader on a busy machine does. */
    private record SlowReceiver(NetlinkTransport inner, long pauseMillis) implements NetlinkTransport {
        @Override
        public int portId() {
            return inner.portId();
        }

        @Override
        public void send(ByteBuffer datagram) {
            inner.send(datagram);
        }

        @Override
        public ByteBuffer receive() {
            Shell.sleep(pauseMillis);
            return inner.receive();
        }

        @Override
        public int discardPending() {
            return inner.discardPending();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** One dump request on the wire and what the kernel answered to it. */
    private record DumpAttempt(int sequence, int dataMessages, boolean interrupted, boolean answerDropped) {
        /** The attempts of one read: every request sent, with the answers carrying its sequence number. */
        static List<DumpAttempt> on(WireTranscript transcript) {
            List<DumpAttempt> attempts = new ArrayList<>();
            for (WireTranscript.Entry entry : transcript.entries()) {
                if (entry instanceof WireTranscript.Sent sent) {
                    attempts.add(new DumpAttempt(header(sent.bytes(), 0).getInt(8), 0, false, false));
                } else if (entry instanceof WireTranscript.ReceiveFailed) {
                    DumpAttempt current = attempts.remove(attempts.size() - 1);
                    attempts.add(new DumpAttempt(current.sequence, current.dataMessages, current.interrupted, true));
                } else if (entry instanceof WireTranscript.Received received) {
                    byte[] datagram = received.bytes();
                    for (int offset = 0; offset < datagram.length; ) {
                        ByteBuffer message = header(datagram, offset);
                        int sequence = message.getInt(8);
                        int type = message.getShort(4) & 0xffff;
                        int flags = message.getShort(6) & 0xffff;
                        for (int i = 0; i < attempts.size(); i++) {
                            DumpAttempt a = attempts.get(i);
                            if (a.sequence == sequence) {
                                boolean data = type != Netlink.NLMSG_DONE && type != Netlink.NLMSG_ERROR;
                                attempts.set(i, new DumpAttempt(a.sequence, a.dataMessages + (data ? 1 : 0),
                                        a.interrupted || (flags & Netlink.NLM_F_DUMP_INTR) != 0, a.answerDropped));
                            }
                        }
                        offset += (message.getInt(0) + 3) & ~3;
                    }
                }
            }
            return attempts;
        }

        private static ByteBuffer header(byte[] datagram, int offset) {
            return ByteBuffer.wrap(datagram, offset, datagram.length - offset).slice().order(ByteOrder.nativeOrder());
        }
    }

    /** A thread that replaces chain t c with {@code rules} new ones per commit, each commit its own marker. */
    private static final class RuleWriter implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger commits = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        private RuleWriter(Netns netns, int rules, IntSupplier pauseMillis) {
            thread = new Thread(() -> {
                try (NetlinkSocket socket = NetlinkSocket.open(Optional.of(netns.name()))) {
                    for (int round = 0; !stop.get() && round < 100_000; round++) {
                        replaceRules(socket, rules, "round-" + round);
                        commits.incrementAndGet();
                        Shell.sleep(pauseMillis.getAsInt());
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "rule-writer");
        }

        static RuleWriter start(Netns netns, int rules, IntSupplier pauseMillis) {
            RuleWriter writer = new RuleWriter(netns, rules, pauseMillis);
            writer.thread.start();
            return writer;
        }

        void awaitCommits(int count) {
            for (int wait = 0; commits.get() < count && failure.get() == null && wait < 1000; wait++) {
                Shell.sleep(10);
            }
            assertHealthy();
            assertThat(commits.get()).as("commits by the writer").isGreaterThanOrEqualTo(count);
        }

        int commits() {
            return commits.get();
        }

        void assertHealthy() {
            assertThat(failure.get()).as("the writer").isNull();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertHealthy();
        }
    }

    /** Flushes chain c and adds {@code count} rules whose comment is {@code marker}, in one transaction. */
    private static void replaceRules(NetlinkSocket socket, int count, String marker) {
        Batch batch = new Batch(socket, 0);
        try (NftnlRule flush = NftnlRule.create("t", "c", INET)) {
            batch.add(Netlink.NFT_MSG_DELRULE, INET, 0, "flush chain c", flush::buildPayload);
        }
        for (int i = 0; i < count; i++) {
            try (NftnlRule rule = NftnlRule.create("t", "c", INET).add(NftnlExpr.counter()).userdata(comment(marker))) {
                batch.add(Netlink.NFT_MSG_NEWRULE, INET, Netlink.NLM_F_CREATE | Netlink.NLM_F_APPEND, "rule " + i,
                        rule::buildPayload);
            }
        }
        batch.commit();
    }

    /** A rule comment the way nft stores it in rule userdata: type 0, length, the text NUL-terminated. */
    private static byte[] comment(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        byte[] userdata = new byte[bytes.length + 3];
        userdata[1] = (byte) (bytes.length + 1);
        System.arraycopy(bytes, 0, userdata, 2, bytes.length);
        return userdata;
    }

    @Test
    void aTableHeldWithTheOwnerFlagNamesTheProcessThatHoldsIt() throws Exception {
        Process holder = new ProcessBuilder("ip", "netns", "exec", netns.name(), "timeout", "60", "nft", "-i")
                .redirectErrorStream(true).start();
        try (OutputStream stdin = holder.getOutputStream()) {
            stdin.write("add table inet bridgewall { flags owner; }\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            // (nft -j cannot print an owned table: nft 1.0.6 prints broken JSON for it)
            for (int i = 0; i < 100 && !NftRuleset.text(netns).contains("table inet bridgewall"); i++) {
                Shell.sleep(50);
            }
            long nftPid = holder.descendants().filter(p -> p.info().command().orElse("").endsWith("/nft"))
                    .findFirst().orElseThrow().pid();

            Shell.Result apply = Bridgewall.run("apply", "--no-docker", "--netns", netns.name(), "--bridge",
                    "docker0=172.17.0.0/16");
            Shell.Result remove = Bridgewall.run("remove", "--netns", netns.name());

            for (Shell.Result result : List.of(apply, remove)) {
                assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
                assertThat(result.stderr())
                        .contains("table inet bridgewall is owned by process " + nftPid + " (nft, netlink port id ")
                        .contains("stop that process")
                        .doesNotContain("needs root");
            }
            assertThat(NftRuleset.text(netns)).contains("flags owner").doesNotContain("chain");
        } finally {
            holder.descendants().forEach(ProcessHandle::destroyForcibly);
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCallerInterruptedWhileOpeningASocketInANamespaceLeavesNoSocketBehind() {
        long before = netfilterSocketsInNamespace();
        NativeLibraries.requireAll();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> NetlinkSocket.open(Optional.of(netns.name())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("interrupted");
        } finally {
            Thread.interrupted();
        }
        Shell.sleep(300); // let a worker the caller stopped waiting for finish
        assertThat(netfilterSocketsInNamespace()).isEqualTo(before);
    }

    /** Netfilter netlink sockets open in the test's namespace, as the kernel lists them. */
    private long netfilterSocketsInNamespace() {
        String table = netns.exec("cat", "/proc/net/netlink").orThrow().stdout();
        List<String> netfilter = new ArrayList<>();
        for (String line : table.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 10 && columns[1].equals("12")) {
                netfilter.add(line);
            }
        }
        return netfilter.size();
    }
}
