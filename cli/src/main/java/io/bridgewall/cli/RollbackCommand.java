package io.bridgewall.cli;

import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.Restore;
import io.bridgewall.kernel.TableSnapshot;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the rollback agent runs: waits for the deadline of the pending rollback it was started
 * for, then brings the previous state back in one transaction, unless `confirm` came first, a
 * later `apply --confirm` replaced it, or the table holds something else than what the apply
 * committed (someone changed it since: that is left alone, and said).
 */
@Command(name = "rollback", hidden = true, mixinStandardHelpOptions = true,
        description = "Run by 'apply --confirm': the rollback at the deadline. Not for use by hand.")
final class RollbackCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);

    @Mixin
    TargetOptions target;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "The pending rollback to carry out.")
    String id;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (!PendingRollback.ID.matcher(id).matches()) {
            throw new io.bridgewall.policy.InvalidInputException("--id must be 32 lowercase hex digits");
        }
        PrintWriter out = spec.commandLine().getOut();
        RollbackFiles files = RollbackFiles.of(target.netns());
        Optional<PendingRollback> waiting = mine(files);
        if (waiting.isEmpty()) {
            return say(out, "rollback " + id + ": nothing to do (confirmed or replaced)");
        }
        Firewall firewall = null;
        RuntimeException cannotOpen = null;
        try {
            // Libraries and socket ready before the deadline: at the deadline only the read and the restore are left.
            try {
                firewall = Firewall.open(target.netns());
                // One read and digest now load and bind everything the check at the deadline uses.
                TableSnapshot.digestOf(firewall.installed(waiting.get().previous().table(), waiting.get().previous().family()));
            } catch (RuntimeException e) {
                cannotOpen = e;
            }
            long remaining = Duration.between(Instant.now(), waiting.get().deadline()).toMillis();
            if (remaining > 0) {
                Thread.sleep(remaining);
            }
            try (RollbackFiles.Lock lock = files.lock()) {
                Optional<PendingRollback> due = mine(files);
                if (due.isEmpty()) {
                    return say(out, "rollback " + id + ": nothing to do (confirmed or replaced)");
                }
                PendingRollback pending = due.get();
                String outcome;
                int status = ErrorReporter.RUNTIME_FAILURE;
                try {
                    if (cannotOpen != null) {
                        throw cannotOpen;
                    }
                    Restore restore = firewall.restore(pending.previous(), pending.committed());
                    outcome = outcome(restore, pending.previous());
                    status = restore instanceof Restore.ChangedSince ? ErrorReporter.RUNTIME_FAILURE : 0;
                } catch (RuntimeException e) {
                    outcome = "rollback FAILED at " + TIME.format(Instant.now()) + ": " + ErrorReporter.describe(e)
                            + "; the unconfirmed ruleset may still be in place: check with 'bridgewall show'";
                }
                // Whatever happened, it happened once: a later confirm reports it instead of confirming.
                files.delete();
                files.recordOutcome(outcome);
                say(out, "bridgewall: " + outcome);
                return status;
            }
        } finally {
            if (firewall != null) {
                firewall.close();
            }
        }
    }

    private static String outcome(Restore restore, TableSnapshot previous) {
        String at = TIME.format(Instant.now());
        String before = previous.present() ? previous.describe() : "no table inet " + previous.table() + " (there was none)";
        if (restore instanceof Restore.Restored r) {
            return "rolled back at " + at + ": not confirmed in time; back to " + before + ", generation "
                    + Integer.toUnsignedString(r.generation());
        }
        if (restore instanceof Restore.AlreadyThere) {
            return "rollback at " + at + ": not confirmed in time, but the kernel already held what was there before ("
                    + before + "); nothing sent";
        }
        return "NOT rolled back at " + at + ": " + ((Restore.ChangedSince) restore).now() + " (someone changed it after "
                + "the apply to be undone); left as it is; what was there before: " + before;
    }

    private Optional<PendingRollback> mine(RollbackFiles files) {
        return files.read().filter(pending -> pending.id().equals(id));
    }

    private static int say(PrintWriter out, String line) {
        out.println(line);
        out.flush();
        return 0;
    }
}
