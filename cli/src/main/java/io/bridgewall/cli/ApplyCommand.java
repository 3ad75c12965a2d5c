package io.bridgewall.cli;

import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.BridgeNetfilter;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.Verification;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.InvalidInputException;
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
        description = {"Commit the policy to the kernel in one atomic transaction, replacing table inet bridgewall "
                + "and nothing else; then prove it from the ruleset generations, or read it back and check it (--verify).",
            "Without Docker (--no-docker: only the --bridge networks) or without touching the host's own input "
                + "(--no-input: hosts with their own firewall; the default when Docker's own firewall is on).",
            "Settings come from /etc/bridgewall/bridgewall.yaml when it exists (--config, --no-config)."},
        footerHeading = "%nExamples:%n",
        footer = {"  # Show the kernel the whole transaction, commit nothing:",
            "  sudo bridgewall apply --check",
            "  # Roll back after 60 s unless 'sudo bridgewall confirm' runs first:",
            "  sudo bridgewall apply --confirm 60",
            "  # SSH from the admin network only; backend's containers reach one database:",
            "  sudo bridgewall apply --allow-port 22/tcp@10.1.0.0/16 \\",
            "      --allow backend=10.0.0.5:5432/tcp",
            "  # Next to Docker's own firewall (CI runners), host input left alone:",
            "  sudo bridgewall apply --docker-firewall auto"})
final class ApplyCommand implements Callable<Integer> {
    /** What differed before an apply repaired the table: the first few lines, the rest counted. */
    private static final int SHOWN_DIFFERENCES = 5;

    @Mixin
    PolicyOptions policyOptions;

    @Mixin
    TargetOptions target;

    @Mixin
    OutputOptions output;

    @Option(names = "--verify",
            description = "Read the table back after the commit and check that the kernel holds exactly the plan. "
                    + "Without it the read-back is skipped when the generations prove the commit (our batch on the "
                    + "table we read, nobody else in between), and runs when they do not.")
    boolean verify;

    @Option(names = "--no-verify", description = "Deprecated, has no effect: skipping the read-back is the default now.")
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

    // --check and --allow-no-br-netfilter (issue 11: safe rollout)
    @Option(names = "--check",
            description = "Show the whole transaction to the kernel and discard it, as 'nft -c' does: exit 0 when the "
                    + "kernel would take it, 1 with the kernel's error naming the object when not. Nothing changes, "
                    + "not even the ruleset generation.")
    boolean check;

    @Option(names = "--allow-no-br-netfilter",
            description = "Apply even when br_netfilter is off while the policy isolates containers on one bridge "
                    + "(they then reach each other); without it apply refuses with exit 1 and changes nothing.")
    boolean allowNoBridgeNetfilter;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        policyOptions.needsTheKernel = true;
        // Everything the user typed is validated before the kernel is touched.
        Timing.mark("picocli: options parsed");
        if (verify && noVerify) {
            throw new InvalidInputException("--verify and --no-verify contradict each other; drop one of them");
        }
        if (confirmSeconds != null) {
            ConfirmWindow.checkSeconds(confirmSeconds);
            if (check) {
                throw new InvalidInputException("--confirm has no effect with --check (nothing is committed); drop one of them");
            }
        }
        Policy policy = policyOptions.policy(target.netns());
        LockoutGuard.check(policy.hostInput(), force, policyOptions::warn);
        RuleSet planned = Planner.plan(policy);
        Timing.mark("plan");
        PrintWriter out = spec.commandLine().getOut();
        if (policy.dockerFirewall().present()) {
            out.println(policy.dockerFirewall().describe()
                    + (policy.hostInput().managed() ? "" : "; host input left alone (give --allow-port to manage it)"));
        }
        PrintWriter err = spec.commandLine().getErr();
        try (Firewall firewall = Firewall.open(target.netns())) {
            Timing.mark("native libraries, socket");
            // Refused before anything is sent, so the kernel keeps exactly what it had.
            BridgeNetfilter.State bridgeNetfilter = BridgeNetfilter.reliedOnBy(policy)
                    ? BridgeNetfilter.state(target.netns()) : BridgeNetfilter.State.ENABLED;
            boolean flagWillEnable = enableBridgeNetfilter && bridgeNetfilter == BridgeNetfilter.State.DISABLED;
            if (bridgeNetfilter != BridgeNetfilter.State.ENABLED && !allowNoBridgeNetfilter && !flagWillEnable) {
                err.println("bridgewall: " + BridgeNetfilter.refusal(bridgeNetfilter, policy, target.netns()));
                return ErrorReporter.RUNTIME_FAILURE;
            }
            if (check) {
                return check(firewall, planned, bridgeNetfilter, out, err);
            }
            Firewall.ApplyReport report;
            String howToConfirm = null;
            if (confirmSeconds == null) {
                ConfirmWindow.warnIfPending(target.netns(), err);
                report = firewall.apply(planned);
            } else {
                try (ConfirmWindow window = ConfirmWindow.open(firewall, planned, confirmSeconds, target.netns(), err)) {
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
            // The generations prove a quiet commit; anything else (or --verify) reads the table back.
            Verification verification = verify ? firewall.verify(planned, report) : firewall.proveOrVerify(planned, report);
            Timing.mark(verification.outcome() == Verification.Outcome.COMMITTED ? "generation proof" : "read-back and compare");
            if (!verification.inForce()) {
                spec.commandLine().getErr().println("bridgewall: " + verification.summary());
                out.flush();
                return ErrorReporter.RUNTIME_FAILURE;
            }
            out.println(verification.summary());
        }
        // Turned on only after the commit: bridged frames then meet the policy that expects them,
        // never the previous forward ruleset, and a refused commit leaves the sysctls as they were.
        if (BridgeNetfilter.reliedOnBy(policy)) {
            BridgeNetfilter.State state;
            try {
                state = BridgeNetfilter.state(target.netns());
                // Written only when off: a read-only /proc/sys with the sysctls already on is no failure.
                if (enableBridgeNetfilter && state != BridgeNetfilter.State.ENABLED) {
                    state = BridgeNetfilter.enable(target.netns());
                }
            } catch (RuntimeException e) {
                err.println("bridgewall: " + TerminalText.escape(BridgeNetfilter.enableFailed(ErrorReporter.describe(e),
                        target.netns())));
                out.flush();
                return ErrorReporter.RUNTIME_FAILURE;
            }
            if (state != BridgeNetfilter.State.ENABLED) {
                if (enableBridgeNetfilter) {
                    err.println("bridgewall: " + BridgeNetfilter.enableFailed("still off after writing the sysctls",
                            target.netns()));
                    out.flush();
                    return ErrorReporter.RUNTIME_FAILURE;
                }
                // Only with --allow-no-br-netfilter: the user chose to go without.
                err.println("bridgewall: warning: " + BridgeNetfilter.advice(state, target.netns()));
            }
        }
        Timing.mark("br_netfilter check");
        out.flush();
        return 0;
    }

    /** apply --check: the kernel sees the transaction and discards it; nothing is committed. */
    private int check(Firewall firewall, RuleSet planned, BridgeNetfilter.State bridgeNetfilter, PrintWriter out,
                      PrintWriter err) {
        String table = "table " + planned.family().nftName() + " " + planned.table();
        Applier.Validation validation = firewall.validate(planned);
        if (!validation.accepted()) {
            err.println("bridgewall: check failed, the kernel would refuse this apply: "
                    + TerminalText.escape(validation.refusal().get().getMessage()) + " (nothing was committed)");
            return ErrorReporter.RUNTIME_FAILURE;
        }
        Applier.Transaction wouldBe = validation.transaction();
        Timing.mark("check (validated, not committed)");
        if (wouldBe.kind() == Applier.Kind.UNCHANGED) {
            out.printf("check: the kernel already holds the planned %s; apply would send nothing (generation %d)%n",
                    table, wouldBe.generationBefore());
        } else {
            out.printf("check: the kernel would take it: apply would %s %s in one transaction of %d messages, %d bytes "
                            + "(validated and discarded at generation %d; nothing was committed)%n",
                    verb(wouldBe.kind()), table, wouldBe.messages(), wouldBe.bytes(), wouldBe.generationBefore());
            wouldBe.differences().stream().limit(SHOWN_DIFFERENCES).forEach(difference -> out.println("  differs: " + difference));
            if (wouldBe.differences().size() > SHOWN_DIFFERENCES) {
                out.println("  ... and " + (wouldBe.differences().size() - SHOWN_DIFFERENCES) + " more");
            }
        }
        if (bridgeNetfilter == BridgeNetfilter.State.DISABLED && enableBridgeNetfilter) {
            out.println("check: apply would also turn on net.bridge.bridge-nf-call-ip(6)tables (--enable-br-netfilter)");
        } else if (bridgeNetfilter != BridgeNetfilter.State.ENABLED) {
            err.println("bridgewall: warning: " + BridgeNetfilter.advice(bridgeNetfilter, target.netns()));
        }
        out.flush();
        return 0;
    }

    private static String verb(Applier.Kind kind) {
        return switch (kind) {
            case INSTALLED -> "install";
            case REPLACED -> "replace";
            case UPDATED -> "update";
            case UNCHANGED -> "leave unchanged";
        };
    }
}
