package io.bridgewall.kernel;

import io.bridgewall.ruleset.RuleSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the kernel enforces a plan, judged from one consistent read-back: the table holds
 * exactly the plan (nothing to send, nothing foreign), and if not, whether that is ours to
 * explain or someone committed after us. Or, without a read-back, what an apply's generations
 * prove ({@link Outcome#COMMITTED}): never called "verified".
 *
 * @param ourGeneration  the generation our apply left (its commit), or found the table unchanged at
 * @param readGeneration the generation the read-back saw (COMMITTED: the generation read after the commit)
 * @param differences    what differs, in words; empty when verified
 */
public record Verification(Outcome outcome, int ourGeneration, int readGeneration, List<String> differences) {
    /** Differences named in the one-line summary; the rest are counted. */
    private static final int NAMED = 3;

    public Verification {
        differences = List.copyOf(differences);
    }

    public enum Outcome {
        /** The kernel holds exactly the plan: the firewall is in force. */
        VERIFIED,
        /** No one committed after us, and the kernel holds something else than the plan: a bug. */
        DIFFERS,
        /** Someone committed after us and the table is no longer our plan: nothing to report, apply again. */
        CHANGED_BY_OTHERS,
        /**
         * Not read back: the kernel took our batch at the generation of the read it was computed
         * from, and the generation after it was our commit's, so the kernel holds what we read
         * plus exactly our batch, and nobody else committed in between.
         */
        COMMITTED
    }

    /** Judges one consistent read-back against the plan. Pure. */
    static Verification judge(int ourGeneration, ReadBack readBack, RuleSet planned) {
        List<String> differences = TableDiff.between(readBack.table(), planned).differences();
        Outcome outcome = differences.isEmpty() ? Outcome.VERIFIED
                : readBack.generation() == ourGeneration ? Outcome.DIFFERS : Outcome.CHANGED_BY_OTHERS;
        return new Verification(outcome, ourGeneration, readBack.generation(), differences);
    }

    /** Others kept committing while we read, so no read ran within one generation. */
    static Verification unreadable(int ourGeneration, ConcurrentChangeException e) {
        return new Verification(Outcome.CHANGED_BY_OTHERS, ourGeneration, e.lastGeneration(),
                List.of("the ruleset changed during every read-back"));
    }

    /**
     * An apply whose own generations prove it: our batch was committed on top of the table read
     * at {@code generationBefore}, and the generation read after it is ours (the one after).
     */
    static Verification committed(int ourGeneration) {
        return new Verification(Outcome.COMMITTED, ourGeneration, ourGeneration, List.of());
    }

    /**
     * An apply that sent nothing: its own consistent read at {@code generation} held exactly the
     * plan ({@link TableDiff}: "nothing to send" and "verified" are one judgement).
     */
    static Verification unchangedAt(int generation) {
        return new Verification(Outcome.VERIFIED, generation, generation, List.of());
    }

    /** The table was read back and holds exactly the plan. */
    public boolean verified() {
        return outcome == Outcome.VERIFIED;
    }

    /** The kernel enforces the plan: read back and equal to it, or proven by the generations of our commit. */
    public boolean inForce() {
        return outcome == Outcome.VERIFIED || outcome == Outcome.COMMITTED;
    }

    /** One line for the user, naming the first differences. */
    public String summary() {
        return switch (outcome) {
            case VERIFIED -> readGeneration == ourGeneration
                    ? "verified: the kernel holds exactly the planned table (generation " + readGeneration + ")"
                    : "verified: the kernel holds exactly the planned table (generation " + readGeneration
                    + "; others committed after ours, " + ourGeneration + ")";
            case DIFFERS -> "read-back differs from the plan at generation " + readGeneration
                    + " and nobody else committed since ours: " + firstDifferences()
                    + "; run 'bridgewall show' and report this";
            case COMMITTED -> "committed: generation " + Integer.toUnsignedString(Applier.previous(ourGeneration))
                    + " -> " + Integer.toUnsignedString(ourGeneration)
                    + ", no other change in between (read-back skipped; --verify reads it back)";
            case CHANGED_BY_OTHERS -> "not verified: someone else changed the ruleset after our commit (generation "
                    + ourGeneration + " -> " + readGeneration + "), and the table is no longer the plan: "
                    + firstDifferences() + "; run 'bridgewall apply' again to restore it";
        };
    }

    private String firstDifferences() {
        List<String> named = new ArrayList<>(differences.subList(0, Math.min(NAMED, differences.size())));
        if (differences.size() > NAMED) {
            named.add("and " + (differences.size() - NAMED) + " more");
        }
        return String.join("; ", named);
    }
}
