package io.bridgewall.kernel;

import io.bridgewall.ruleset.RuleSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the kernel enforces a plan, judged from one consistent read-back: the table holds
 * exactly the plan (nothing to send, nothing foreign), and if not, whether that is ours to
 * explain or someone committed after us.
 *
 * @param ourGeneration  the generation our apply left (its commit), or found the table unchanged at
 * @param readGeneration the generation the read-back saw
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
        CHANGED_BY_OTHERS
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

    public boolean verified() {
        return outcome == Outcome.VERIFIED;
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
