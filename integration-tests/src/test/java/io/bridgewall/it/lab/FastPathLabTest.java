package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.PUB;
import static io.bridgewall.it.lab.LabAddresses.PUB_OTHER;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The forward chain's fast path with real packets: established connections carrying the mark of
 * the policy in force skip the checks, and no connection keeps a way through that the policy in
 * force would not give it. A plain {@code ct state established accept} first fails the first two
 * tests: it lets both connections carry on. So does a stamp on whatever falls through the checks,
 * replies included: the server's packet after the apply passes ("replies pass") and would
 * carry the new mark to the connection (CI saw it when an echo was in flight during the commit).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FastPathLabTest {
    /** Echoes every 50 ms: this long without one is a connection the firewall cut, not a slow one. */
    private static final long SILENCE_MS = 1500;
    /** What may still be in flight when the apply commits. */
    private static final long SETTLE_MS = 250;

    private Lab lab;
    private Policy policyA;
    private Policy policyB;

    @BeforeAll
    void startLab() {
        Root.require();
        lab = Lab.start();
        List<Bridge> bridges = lab.discoveredBridges();
        policyA = Policy.withDefaults(bridges);
        // B: the same, and PUB_OTHER's range blocked too. Only set elements differ, and the mark.
        List<Cidr> blocked = new ArrayList<>(Policy.DEFAULT_BLOCKED);
        blocked.add(Cidr.parse("198.51.100.0/24"));
        policyB = new Policy(bridges, blocked, HostInput.defaults());
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    /**
     * Issue 12: a connection to the LAN opened before the first apply has mark 0, walks the checks
     * and is cut. Conntrack tracks it from its first packet, as on a host where anything stateful
     * (Docker's own NAT, a previous firewall) was loaded before: without that the kernel would
     * pick it up mid-stream as new after the apply, and even a plain established shortcut would
     * cut it, proving nothing.
     */
    @Test
    void aConnectionToTheLanOpenedBeforeTheFirstApplyIsCutByIt() {
        lab.resetFirewall();
        lab.loadNft("""
                table inet stateful_before {
                    chain forward {
                        type filter hook forward priority 10; policy accept;
                        ct state established counter
                    }
                }
                """);
        try (LongLivedConnection connection = LongLivedConnection.open(lab, lab.lan(), "bridge-a", LAN)) {
            connection.awaitEchoes(10);
            assertThat(connection.echoed()).as("without a firewall the container reaches the LAN").isGreaterThanOrEqualTo(10);
            assertThat(connectionMark(LAN)).as("tracked, unmarked").isZero();

            // As users run it, into the namespace as it is (no flush).
            new BridgewallCliFirewall().apply(lab);
            // A reply after the commit passes ("replies pass"); it must not admit the connection.
            connection.sendFromServer("the LAN host speaks after the apply");
            assertCut(connection, "the connection to the LAN opened before bridgewall");
        }
    }

    /** Admitted under A and stamped with A's mark; B blocks its destination, so B's apply cuts it. */
    @Test
    void aConnectionAllowedUnderAIsCutByTheApplyOfBWhichBlocksItsDestination() {
        lab.resetFirewall();
        RuleSet a = Planner.plan(policyA);
        RuleSet b = Planner.plan(policyB);
        int markA = Planner.fastPathMark(a).orElseThrow();
        assertThat(Planner.fastPathMark(b).orElseThrow()).isNotEqualTo(markA);
        try (Firewall firewall = Firewall.open(Optional.of(lab.host().name()))) {
            firewall.apply(a);
            try (LongLivedConnection connection = LongLivedConnection.open(lab, "bridge-a", PUB_OTHER)) {
                connection.awaitEchoes(10);
                assertThat(connection.echoed()).as("policy A lets the container reach " + PUB_OTHER).isGreaterThanOrEqualTo(10);
                assertThat(connectionMark(PUB_OTHER)).as("the connection carries A's mark").isEqualTo(Integer.toUnsignedLong(markA));

                firewall.apply(b);
                connection.sendFromServer(PUB_OTHER + " speaks after B's apply");
                assertCut(connection, "the connection to " + PUB_OTHER + " once B blocks it");
            }
        }
    }

    /**
     * A counter rule put right after the fast path (a test-only probe; the planned fast-path rule
     * has no counter) counts every forwarded packet that did not take it: a busy established
     * connection leaves it at its first packets.
     */
    @Test
    void establishedPacketsOfTheCurrentPolicySkipTheChecks() {
        lab.resetFirewall();
        try (Firewall firewall = Firewall.open(Optional.of(lab.host().name()))) {
            firewall.apply(Planner.plan(policyA));
        }
        String firstHandle = lab.host().exec("sh", "-c", "nft -a list chain inet bridgewall forward"
                + " | grep 'fast path: established' | sed 's/.*# handle //'").orThrow().stdout().strip();
        assertThat(firstHandle).matches("\\d+");
        lab.host().exec("nft", "add", "rule", "inet", "bridgewall", "forward", "position", firstHandle,
                "counter", "comment", "\"test: did not take the fast path\"").orThrow();

        int echoed;
        try (LongLivedConnection connection = LongLivedConnection.open(lab, "bridge-a", PUB)) {
            connection.awaitEchoes(40);
            echoed = connection.stop().echoed();
        }
        long slowPath = counterPackets("test: did not take the fast path");
        System.out.printf("fast path: %d echoes (each 2 packets each way through forward), %d packets walked the checks%n",
                echoed, slowPath);
        assertThat(echoed).isGreaterThanOrEqualTo(40);
        // The SYN walks the checks (new); the closing FIN/ACKs are established and marked too.
        assertThat(slowPath).as("packets that walked the checks").isLessThanOrEqualTo(3);
    }

    private void assertCut(LongLivedConnection connection, String what) {
        Shell.sleep(SETTLE_MS);
        int atApply = connection.echoed();
        Shell.sleep(SILENCE_MS);
        assertThat(connection.echoed()).as(what + ": echoes after the apply (%d when it committed)", atApply)
                .isEqualTo(atApply);
    }

    /** The conntrack mark of the long-lived connection to {@code address}, as /proc/net/nf_conntrack shows it. */
    private long connectionMark(String address) {
        String line = lab.host().exec("cat", "/proc/net/nf_conntrack").orThrow().stdout().lines()
                .filter(l -> l.contains("dst=" + address + " ") && l.contains("dport=" + LongLivedConnection.PORT + " "))
                .findFirst().orElseThrow(() -> new AssertionError("no conntrack entry to " + address));
        java.util.regex.Matcher mark = java.util.regex.Pattern.compile(" mark=(\\d+) ").matcher(line);
        assertThat(mark.find()).as(line).isTrue();
        return Long.parseLong(mark.group(1));
    }

    private long counterPackets(String comment) {
        String listing = lab.host().exec("nft", "list", "chain", "inet", "bridgewall", "forward").orThrow().stdout();
        String line = listing.lines().filter(l -> l.contains("comment \"" + comment + "\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no rule " + comment + " in\n" + listing));
        java.util.regex.Matcher packets = java.util.regex.Pattern.compile("counter packets (\\d+)").matcher(line);
        assertThat(packets.find()).as(line).isTrue();
        return Long.parseLong(packets.group(1));
    }
}
