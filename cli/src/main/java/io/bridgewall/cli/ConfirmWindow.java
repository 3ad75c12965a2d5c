package io.bridgewall.cli;

import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.TableSnapshot;
import io.bridgewall.ruleset.RuleSet;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;

/**
 * `apply --confirm SECONDS`: everything the rollback needs is on disk and its agent running
 * before the commit, so whenever apply dies after it, the rollback still comes. Opened before
 * the commit (holding the rollback lock, so neither a confirm nor an old rollback interleaves),
 * {@link #committed} after it; closed without a commit it takes the rollback back.
 *
 * <p>A second `apply --confirm` while one is pending keeps the state from before the first:
 * the last state nobody had to confirm is the one known to work, so that is what comes back,
 * now at the new deadline. A plain `apply` meanwhile is not undone: the rollback finds the
 * table changed since and leaves it (apply warns about this).
 */
final class ConfirmWindow implements AutoCloseable {
    /** Test hook: apply waits this many seconds right after the commit, so a test can kill it there. */
    static final String PAUSE_AFTER_COMMIT_ENV = "BRIDGEWALL_TEST_PAUSE_AFTER_COMMIT";
    static final int MAX_SECONDS = 86_400;
    /** A rollback this long past its deadline and still pending has lost its agent. */
    private static final Duration STALE_AFTER = Duration.ofMinutes(2);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final RollbackFiles files;
    private final RollbackFiles.Lock lock;
    private final PendingRollback pending;
    /** The rollback this one replaces: its agent stops once the commit happened, and it comes back if none does. */
    private final Optional<PendingRollback> earlier;
    private final long seconds;
    private boolean committed;

    private ConfirmWindow(RollbackFiles files, RollbackFiles.Lock lock, PendingRollback pending,
                          Optional<PendingRollback> earlier, long seconds) {
        this.files = files;
        this.lock = lock;
        this.pending = pending;
        this.earlier = earlier;
        this.seconds = seconds;
    }

    static void checkSeconds(int seconds) {
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new io.bridgewall.policy.InvalidInputException("--confirm " + seconds + " is out of range; use 1 to "
                    + MAX_SECONDS + " seconds");
        }
    }

    /** Takes the state to come back to and starts the rollback's agent; nothing is committed yet. */
    static ConfirmWindow open(Firewall firewall, RuleSet planned, int seconds, Optional<String> netns, PrintWriter err) {
        RollbackFiles files = RollbackFiles.of(netns);
        RollbackFiles.Lock lock = files.lock();
        try {
            Optional<PendingRollback> earlier = files.read();
            if (earlier.isPresent() && Instant.now().isAfter(earlier.get().deadline().plus(STALE_AFTER))) {
                // Its agent is gone (killed, out of memory): it will never run; what is in force now is the start.
                err.println("bridgewall: warning: a rollback due " + CLOCK.format(earlier.get().deadline()) + " never ran "
                        + "(its " + earlier.get().agent() + " is gone); it is dropped");
                err.flush();
                RollbackAgent.stop(earlier.get());
                earlier = Optional.empty();
            }
            TableSnapshot previous;
            if (earlier.isPresent()) {
                previous = earlier.get().previous();
                err.println("bridgewall: a rollback was pending (due " + CLOCK.format(earlier.get().deadline()) + "); it "
                        + "now brings back what was there before the first unconfirmed apply: " + previous.describe());
                err.flush();
            } else {
                try {
                    previous = firewall.snapshot(planned.table(), planned.family());
                } catch (TableSnapshot.UnrestorableException e) {
                    throw new CommandFailedException(e.getMessage() + "; nothing was applied: save it ('nft list table "
                            + planned.family().nftName() + " " + planned.table() + "'), then apply without --confirm or "
                            + "'bridgewall remove' first");
                }
            }
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            String committedShape = planned.chains().size() + " chains, " + planned.ruleCount() + " rules, "
                    + planned.sets().stream().mapToInt(s -> s.elements().size()).sum() + " set elements";
            PendingRollback pending = new PendingRollback(HexFormat.of().formatHex(random), netns,
                    Instant.now().plusSeconds(seconds), "none", TableSnapshot.digest(Optional.of(planned)), committedShape,
                    previous);
            files.write(pending);
            pending = pending.withAgent(RollbackAgent.start(pending, files, seconds));
            files.write(pending);
            return new ConfirmWindow(files, lock, pending, earlier, seconds);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** A rollback pending for the namespace, for a plain apply to warn about. */
    static void warnIfPending(Optional<String> netns, PrintWriter err) {
        Optional<PendingRollback> pending;
        try {
            pending = RollbackFiles.of(netns).read();
        } catch (CommandFailedException e) {
            return;
        }
        pending.ifPresent(p -> {
            err.println("bridgewall: warning: a rollback is pending (due " + CLOCK.format(p.deadline()) + "); it will not "
                    + "undo this apply, and finding the table changed it leaves it as this apply makes it");
            err.flush();
        });
    }

    /** The commit happened: the rollback stays armed. Returns the line that says how to keep it, for the end of apply's output. */
    String committed() {
        committed = true;
        earlier.ifPresent(RollbackAgent::stop);
        pauseForTests();
        String confirm = "bridgewall confirm" + pending.netns().map(n -> " --netns " + n).orElse("");
        return "confirm within " + seconds + " s with `" + confirm + "`, or the previous ruleset comes back at "
                + CLOCK.format(pending.deadline()) + " (" + (pending.previous().present() ? pending.previous().describe()
                : "no table inet " + pending.previous().table()) + ")";
    }

    @Override
    public void close() {
        try {
            if (!committed) {
                // The apply failed before its commit: nothing new to roll back; an earlier rollback stays as it was.
                if (earlier.isPresent()) {
                    files.write(earlier.get());
                } else {
                    files.delete();
                }
                RollbackAgent.stop(pending);
            }
        } finally {
            lock.close();
        }
    }

    private static void pauseForTests() {
        String pause = System.getenv(PAUSE_AFTER_COMMIT_ENV);
        if (pause != null && pause.matches("\\d{1,3}")) {
            try {
                Thread.sleep(Duration.ofSeconds(Integer.parseInt(pause)).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
