package io.bridgewall.kernel;

/**
 * Others kept committing while we read: no read of the table ran within one generation.
 * Nothing is wrong with the table or with bridgewall; read again later.
 */
public final class ConcurrentChangeException extends RuntimeException {
    private final int firstGeneration;
    private final int lastGeneration;

    /** @param attempts how many reads over how long, e.g. "12 reads over 5.0 s" */
    ConcurrentChangeException(String what, String attempts, int firstGeneration, int lastGeneration) {
        super(what + ": the ruleset changed during each of " + attempts + " (generation " + firstGeneration
                + " -> " + lastGeneration + "); someone else is changing it, try again");
        this.firstGeneration = firstGeneration;
        this.lastGeneration = lastGeneration;
    }

    public int firstGeneration() {
        return firstGeneration;
    }

    public int lastGeneration() {
        return lastGeneration;
    }
}
