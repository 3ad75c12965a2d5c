package io.bridgewall.bench;

import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.plan.Planner;
import io.bridgewall.ruleset.RuleSet;
import java.io.IOException;
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
 * Applying a plan the kernel already holds (what a periodic or event-driven re-apply mostly
 * does): generation read, read-back, diff, nothing sent. Needs root; works in a namespace of
 * its own like {@link ApplyBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReapplyBenchmark {
    @Param({"1", "100", "1000", "10000"})
    public int networks;

    private RuleSet ruleSet;
    private TrialNamespace namespace;
    private Firewall firewall;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        ruleSet = Planner.plan(ApplyBenchmark.policy(networks));
        namespace = TrialNamespace.create("re", networks);
        firewall = Firewall.open(Optional.of(namespace.name()));
        firewall.apply(ruleSet);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        try {
            firewall.close();
        } finally {
            namespace.delete();
        }
    }

    @Benchmark
    public Firewall.ApplyReport applyUnchanged() {
        Firewall.ApplyReport report = firewall.apply(ruleSet);
        if (report.transaction().kind() != Applier.Kind.UNCHANGED) {
            throw new IllegalStateException("expected nothing to change, got " + report.transaction().kind());
        }
        return report;
    }
}
