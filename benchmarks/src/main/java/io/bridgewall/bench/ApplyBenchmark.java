package io.bridgewall.bench;

import io.bridgewall.kernel.Firewall;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The engine loaded and warm: how long committing a planned ruleset takes, and how long
 * planning alone takes, for N networks. Needs root: {@link #apply} works in a network
 * namespace made for the trial ({@code ip netns add}) and deleted afterwards, never in the
 * machine's own. Run through bench/run.sh, or {@code java -jar benchmarks/target/benchmarks.jar}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ApplyBenchmark {
    @Param({"1", "100", "1000", "10000"})
    public int networks;

    private Policy policy;
    private RuleSet ruleSet;
    private TrialNamespace namespace;
    private Firewall firewall;

    /** Network i: bridge bw<i> with a /24 not adjacent to its neighbours, so sets keep N ranges. */
    static Policy policy(int networks) {
        List<Bridge> bridges = new ArrayList<>(networks);
        for (int i = 0; i < networks; i++) {
            bridges.add(Bridge.of("bw" + i, "10." + (i / 128) + "." + ((i % 128) * 2) + ".0/24"));
        }
        return Policy.withDefaults(bridges);
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        policy = policy(networks);
        ruleSet = Planner.plan(policy);
        namespace = TrialNamespace.create("apply", networks);
        try {
            firewall = Firewall.open(Optional.of(namespace.name()));
        } catch (RuntimeException e) {
            namespace.delete();
            throw e;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        try {
            if (firewall != null) {
                firewall.close();
            }
        } finally {
            namespace.delete();
        }
    }

    /** Each {@link #apply} starts from a namespace without our table, like nft -f into a fresh one. */
    @Setup(Level.Invocation)
    public void removeTable() {
        firewall.remove(ruleSet.table(), ruleSet.family());
    }

    /**
     * Installs the table into the namespace: generation read, read-back of the (missing) table,
     * one atomic transaction, generation read.
     */
    @Benchmark
    public Firewall.ApplyReport apply() {
        return firewall.apply(ruleSet);
    }

    /** Policy to nftables objects, pure: no I/O. */
    @Benchmark
    public RuleSet plan() {
        return Planner.plan(policy);
    }
}
