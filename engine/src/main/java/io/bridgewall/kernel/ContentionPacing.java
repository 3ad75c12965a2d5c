package io.bridgewall.kernel;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * How long we keep trying while someone else keeps committing to the ruleset (a read that a
 * commit spoiled, a batch the kernel refused with ERESTART): pauses that double up to
 * {@value #LONGEST_PAUSE_MILLIS} ms, each a random part of its bound so that two bridgewalls
 * racing each other fall out of step, within {@link #BUDGET} and {@value #MOST_ATTEMPTS}
 * attempts. A count of short pauses alone gave up after about 60 ms against another applier
 * committing in a tight loop; a budget in seconds gives up only on a ruleset that keeps
 * changing for that long.
 */
final class ContentionPacing {
    static final Duration BUDGET = Duration.ofSeconds(5);
    static final int MOST_ATTEMPTS = 64;
    static final int LONGEST_PAUSE_MILLIS = 100;

    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final long startedNanos;
    private int attempts = 1;

    /** How a pause is taken; tests count pauses instead of sleeping. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    ContentionPacing(LongSupplier nanoClock, Sleeper sleeper) {
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.startedNanos = nanoClock.getAsLong();
    }

    /** Pacing for one operation, started now (its first attempt is under way). */
    static ContentionPacing start() {
        return new ContentionPacing(System::nanoTime, Thread::sleep);
    }

    /** The attempt under way, from 1. */
    int attempts() {
        return attempts;
    }

    /** Time since the first attempt began. */
    Duration elapsed() {
        return Duration.ofNanos(nanoClock.getAsLong() - startedNanos);
    }

    /**
     * Pauses before another attempt and counts it; false, without pausing, once the budget or
     * the attempts are spent (the caller gives up then and says so).
     */
    boolean pauseBeforeAnotherAttempt() {
        if (attempts >= MOST_ATTEMPTS || elapsed().compareTo(BUDGET) >= 0) {
            return false;
        }
        long bound = Math.min(LONGEST_PAUSE_MILLIS, 1L << Math.min(attempts, 20));
        try {
            sleeper.sleep(ThreadLocalRandom.current().nextLong(1, bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a quiet moment in the ruleset", e);
        }
        attempts++;
        return true;
    }

    /** "8 attempts over 1.2 s" (given "attempts"), for a message that gives up. */
    String describe(String plural) {
        String noun = attempts == 1 ? plural.substring(0, plural.length() - 1) : plural;
        return attempts + " " + noun + " over " + String.format(java.util.Locale.ROOT, "%.1f s",
                elapsed().toMillis() / 1000.0);
    }
}
