package io.bridgewall.policy;

/**
 * How much containers of one network may reach each other. Traffic between different bridges
 * is dropped either way, and so is everything on bridges the policy does not know yet.
 */
public enum Isolation {
    /** No container reaches another, not even on its own network (the seed's behaviour everywhere). */
    STRICT("strict"),
    /**
     * Docker's semantics: containers of one user-defined network talk unless the network sets
     * com.docker.network.bridge.enable_icc=false; docker0 stays isolated as in the seed.
     */
    DOCKER("docker");

    private final String word;

    Isolation(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static Isolation parse(String text) {
        for (Isolation isolation : values()) {
            if (isolation.word.equals(text)) {
                return isolation;
            }
        }
        throw new InvalidInputException("isolation '" + text + "' is not known; give strict or docker");
    }
}
