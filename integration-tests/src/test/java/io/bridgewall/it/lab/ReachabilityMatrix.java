package io.bridgewall.it.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.bridgewall.it.lab.LabAddresses.HOST_LAN;
import static io.bridgewall.it.lab.LabAddresses.HOST_UPLINK;
import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.LAN_10;
import static io.bridgewall.it.lab.LabAddresses.LAN_172;
import static io.bridgewall.it.lab.LabAddresses.METADATA;
import static io.bridgewall.it.lab.LabAddresses.OTHER_PORT;
import static io.bridgewall.it.lab.LabAddresses.PUB;
import static io.bridgewall.it.lab.LabAddresses.PUB_OTHER;
import static io.bridgewall.it.lab.LabAddresses.SSH_PORT;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;

/**
 * The fixed list of probes that states bridgewall's policy in packets, run against whatever
 * firewall the lab's host has loaded. Several columns (one per firewall) can be recorded and
 * printed side by side; cells that break the policy are marked with '!'.
 */
public final class ReachabilityMatrix {
    /** Blocked probes wait for their timeout, so all run at once (bounded: the list is fixed). */
    private static final int PARALLEL = 32;

    private final List<ProbeSpec> specs;
    private final Map<String, Map<String, ProbeResult>> columns = new LinkedHashMap<>();

    private ReachabilityMatrix(List<ProbeSpec> specs) {
        this.specs = List.copyOf(specs);
    }

    /** Bridgewall's intended policy over the lab's topology. */
    public static ReachabilityMatrix bridgewallPolicy(Lab lab) {
        List<ProbeSpec> s = new ArrayList<>();
        for (String c : List.of("bridge-a", "user-a")) {
            ProbeSource from = lab.fromContainer(c);
            s.add(ProbeSpec.reachAs(c + " -> pub " + PUB, from, PUB, WHO_PORT, HOST_UPLINK));
            s.add(ProbeSpec.reachAs(c + " -> pub " + PUB_OTHER, from, PUB_OTHER, WHO_PORT, HOST_UPLINK));
            for (String lanHost : List.of(LAN, LAN_10, LAN_172, METADATA)) {
                s.add(ProbeSpec.blocked(c + " -> lan " + lanHost, from, lanHost, WHO_PORT));
            }
        }
        s.add(containerToContainer(lab, "bridge-a", "bridge-b", "same bridge"));
        // Docker's semantics (issue 10): containers of one user-defined network talk, unmasqueraded.
        s.add(ProbeSpec.reachAs("user-a -> user-b (same bridge)", lab.fromContainer("user-a"),
                lab.container("user-b").ip(), WHO_PORT, lab.container("user-a").ip()));
        s.add(containerToContainer(lab, "bridge-a", "user-a", "across bridges"));
        s.add(containerToContainer(lab, "user-a", "bridge-a", "across bridges"));
        ProbeSource internal = lab.fromContainer("internal-a");
        s.add(ProbeSpec.blocked("internal-a -> pub " + PUB, internal, PUB, WHO_PORT));
        s.add(ProbeSpec.blocked("internal-a -> lan " + LAN, internal, LAN, WHO_PORT));
        s.add(ProbeSpec.blocked("internal-a -> lan " + METADATA, internal, METADATA, WHO_PORT));
        s.add(containerToContainer(lab, "internal-a", "bridge-a", "across bridges"));
        s.add(containerToContainer(lab, "bridge-a", "internal-a", "into internal"));
        s.add(ProbeSpec.reach("lan -> host:" + SSH_PORT, lab.fromLan(), HOST_LAN, SSH_PORT));
        s.add(ProbeSpec.blocked("lan -> host:" + OTHER_PORT, lab.fromLan(), HOST_LAN, OTHER_PORT));
        s.add(ProbeSpec.reachAs("host -> lan " + LAN, lab.fromHost(), LAN, WHO_PORT, HOST_LAN));
        s.add(ProbeSpec.reachAs("host -> pub " + PUB, lab.fromHost(), PUB, WHO_PORT, HOST_UPLINK));
        return new ReachabilityMatrix(s);
    }

    private static ProbeSpec containerToContainer(Lab lab, String from, String to, String how) {
        return ProbeSpec.blocked(from + " -> " + to + " (" + how + ")", lab.fromContainer(from),
                lab.container(to).ip(), WHO_PORT);
    }

    public List<ProbeSpec> specs() {
        return specs;
    }

    /** Runs every probe against the lab as it is now and stores the results as {@code column}. */
    public Map<String, ProbeResult> record(String column, Lab lab) {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            Map<String, Future<ProbeResult>> pending = new LinkedHashMap<>();
            for (ProbeSpec spec : specs) {
                pending.put(spec.name(), pool.submit(() -> lab.probe(spec.from(), spec.address(), spec.port())));
            }
            Map<String, ProbeResult> results = new LinkedHashMap<>();
            for (var entry : pending.entrySet()) {
                results.put(entry.getKey(), entry.getValue().get());
            }
            columns.put(column, results);
            return results;
        } catch (Exception e) {
            throw new IllegalStateException("probing for column " + column + " failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    public ProbeResult result(String column, String probe) {
        ProbeResult result = columns.getOrDefault(column, Map.of()).get(probe);
        if (result == null) {
            throw new IllegalArgumentException("no result for " + probe + " in column " + column);
        }
        return result;
    }

    /** Probe names whose result in {@code column} breaks bridgewall's policy. */
    public List<String> violations(String column) {
        return specs.stream().filter(spec -> !spec.holds(result(column, spec.name()))).map(ProbeSpec::name).toList();
    }

    public String render() {
        return MatrixTable.render(specs, columns);
    }
}
