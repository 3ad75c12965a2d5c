package io.bridgewall.cli;

import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.TableSnapshot;
import io.bridgewall.plan.Planner;
import io.bridgewall.ruleset.Family;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "confirm", mixinStandardHelpOptions = true,
        description = "Keep what 'apply --confirm' committed: cancel the pending rollback. Exit 1 when none is "
                + "pending (it says what became of the last one).",
        footerHeading = "%nExamples:%n",
        footer = {"  sudo bridgewall apply --confirm 60",
            "  # ... check that SSH and the services still work, then keep it:",
            "  sudo bridgewall confirm",
            "  # Only errors: exit 0 kept, 1 nothing was pending (one line on stderr):",
            "  sudo bridgewall confirm -q"})
final class ConfirmCommand implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    @Mixin
    TargetOptions target;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RollbackFiles files = RollbackFiles.of(target.netns());
        String where = target.netns().map(n -> "network namespace " + n).orElse("this host");
        try (RollbackFiles.Lock lock = files.lock()) {
            Optional<PendingRollback> pending = files.read();
            if (pending.isEmpty()) {
                throw new CommandFailedException("no rollback is pending for " + where + "; nothing to confirm"
                        + files.lastOutcome().map(last -> " (the last one: " + last + ")").orElse(""));
            }
            PendingRollback confirmed = pending.get();
            files.delete();
            RollbackAgent.stop(confirmed);
            files.recordOutcome("confirmed: table inet " + Planner.TABLE + " (" + confirmed.committedShape()
                    + ") stays; the rollback due " + CLOCK.format(confirmed.deadline()) + " was cancelled");
            out.println("confirmed: table inet " + Planner.TABLE + " (" + confirmed.committedShape() + ") stays; the rollback due "
                    + CLOCK.format(confirmed.deadline()) + " to " + confirmed.previous().describe() + " is cancelled");
            stillCommitted(confirmed).ifPresent(note -> spec.commandLine().getErr().println("bridgewall: warning: " + note));
        }
        out.flush();
        return 0;
    }

    /** Whether the kernel still holds what was confirmed; a note when not (someone changed it since). */
    private Optional<String> stillCommitted(PendingRollback confirmed) {
        try (Firewall firewall = Firewall.open(target.netns())) {
            Optional<String> now = TableSnapshot.digestOf(firewall.installed(Planner.TABLE, Family.INET));
            return now.isPresent() && now.get().equals(confirmed.committed()) ? Optional.empty()
                    : Optional.of("the table no longer holds what that apply committed (someone changed it since); "
                            + "see 'bridgewall show'");
        }
    }
}
