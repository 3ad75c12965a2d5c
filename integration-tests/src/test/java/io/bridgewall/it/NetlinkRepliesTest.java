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
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.netlink.DumpInterruptedException;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
        assertThat(transaction.kind()).isEqualTo(Applier.Kind.REPLACED);
        assertThat(transaction.lostAnswers()).hasSize(1);
        Applier.LostAnswer lost = transaction.lostAnswers().get(0);
        assertThat(lost.committed()).isTrue();
        assertThat(lost.generationBefore()).isEqualTo(before);
        assertThat(lost.generationAfter()).isEqualTo(before + 1).isEqualTo(generationSeenByAFreshSocket());
        assertThat(lost.describe()).contains("it committed: generation moved from " + before + " to " + (before + 1));

        try (Netns fresh = Netns.create("fresh")) {
            assertThat(Bridgewall.run("apply", "--no-docker", "--netns", fresh.name(), "--bridge", "docker0=172.17.0.0/16",
                    "--bridge", "br-lost=10.91.0.0/24").exitCode()).isZero();
            assertThat(NftRuleset.text(netns)).isEqualTo(NftRuleset.text(fresh));
        }
    }

    @Test
    void aDumpInterruptedByCommitsIsReadAgainAndNeverHandsOnAMix() throws Exception {
        int rules = 2000;
        netns.exec("nft", "add", "table", "inet", "t").orThrow();
        netns.exec("nft", "add", "chain", "inet", "t", "c").orThrow();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger commits = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> writerFailure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (NetlinkSocket socket = NetlinkSocket.open(Optional.of(netns.name()))) {
                for (int round = 0; !stop.get() && round < 100_000; round++) {
                    replaceRules(socket, rules, "round-" + round);
                    commits.incrementAndGet();
                    Shell.sleep(3);
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        }, "rule-writer");
        writer.start();
        int consistent = 0;
        int givenUp = 0;
        try {
            for (int wait = 0; commits.get() < 2 && writerFailure.get() == null && wait < 1000; wait++) {
                Shell.sleep(10);
            }
            assertThat(writerFailure.get()).as("the writer").isNull();
            assertThat(commits.get()).as("commits by the writer").isGreaterThanOrEqualTo(2);
            try (NetlinkSocket reader = NetlinkSocket.open(Optional.of(netns.name()))) {
                for (int read = 0; read < 40; read++) {
                    Map<String, Integer> rulesPerMarker = new HashMap<>();
                    try {
                        try (NftnlRule request = NftnlRule.filterByTable("t", INET)) {
                            NftRequests.dump(reader, Netlink.NFT_MSG_GETRULE, INET, "reading the rules of t",
                                    request::buildPayload, message -> {
                                        try (NftnlRule rule = NftnlRule.parse(message)) {
                                            rulesPerMarker.merge(new String(rule.userdata(), StandardCharsets.US_ASCII), 1,
                                                    Integer::sum);
                                        }
                                    });
                        }
                    } catch (DumpInterruptedException e) {
                        givenUp++; // the honest answer when every attempt was interrupted
                        continue;
                    }
                    assertThat(rulesPerMarker).as("read %d: one commit's rules, all of them", read)
                            .hasSize(1).containsValue(rules);
                    consistent++;
                }
            }
        } finally {
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(writerFailure.get()).as("the writer").isNull();
        System.out.println("dumps during " + commits.get() + " commits: " + consistent + " consistent, " + givenUp
                + " gave up after " + NftRequests.READ_ATTEMPTS + " interrupted attempts");
        assertThat(consistent).isPositive();
    }

    /** Flushes chain c and adds {@code count} rules whose comment is {@code marker}, in one transaction. */
    private static void replaceRules(NetlinkSocket socket, int count, String marker) {
        Batch batch = new Batch(socket, 0);
        try (NftnlRule flush = NftnlRule.create("t", "c", INET)) {
            batch.add(Netlink.NFT_MSG_DELRULE, INET, 0, "flush chain c", flush::buildPayload);
        }
        for (int i = 0; i < count; i++) {
            try (NftnlRule rule = NftnlRule.create("t", "c", INET).add(NftnlExpr.counter())
                    .userdata(marker.getBytes(StandardCharsets.US_ASCII))) {
                batch.add(Netlink.NFT_MSG_NEWRULE, INET, Netlink.NLM_F_CREATE | Netlink.NLM_F_APPEND, "rule " + i,
                        rule::buildPayload);
            }
        }
        batch.commit();
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
