package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.HOST_LAN;
import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.LAN_10;
import static io.bridgewall.it.lab.LabAddresses.OTHER_PORT;
import static io.bridgewall.it.lab.LabAddresses.PUB;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;

import io.bridgewall.it.support.Shell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Live traffic around a run of reloads, in a lab: a container keeps an established,
 * masqueraded TCP connection to the public host busy, containers on the default bridge and on
 * a user-defined network knock on the LAN, and the LAN knocks on a host port the policy
 * closes; packets arriving on the LAN host are counted. Shared by the atomicity test and the
 * seed's measurement, so both see the very same traffic.
 */
final class TrafficWindow {
    /** Traffic before and after the reload loop, so the probes provably span it. */
    static final long MARGIN_MS = 700;

    private TrafficWindow() {
    }

    /** What the traffic saw around one reload loop; times are System.nanoTime(). */
    record Observed(long start, long end, LongLivedConnection.Result carried, List<ConnectLoop.Result> probes,
                    long[] lanArrivals, String arrivalsListing, String conntrackBefore, String conntrackAfter) {
        /** Packets that arrived on the LAN host: before, during and after the reloads. */
        long totalArrivals() {
            return Arrays.stream(lanArrivals).sum();
        }

        long windowMillis() {
            return Duration.ofNanos(end - start).toMillis();
        }

        String render() {
            StringBuilder out = new StringBuilder();
            out.append(String.format("  reload window %d ms (traffic from %d ms before to %d ms after)%n",
                    windowMillis(), MARGIN_MS, MARGIN_MS));
            for (ConnectLoop.Result probe : probes) {
                out.append(String.format("  %-30s attempts %4d (%4d during reloads), successes %d (%d during reloads)%n",
                        probe.label(), probe.attempts().size(), probe.attemptsBetween(start, end),
                        probe.successes().size(), probe.successesBetween(start, end)));
            }
            out.append(String.format("  packets to :%d arriving on the LAN host: %d (before/during/after the reloads: %s)%n",
                    WHO_PORT, totalArrivals(), Arrays.toString(lanArrivals)));
            out.append(String.format("  long-lived bridge-a -> %s:%d seen as %s: %d lines sent, %d echoed "
                            + "(%d during reloads, %d after), max round trip %d ms, server side: %s, nc exit %d%n",
                    PUB, LongLivedConnection.PORT, carried.peer(), carried.sent(), carried.echoed(),
                    carried.echoedBetween(start, end), carried.echoedBetween(end, Long.MAX_VALUE), carried.maxRttMillis(),
                    carried.serverError().orElse("no error"), carried.clientExit()));
            arrivalsListing.lines().filter(l -> l.contains("counter") || l.contains(" . ")).map(String::strip)
                    .forEach(l -> out.append("    lan arrivals: ").append(l).append('\n'));
            out.append("  conntrack before: ").append(conntrackBefore).append('\n');
            out.append("  conntrack after:  ").append(conntrackAfter).append('\n');
            return out.toString();
        }
    }

    /** The probes alone, for about a second: the control run. */
    static List<ConnectLoop.Result> probeBriefly(Lab lab) {
        List<ConnectLoop> loops = startProbes(lab);
        try {
            loops.forEach(loop -> loop.awaitAttempts(25));
            return loops.stream().map(ConnectLoop::stop).toList();
        } finally {
            loops.forEach(ConnectLoop::close);
        }
    }

    /**
     * Runs {@code reloads} while the long-lived connection carries data and the probes knock on
     * the LAN, with traffic for a margin before and after, and returns what the traffic saw.
     */
    static Observed around(Lab lab, ArrivalCounter lanArrivals, Runnable reloads) {
        lanArrivals.forgetSources();
        long[] arrivals = new long[4];
        arrivals[0] = lanArrivals.packets();
        List<ConnectLoop> loops = new ArrayList<>();
        try (LongLivedConnection connection = LongLivedConnection.open(lab, "bridge-a", PUB)) {
            loops.addAll(startProbes(lab));
            connection.awaitEchoes(5);
            loops.forEach(loop -> loop.awaitAttempts(5));
            String conntrackBefore = conntrack(lab);
            Shell.sleep(MARGIN_MS);
            arrivals[1] = lanArrivals.packets();
            long start = System.nanoTime();
            reloads.run();
            long end = System.nanoTime();
            arrivals[2] = lanArrivals.packets();
            Shell.sleep(MARGIN_MS);
            String conntrackAfter = conntrack(lab);
            List<ConnectLoop.Result> probes = loops.stream().map(ConnectLoop::stop).toList();
            LongLivedConnection.Result carried = connection.stop();
            arrivals[3] = lanArrivals.packets();
            long[] phases = {arrivals[1] - arrivals[0], arrivals[2] - arrivals[1], arrivals[3] - arrivals[2]};
            return new Observed(start, end, carried, probes, phases, lanArrivals.listing(), conntrackBefore, conntrackAfter);
        } finally {
            loops.forEach(ConnectLoop::close);
        }
    }

    /** Started one by one; on a failure the started ones stop. */
    private static List<ConnectLoop> startProbes(Lab lab) {
        List<ConnectLoop> loops = new ArrayList<>();
        try {
            loops.add(ConnectLoop.fromContainer(lab, "bridge-b", LAN, WHO_PORT));
            loops.add(ConnectLoop.fromContainer(lab, "user-a", LAN_10, WHO_PORT));
            loops.add(ConnectLoop.fromNamespace("lan", lab.lan(), HOST_LAN, OTHER_PORT));
            return loops;
        } catch (RuntimeException | Error e) {
            loops.forEach(ConnectLoop::close);
            throw e;
        }
    }

    /** The host's conntrack entries for the long-lived connection, without the ticking timeout. */
    private static String conntrack(Lab lab) {
        String table = lab.host().exec("cat", "/proc/net/nf_conntrack").orThrow().stdout();
        return table.lines().filter(l -> l.contains("dport=" + LongLivedConnection.PORT + " "))
                .map(l -> l.replaceFirst("^(\\S+\\s+\\S+\\s+\\S+\\s+\\S+)\\s+\\d+", "$1"))
                .collect(Collectors.joining(" | "));
    }
}
