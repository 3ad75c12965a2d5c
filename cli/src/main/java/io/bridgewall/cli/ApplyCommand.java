package io.bridgewall.cli;

import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.BridgeNetfilter;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.Verification;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Commit the policy to the kernel in one atomic transaction, replacing table inet bridgewall "
                + "and nothing else; then read it back and check it.")
final class ApplyCommand implements Callable<Integer> {
    /** What differed before an apply repaired the table: the first few lines, the rest counted. */
    private static final int SHOWN_DIFFERENCES = 5;

    @Mixin
    PolicyOptions policyOptions;

    @Mixin
    TargetOptions target;

    @Option(names = "--no-verify", description = "Skip reading the table back after the commit.")
    boolean noVerify;

    @Option(names = "--enable-br-netfilter",
            description = "Turn on net.bridge.bridge-nf-call-ip(6)tables in the target namespace, so traffic between "
                    + "containers on the same bridge passes the forward chain and is dropped.")
    boolean enableBridgeNetfilter;

    // Safe rollout (issue 11): commit-confirmed rollback and the SSH lockout guard.
    @Option(names = "--confirm", paramLabel = "SECONDS",
            description = "Bring the previous table back after SECONDS unless 'bridgewall confirm' runs in time "
                    + "(survives the end of this process, the terminal and the SSH session).")
    Integer confirmSeconds;

    @Option(names = "--force", description = "Apply even when the policy would lock out the SSH session this runs in.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // Everything the user typed is validated before the kernel is touched.
        Timing.mark("picocli: options parsed");
        if (confirmSeconds != null) {
            ConfirmWindow.checkSeconds(confirmSeconds);
        }
        Policy policy = policyOptions.policy(target.netns());
        LockoutGuard.check(policy.hostInput(), force, policyOptions::warn);
        RuleSet planned = Planner.plan(policy);
        Timing.mark("policy and plan");
        PrintWriter out = spec.commandLine().getOut();
        if (policy.dockerFirewall().present()) {
            out.println(policy.dockerFirewall().describe()
                    + (policy.hostInput().managed() ? "" : "; host input left alone (give --allow-port to manage it)"));
        }
        try (Firewall firewall = Firewall.open(target.netns())) {
            Timing.mark("native libraries, socket");
            Firewall.ApplyReport report;
            String howToConfirm = null;
            if (confirmSeconds == null) {
                ConfirmWindow.warnIfPending(target.netns(), spec.commandLine().getErr());
                report = firewall.apply(planned);
            } else {
                try (ConfirmWindow window = ConfirmWindow.open(firewall, planned, confirmSeconds, target.netns(),
                        spec.commandLine().getErr())) {
                    report = firewall.apply(planned);
                    howToConfirm = window.committed();
                }
            }
            Timing.mark("apply (one transaction)");
            Applier.Transaction transaction = report.transaction();
            String table = "table " + planned.family().nftName() + " " + planned.table();
            String shape = planned.chains().size() + " chains, " + planned.ruleCount() + " rules, "
                    + planned.sets().stream().mapToInt(s -> s.elements().size()).sum() + " set elements";
            switch (transaction.kind()) {
                case UNCHANGED -> out.printf("unchanged: the kernel already holds the planned %s (%s), generation %d%n",
                        table, shape, report.generationAfter());
                case INSTALLED, REPLACED, UPDATED -> out.printf("%s %s (%s) in one transaction of %d messages, %d bytes: generation %d -> %d%n",
                        transaction.kind().name().toLowerCase(java.util.Locale.ROOT), table, shape, transaction.messages(),
                        transaction.bytes(), report.generationBefore(), report.generationAfter());
            }
            if (transaction.kind() == Applier.Kind.REPLACED || transaction.kind() == Applier.Kind.UPDATED) {
                // Say what was wrong: a repaired table is news (someone or something changed it).
                transaction.differences().stream().limit(SHOWN_DIFFERENCES)
                        .forEach(difference -> out.println("  was: " + difference));
                if (transaction.differences().size() > SHOWN_DIFFERENCES) {
                    out.println("  ... and " + (transaction.differences().size() - SHOWN_DIFFERENCES) + " more");
                }
            }
            if (howToConfirm != null) {
                out.println(howToConfirm);
            }
            if (!noVerify) {
                Verification verification = firewall.verify(planned, report);
                Timing.mark("read-back and compare");
                if (!verification.verified()) {
                    spec.commandLine().getErr().println("bridgewall: " + verification.summary());
                    out.flush();
                    return ErrorReporter.RUNTIME_FAILURE;
                }
                out.println(verification.summary());
            }
        }
        // Contained bridges need it as much as known ones: without it, same-bridge traffic is not filtered.
        if (!policy.bridges().isEmpty() || !policy.containment().isOff()) {
            BridgeNetfilter.State state = enableBridgeNetfilter ? BridgeNetfilter.enable(target.netns())
                    : BridgeNetfilter.state(target.netns());
            if (state != BridgeNetfilter.State.ENABLED) {
                spec.commandLine().getErr().println("bridgewall: warning: " + BridgeNetfilter.advice(state, target.netns()));
            }
        }
        Timing.mark("br_netfilter check");
        out.flush();
        return 0;
    }
}
