package io.bridgewall.it;

import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Root;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.RulesetMonitor;
import io.bridgewall.kernel.RulesetMonitor.Commit;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a test: what listening to NFNLGRP_NFTABLES costs an apply (the kernel
 * builds a notification per object only when someone listens), whether the default receive
 * queue holds a whole first install, and how soon the monitor has the commit after apply
 * returned. Excluded from `mvn verify`; bench/run.sh runs it.
 */
@Tag("measurement")
class RulesetMonitorMeasurement {
    private static final int RUNS = 5;

    @Test
    void costOfListeningAndDeliveryOfOurOwnCommits() {
        Root.require();
        StringBuilder report = new StringBuilder("measurement: RulesetMonitor, median of " + RUNS + " (ms)\n");
        for (int networks : List.of(1, 1_000, 10_000)) {
            List<Long> firstWithout = new ArrayList<>();
            List<Long> firstWith = new ArrayList<>();
            List<Long> oneMoreWith = new ArrayList<>();
            List<Long> delivery = new ArrayList<>();
            List<Long> oneMoreDelivery = new ArrayList<>();
            List<String> outcomes = new ArrayList<>();
            RuleSet planned = plan(networks, 0);
            RuleSet oneMore = plan(networks, 1);
            for (int run = 0; run < RUNS; run++) {
                try (Netns netns = Netns.create("monmeasure"); Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
                    long start = System.nanoTime();
                    firewall.apply(planned);
                    firstWithout.add(millis(start));
                    firewall.remove("bridgewall", Family.INET);
                    try (RulesetMonitor monitor = RulesetMonitor.open(Optional.of(netns.name()), "bridgewall", Family.INET)) {
                        monitor.next(Duration.ofSeconds(5)); // the remove
                        start = System.nanoTime();
                        Firewall.ApplyReport report1 = firewall.apply(planned);
                        firstWith.add(millis(start));
                        long applied = System.nanoTime();
                        Commit commit = monitor.next(Duration.ofSeconds(10)).orElseThrow();
                        delivery.add(millis(applied));
                        outcomes.add(commit.notificationsLost() ? "LOST" : commit.generation() == report1.generationAfter() ? "ok" : "other");
                        start = System.nanoTime();
                        firewall.apply(oneMore);
                        oneMoreWith.add(millis(start));
                        applied = System.nanoTime();
                        monitor.next(Duration.ofSeconds(10)).orElseThrow();
                        oneMoreDelivery.add(millis(applied));
                    }
                }
            }
            report.append(String.format("%6d networks: first install %d without a listener, %d with; commit in hand %d after apply "
                            + "returned (%s); one network added in place %d, its commit %d after%n", networks, median(firstWithout),
                    median(firstWith), median(delivery), String.join(",", outcomes), median(oneMoreWith), median(oneMoreDelivery)));
        }
        System.out.print(report);
    }

    private static RuleSet plan(int networks, int extra) {
        List<Bridge> bridges = new ArrayList<>();
        for (int i = 0; i < networks + extra; i++) {
            bridges.add(Bridge.of("bw" + i, "10." + (i / 128) + "." + ((i % 128) * 2) + ".0/24"));
        }
        return Planner.plan(Policy.withDefaults(bridges));
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
