package io.bridgewall.cli.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The probes the demo runs, what bridgewall's policy expects of each, and the printed table. */
final class DemoMatrix {
    /** @param expectPeer when reachable, the address the far end must see (masquerade), if it matters */
    record Probe(String label, String from, String address, int port, boolean expectReach, Optional<String> expectPeer) {
        boolean satisfiedBy(TcpProbe.Outcome outcome) {
            if (outcome.reached() != expectReach) {
                return false;
            }
            return expectPeer.isEmpty() || outcome.peerSeen().equals(expectPeer);
        }

        String expectation() {
            return expectReach ? "reach" + expectPeer.map(p -> ", seen as " + p).orElse("") : "blocked";
        }
    }

    private final List<Probe> probes = new ArrayList<>();

    DemoMatrix(DemoLab lab) {
        Optional<String> masqueraded = Optional.of(DemoLab.UPLINK);
        probes.add(new Probe("container -> public host", lab.c1, DemoLab.PUBLIC, DemoLab.SERVICE_PORT, true, masqueraded));
        probes.add(new Probe("container -> LAN host", lab.c1, DemoLab.LAN, DemoLab.SERVICE_PORT, false, Optional.empty()));
        probes.add(new Probe("container -> LAN database (--allow)", lab.c1, DemoLab.LAN, DemoLab.LAN_DATABASE_PORT, true,
                Optional.empty()));
        probes.add(new Probe("container -> cloud metadata", lab.c1, DemoLab.METADATA, DemoLab.SERVICE_PORT, false,
                Optional.empty()));
        probes.add(new Probe("container -> other container", lab.c1, DemoLab.C2, DemoLab.SERVICE_PORT, false,
                Optional.empty()));
        // The compose network: its containers talk (Docker's enable_icc default), other networks stay out of reach.
        probes.add(new Probe("compose web -> db (same network)", lab.web, DemoLab.DB, DemoLab.DB_PORT, true,
                Optional.of(DemoLab.WEB)));
        probes.add(new Probe("compose web -> docker0 container", lab.web, DemoLab.C2, DemoLab.SERVICE_PORT, false,
                Optional.empty()));
        probes.add(new Probe("container -> host port 8080", lab.c1, DemoLab.GATEWAY, DemoLab.OTHER_HOST_PORT, false,
                Optional.empty()));
        probes.add(new Probe("LAN -> host ssh (22)", lab.lan, DemoLab.HOST_ON_LAN, DemoLab.SSH_PORT, true, Optional.empty()));
        probes.add(new Probe("LAN -> host port 8080", lab.lan, DemoLab.HOST_ON_LAN, DemoLab.OTHER_HOST_PORT, false,
                Optional.empty()));
        probes.add(new Probe("host -> LAN host", lab.host, DemoLab.LAN, DemoLab.SERVICE_PORT, true, Optional.empty()));
        probes.add(new Probe("container -> public host v6", lab.c1, DemoLab.PUBLIC6, DemoLab.SERVICE_PORT, true,
                Optional.of(DemoLab.UPLINK6)));
        probes.add(new Probe("container -> LAN host v6", lab.c1, DemoLab.LAN6, DemoLab.SERVICE_PORT, false, Optional.empty()));
        probes.add(new Probe("container -> other container v6", lab.c1, DemoLab.C2_V6, DemoLab.SERVICE_PORT, false,
                Optional.empty()));
    }

    List<TcpProbe.Outcome> run() {
        // All at once, a thread each: a blocked probe only waits out its timeout (a parallel stream
        // ran two at a time on a 2-core machine, so each blocked pair cost a whole timeout).
        ExecutorService pool = Executors.newFixedThreadPool(probes.size());
        try {
            List<Future<TcpProbe.Outcome>> pending = probes.stream()
                    .map(p -> pool.submit(() -> TcpProbe.connect(p.from(), p.address(), p.port()))).toList();
            return pending.stream().map(DemoMatrix::outcome).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    private static TcpProbe.Outcome outcome(Future<TcpProbe.Outcome> pending) {
        try {
            return pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing the lab", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Prints the table and returns how many probes broke the policy after the apply. */
    int print(PrintWriter out, List<TcpProbe.Outcome> before, List<TcpProbe.Outcome> after) {
        String format = "%-56s %-34s %-34s %s%n";
        out.printf(format, "probe", "policy expects", "before (no firewall)", "after (bridgewall)");
        int failures = 0;
        for (int i = 0; i < probes.size(); i++) {
            Probe probe = probes.get(i);
            boolean ok = probe.satisfiedBy(after.get(i));
            failures += ok ? 0 : 1;
            String target = probe.address().contains(":") ? "[" + probe.address() + "]" : probe.address();
            out.printf(format, probe.label() + " " + target + ":" + probe.port(), probe.expectation(),
                    before.get(i).describe(), (ok ? "" : "! ") + after.get(i).describe());
        }
        return failures;
    }
}
