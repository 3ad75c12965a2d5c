package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * `bridgewall apply` against the real kernel, in a namespace of the test's own, checked
 * with the nft tool rather than with bridgewall's own read-back.
 */
class AtomicApplyTest {
    private static final String TABLE = "bridgewall";
    private Netns netns;

    @BeforeEach
    void createNamespace() {
        Root.require();
        netns = Netns.create("apply");
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    private Shell.Result bridgewall(String... args) {
        return Bridgewall.run(args);
    }

    @Test
    void commitsTheSeedEquivalentPolicyInExactlyOneGeneration() {
        Shell.Result result;
        int generations;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            // The seed's policy has no DNS exception: the rule counts below must not depend on this machine's resolv.conf.
            result = bridgewall("apply", "--no-docker", "--netns", netns.name(), "--bridge", "docker0=172.17.0.0/16",
                    "--no-dns-exception");
            generations = monitor.generationsSinceStart();
        }
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(generations).as("transactions committed by one apply").isEqualTo(1);

        NftRuleset kernel = NftRuleset.of(netns);
        assertThat(kernel.hasTable("inet", TABLE)).isTrue();
        assertChain(kernel, "input", "filter", "input", 0, "drop");
        assertChain(kernel, "forward", "filter", "forward", 0, "accept");
        assertChain(kernel, "postrouting", "nat", "postrouting", 100, "accept");
        assertThat(kernel.elements(TABLE, "bridges")).containsExactly("docker0");
        assertThat(kernel.elements(TABLE, "masquerade_nets_v4")).containsExactly("172.17.0.0/16");
        assertThat(kernel.elements(TABLE, "blocked_v4")).containsExactlyInAnyOrder(
                "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10");
        assertThat(kernel.elements(TABLE, "blocked_v6")).containsExactlyInAnyOrder("fc00::/7", "fe80::/10");
        assertThat(kernel.elements(TABLE, "host_tcp_ports")).containsExactly("22");
        assertThat(kernel.set(TABLE, "blocked_v4").orElseThrow().path("flags").toString()).contains("interval");
        assertThat(kernel.rules(TABLE, "input")).hasSize(11);
        assertThat(kernel.elements(TABLE, "published_v4")).as("no Docker, nothing published").isEmpty();
        // The checks, the fast path first and the fall-through stamp last.
        assertThat(kernel.rules(TABLE, "forward")).hasSize(11);
        assertThat(kernel.rules(TABLE, "postrouting")).hasSize(3);
        assertThat(kernel.elements(TABLE, "contained")).containsExactly("br-*", "docker0");
        assertThat(kernel.elements(TABLE, "icc_pairs")).as("docker0's containers never talk").isEmpty();

        String listing = NftRuleset.text(netns);
        assertThat(listing)
                .contains("ct state established,related accept")
                .containsPattern("ct state established ct mark 0x[0-9a-f]{8} accept")
                .containsPattern("iifname \\. oifname @icc_pairs counter packets 0 bytes 0 ct mark set 0x[0-9a-f]{8} accept")
                .containsPattern("\n\t\tct direction original ct mark set 0x[0-9a-f]{8} comment")
                .contains("iifname \"lo\" accept")
                .contains("tcp dport @host_tcp_ports accept")
                .contains("icmpv6 type @host_icmpv6_types accept")
                .contains("iifname @contained iifname != @uncontained ip daddr @blocked_v4 counter packets 0 bytes 0 drop")
                .contains("oifname != @bridges ip saddr @masquerade_nets_v4 masquerade")
                .contains("oifname @contained oifname != @uncontained ct state invalid,new,untracked counter packets 0 bytes 0 drop")
                .contains("iifname @contained iifname != @uncontained iifname != @bridges masquerade");
    }

    private static void assertChain(NftRuleset kernel, String name, String type, String hook, int priority, String policy) {
        JsonNode chain = kernel.chain(TABLE, name).orElseThrow(() -> new AssertionError("no chain " + name));
        assertThat(chain.path("type").asText()).isEqualTo(type);
        assertThat(chain.path("hook").asText()).isEqualTo(hook);
        assertThat(chain.path("prio").asInt()).isEqualTo(priority);
        assertThat(chain.path("policy").asText()).isEqualTo(policy);
    }

    @Test
    void reapplyingTheSamePolicyChangesNothingAndCommitsNothing() {
        String[] apply = {"apply", "--no-docker", "--netns", netns.name(), "--bridge", "docker0=172.17.0.0/16",
                "--bridge", "br-0123456789ab=10.99.0.0/24,fd00:99::/64"};
        assertThat(bridgewall(apply).exitCode()).isZero();
        String first = NftRuleset.text(netns);
        Shell.Result again;
        int generations;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            again = bridgewall(apply);
            generations = monitor.generationsSinceStart();
        }
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(again.stdout()).startsWith("unchanged:");
        assertThat(generations).isZero();
        assertThat(NftRuleset.text(netns)).isEqualTo(first);
    }

    @Test
    void aChangedPolicyIsUpdatedInPlaceInOneGenerationAndEqualsAFreshInstall() {
        assertThat(bridgewall("apply", "--no-docker", "--netns", netns.name(), "--bridge", "docker0=172.17.0.0/16",
                "--bridge", "br-gone=10.97.0.0/24").exitCode()).isZero();
        String[] changed = {"--no-docker", "--bridge", "docker0=172.17.0.0/16", "--bridge", "br-new=10.96.0.0/24,fd00:96::/64",
                "--allow-port", "22", "--allow-port", "53/udp"};
        Shell.Result updated;
        int generations;
        List<String> events;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            updated = Bridgewall.run(List.of(), concat(List.of("apply", "--netns", netns.name()), List.of(changed)));
            generations = monitor.generationsSinceStart();
            events = monitor.lines();
        }
        assertThat(updated.exitCode()).as(updated.stderr()).isZero();
        assertThat(updated.stdout()).startsWith("updated table inet bridgewall");
        assertThat(generations).isEqualTo(1);
        // Elements moved, and the forward rules were replaced by rules carrying the new policy's
        // fast-path mark (so connections admitted before are checked again), in the same
        // transaction; the table, its chains and sets stayed in force throughout.
        assertThat(events).anyMatch(e -> e.startsWith("add element inet bridgewall bridges { \"br-new\" }"))
                .anyMatch(e -> e.startsWith("delete element inet bridgewall bridges { \"br-gone\" }"))
                .noneMatch(e -> e.contains("table inet bridgewall"))
                .noneMatch(e -> e.contains("chain inet bridgewall"));
        // The forward chain's rules are rewritten in order; input and postrouting are not touched.
        List<String> ruleEvents = events.stream().filter(e -> e.contains("rule inet bridgewall")).toList();
        assertThat(ruleEvents).isNotEmpty()
                .allMatch(e -> e.startsWith("add rule inet bridgewall forward ") || e.startsWith("delete rule inet bridgewall forward "))
                .anyMatch(e -> e.startsWith("add rule inet bridgewall forward ct state established ct mark 0x"));

        try (Netns fresh = Netns.create("fresh")) {
            assertThat(Bridgewall.run(List.of(), concat(List.of("apply", "--netns", fresh.name()), List.of(changed)))
                    .exitCode()).isZero();
            assertThat(NftRuleset.text(netns)).isEqualTo(NftRuleset.text(fresh));
        }
    }

    @Test
    void withoutTheFastPathAChangedPolicyMovesOnlyElements() {
        assertThat(bridgewall("apply", "--no-docker", "--no-fast-path", "--netns", netns.name(),
                "--bridge", "docker0=172.17.0.0/16", "--bridge", "br-gone=10.97.0.0/24").exitCode()).isZero();
        List<String> events;
        Shell.Result updated;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            updated = bridgewall("apply", "--no-docker", "--no-fast-path", "--netns", netns.name(),
                    "--bridge", "docker0=172.17.0.0/16", "--bridge", "br-new=10.96.0.0/24");
            assertThat(monitor.generationsSinceStart()).isEqualTo(1);
            events = monitor.lines();
        }
        assertThat(updated.exitCode()).as(updated.stderr()).isZero();
        // Only elements moved: the table, its chains, sets and rules stayed in force throughout.
        assertThat(events).anyMatch(e -> e.startsWith("add element inet bridgewall bridges { \"br-new\" }"))
                .anyMatch(e -> e.startsWith("delete element inet bridgewall bridges { \"br-gone\" }"))
                .noneMatch(e -> e.contains("table inet bridgewall"))
                .noneMatch(e -> e.contains("chain inet bridgewall"))
                .noneMatch(e -> e.contains("rule inet bridgewall"));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void leavesForeignTablesUntouchedThroughApplyAndRemove() {
        Shell.run(Shell.DEFAULT_TIMEOUT, """
                table ip foreign {
                    chain in {
                        type filter hook input priority 10; policy accept;
                        tcp dport 8080 counter accept
                    }
                }
                table inet other {
                    set s { type ipv4_addr; elements = { 203.0.113.7 } }
                }
                """, List.of("ip", "netns", "exec", netns.name(), "nft", "-f", "-")).orThrow();
        String before = NftRuleset.text(netns);

        assertThat(bridgewall("apply", "--no-docker", "--netns", netns.name(), "--bridge", "docker0=172.17.0.0/16").exitCode()).isZero();
        String during = NftRuleset.text(netns);
        assertThat(during).contains("table inet bridgewall").contains(before.strip());

        assertThat(bridgewall("remove", "--netns", netns.name()).exitCode()).isZero();
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
    }

    @Test
    void removeLeavesNothingOfOursAndIsSafeToRepeat() {
        assertThat(bridgewall("apply", "--no-docker", "--netns", netns.name(), "--bridge", "docker0=172.17.0.0/16").exitCode()).isZero();
        int generations;
        Shell.Result removed;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            removed = bridgewall("remove", "--netns", netns.name());
            generations = monitor.generationsSinceStart();
        }
        assertThat(removed.exitCode()).as(removed.stderr()).isZero();
        assertThat(removed.stdout()).contains("removed table inet bridgewall");
        assertThat(generations).isEqualTo(1);
        assertThat(NftRuleset.of(netns).tables()).isEmpty();

        Shell.Result again = bridgewall("remove", "--netns", netns.name());
        assertThat(again.exitCode()).isZero();
        assertThat(again.stdout()).contains("was not installed");
    }

    @Test
    void showReadsTheTableBackFromTheKernelWithCounters() {
        assertThat(bridgewall("apply", "--no-docker", "--netns", netns.name(), "--bridge", "docker0=172.17.0.0/16").exitCode()).isZero();
        Shell.Result shown = bridgewall("show", "--netns", netns.name());
        assertThat(shown.exitCode()).as(shown.stderr()).isZero();
        assertThat(shown.stdout())
                .contains("# read from the kernel, generation")
                .contains("\"docker0\"")
                .contains("iifname @contained iifname != @uncontained ip daddr @blocked_v4 counter packets 0 bytes 0 drop")
                .contains("policy drop;");

        bridgewall("remove", "--netns", netns.name());
        Shell.Result notInstalled = bridgewall("show", "--netns", netns.name());
        assertThat(notInstalled.exitCode()).isEqualTo(3);
        assertThat(notInstalled.stdout()).contains("not installed");
    }

    @Test
    void tenThousandBridgesCommitAsOneTransactionWithAConstantRuleCount() {
        // Without this machine's resolvers: the count is of the rules every policy has.
        List<String> args = new java.util.ArrayList<>(List.of("apply", "--no-docker", "--no-dns-exception", "--netns", netns.name()));
        for (int i = 0; i < 10_000; i++) {
            // Non-adjacent /24s so the interval set keeps 10,000 separate ranges.
            args.add("--bridge");
            args.add("bw" + i + "=10." + (i / 128) + "." + ((i % 128) * 2) + ".0/24");
        }
        Shell.Result result;
        int generations;
        try (NftMonitor monitor = NftMonitor.startCountingGenerations(netns)) {
            result = Bridgewall.run(List.of(), args);
            generations = monitor.generationsSinceStart();
        }
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(generations).isEqualTo(1);
        NftRuleset kernel = NftRuleset.of(netns);
        assertThat(kernel.elements(TABLE, "bridges")).hasSize(10_000).contains("bw0", "bw9999");
        assertThat(kernel.elements(TABLE, "bridge_nets_v4")).hasSize(10_000).contains("10.78.30.0/24");
        assertThat(kernel.rules(TABLE)).hasSize(25);
    }

    @Test
    void refusesWhenBridgedTrafficWouldBypassTheForwardChainAndCanFixIt() {
        netns.exec("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0").orThrow();
        Shell.Result refused = bridgewall("apply", "--no-docker", "--netns", netns.name(), "--bridge", "docker0=172.17.0.0/16");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).contains("would reach each other").contains("--enable-br-netfilter");
        assertThat(NftRuleset.text(netns)).as("refused before anything was sent").isEmpty();

        Shell.Result fixed = bridgewall("apply", "--no-docker", "--netns", netns.name(), "--bridge", "docker0=172.17.0.0/16",
                "--enable-br-netfilter");
        assertThat(fixed.exitCode()).isZero();
        assertThat(fixed.stderr()).doesNotContain("NOT isolated");
        assertThat(netns.exec("sysctl", "-n", "net.bridge.bridge-nf-call-iptables").orThrow().stdout().strip()).isEqualTo("1");
    }

    @Test
    void racingAppliersTakeTurnsAndNeverMixTheirPolicies() throws Exception {
        RuleSet first = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));
        RuleSet second = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"),
                Bridge.of("br-other", "10.95.0.0/24", "fd00:95::/64"))));
        int rounds = 40;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Integer>> appliers = List.of(
                    pool.submit(() -> applyRepeatedly(first, second, rounds)),
                    pool.submit(() -> applyRepeatedly(second, first, rounds)));
            for (java.util.concurrent.Future<Integer> applier : appliers) {
                assertThat(applier.get(120, java.util.concurrent.TimeUnit.SECONDS)).as("commits").isPositive();
            }
        } finally {
            pool.shutdownNow();
        }
        // Whatever the interleaving, the kernel holds exactly one of the two plans, never a mix.
        try (Firewall firewall = Firewall.open(java.util.Optional.of(netns.name()))) {
            assertThat(List.of(firewall.check(first).verified(), firewall.check(second).verified()))
                    .as("the kernel holds exactly one of the plans").containsExactlyInAnyOrder(true, false);
        }
    }

    /** Applies a, b, a, b... and returns how many applies committed something. */
    private Integer applyRepeatedly(RuleSet a, RuleSet b, int rounds) {
        int commits = 0;
        int retries = 0;
        try (Firewall firewall = Firewall.open(java.util.Optional.of(netns.name()))) {
            for (int i = 0; i < rounds; i++) {
                Firewall.ApplyReport report = firewall.apply(i % 2 == 0 ? a : b);
                if (report.transaction().kind() != Applier.Kind.UNCHANGED) {
                    commits++;
                }
                retries += report.transaction().attempts() - 1;
            }
        }
        System.out.println(Thread.currentThread().getName() + ": " + rounds + " applies, " + commits
                + " commits, " + retries + " retries after the generation moved on");
        return commits;
    }
}
