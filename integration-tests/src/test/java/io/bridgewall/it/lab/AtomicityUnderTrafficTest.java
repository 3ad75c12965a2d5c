package io.bridgewall.it.lab;

import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.Port;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static io.bridgewall.it.lab.LabAddresses.HOST_UPLINK;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4, atomicity under traffic: while a container keeps an established, masqueraded TCP
 * connection to the public host busy and other probes keep knocking on the LAN, bridgewall's
 * policy is re-applied 500 times in-process on one netlink socket. Not one LAN connection may
 * succeed and not one packet may arrive on the LAN at any moment; the established connection
 * must carry on with its conntrack entry and NAT binding unchanged. A control run with no
 * firewall shows the same probes do get through, so a zero means the firewall held, not that
 * the probes were blind. (The seed's separate iptables calls reloaded under the same traffic
 * are a measurement, not a test: {@link SeedReloadUnderTrafficMeasurement}, run by bench/run.sh.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AtomicityUnderTrafficTest {
    private static final int APPLIES = 500;
    private static final int MIN_ATTEMPTS_IN_WINDOW = 10;
    /** A dropped segment costs at least one 200 ms retransmission timeout; well-below-that RTTs show none. */
    private static final long MAX_RTT_MS = 1000;

    private Lab lab;
    private RuleSet ruleSet;
    private RuleSet alternate;
    private ArrivalCounter lanArrivals;

    @BeforeAll
    void startLab() {
        Root.require();
        lab = Lab.start();
        // the same policy `bridgewall apply` builds: discovered from the lab's dockerd, defaults otherwise
        List<Bridge> bridges = lab.discoveredBridges();
        ruleSet = Planner.plan(Policy.withDefaults(bridges));
        // Every apply in the loop must change something, or the kernel would have nothing to commit:
        // alternate with the same policy plus one more network and one more open port.
        List<Bridge> withExtra = new ArrayList<>(bridges);
        withExtra.add(Bridge.of("bwextra0", "10.250.0.0/24"));
        alternate = Planner.plan(new Policy(withExtra, Policy.DEFAULT_BLOCKED, new HostInput(true,
                List.of(Port.parse("22/tcp"), Port.parse("8443/tcp")))));
        lanArrivals = ArrivalCounter.install(lab.lan(), WHO_PORT);
        System.out.println("lab setup: " + lab.setupTime().toMillis() + " ms");
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void fiveHundredAppliesUnderTrafficOpenNoWindowAndKeepTheConnection() {
        // control: without a firewall the very same probes get through, so they can see a window
        lab.resetFirewall();
        long arrivalsBefore = lanArrivals.packets();
        List<ConnectLoop.Result> control = TrafficWindow.probeBriefly(lab);
        long controlArrivals = lanArrivals.packets() - arrivalsBefore;
        System.out.println("control, no firewall:\n" + control.stream()
                .map(r -> String.format("  %-30s attempts %d, successes %d", r.label(), r.attempts().size(), r.successes().size()))
                .collect(Collectors.joining("\n")) + "\n  packets arriving on the LAN host: " + controlArrivals);
        for (ConnectLoop.Result probe : control) {
            assertThat(probe.successes()).as("without a firewall %s connects (exit %d, %s)", probe.label(),
                    probe.exitCode(), probe.stderr()).isNotEmpty();
        }
        assertThat(controlArrivals).as("the LAN counter sees the probes").isPositive();

        // bridgewall as users run it, then the same policy re-applied in-process under traffic
        lab.apply(new BridgewallCliFirewall());
        String fromCli = withoutCounterValues(NftRuleset.text(lab.host()));
        long[] applyNanos = new long[APPLIES];
        List<String> badGenerations = new ArrayList<>();
        int committed;
        TrafficWindow.Observed seen;
        try (NftMonitor monitor = NftMonitor.start(lab.host())) {
            seen = TrafficWindow.around(lab, lanArrivals, () -> applyRepeatedly(applyNanos, badGenerations));
            committed = monitor.generationsSinceStart();
        }

        long[] sorted = applyNanos.clone();
        Arrays.sort(sorted);
        System.out.printf("atomicity under traffic, bridgewall in-process:%n  %d applies, total %d ms, median %.2f ms, "
                        + "max %.2f ms; generations %s; nft monitor saw %d transactions%n%s",
                APPLIES, Duration.ofNanos(Arrays.stream(applyNanos).sum()).toMillis(), sorted[APPLIES / 2] / 1e6,
                sorted[APPLIES - 1] / 1e6, badGenerations.isEmpty() ? "each +1" : badGenerations, committed, seen.render());

        assertThat(badGenerations).as("every apply updates the table in place in exactly one generation").isEmpty();
        assertThat(committed).as("transactions the kernel reported during the loop").isEqualTo(APPLIES);
        assertThat(withoutCounterValues(NftRuleset.text(lab.host()))).as("the loop leaves what the CLI installed")
                .isEqualTo(fromCli);

        for (ConnectLoop.Result probe : seen.probes()) {
            assertThat(probe.successes()).as("%s connected at some moment (attempts %s)", probe.label(), probe.successes())
                    .isEmpty();
            assertThat(probe.attemptsBetween(seen.start(), seen.end())).as("%s attempts during the reloads", probe.label())
                    .isGreaterThanOrEqualTo(MIN_ATTEMPTS_IN_WINDOW);
            assertThat(probe.firstAttempt()).as("%s started before the reloads", probe.label()).isLessThan(seen.start());
            assertThat(probe.lastAttempt()).as("%s went on after the reloads", probe.label()).isGreaterThan(seen.end());
        }
        assertThat(seen.totalArrivals()).as("packets from the containers that reached the LAN host:\n%s",
                seen.arrivalsListing()).isZero();

        LongLivedConnection.Result carried = seen.carried();
        assertThat(carried.peer()).as("the public host sees the masqueraded uplink").isEqualTo(HOST_UPLINK);
        assertThat(carried.serverError()).as("the server side of the long-lived connection").isEmpty();
        assertThat(carried.echoed()).as("every line made the round trip (nc: %s)", carried.clientStderr())
                .isEqualTo(carried.sent());
        long expected = seen.windowMillis() / LongLivedConnection.INTERVAL_MS;
        assertThat(carried.echoedBetween(seen.start(), seen.end())).as("echoes during the reloads")
                .isGreaterThanOrEqualTo(expected / 2);
        assertThat(carried.echoedBetween(seen.end(), Long.MAX_VALUE)).as("echoes after the reloads").isGreaterThanOrEqualTo(5);
        assertThat(carried.maxRttMillis()).as("longest round trip: no retransmission stall").isLessThan(MAX_RTT_MS);
        assertThat(seen.conntrackBefore()).as("conntrack entry of the long-lived connection")
                .contains("ESTABLISHED").contains("dst=" + HOST_UPLINK);
        assertThat(seen.conntrackAfter()).as("the same conntrack entry and NAT binding after the reloads")
                .isEqualTo(seen.conntrackBefore());
    }

    private void applyRepeatedly(long[] nanos, List<String> badGenerations) {
        try (io.bridgewall.kernel.Firewall firewall = io.bridgewall.kernel.Firewall.open(Optional.of(lab.host().name()))) {
            for (int i = 0; i < nanos.length; i++) {
                long started = System.nanoTime();
                // Ends on the CLI's policy: the last index is odd.
                io.bridgewall.kernel.Firewall.ApplyReport report = firewall.apply(i % 2 == 0 ? alternate : ruleSet);
                nanos[i] = System.nanoTime() - started;
                if (report.generationAfter() != report.generationBefore() + 1
                        || report.transaction().kind() != io.bridgewall.kernel.Applier.Kind.UPDATED) {
                    badGenerations.add("apply " + i + ": " + report.transaction().kind() + " "
                            + report.generationBefore() + " -> " + report.generationAfter());
                }
            }
        }
    }

    private static String withoutCounterValues(String listing) {
        return listing.replaceAll("counter packets \\d+ bytes \\d+", "counter");
    }
}
