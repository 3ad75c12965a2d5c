package io.bridgewall.ruleset;

/** What a rule does once it matches. */
public sealed interface Statement {
    /** Counts packets and bytes; the values are zero in a plan and real when read back. */
    record Counter(long packets, long bytes) implements Statement {
        public static Counter zero() {
            return new Counter(0, 0);
        }
    }

    record Accept() implements Statement {
    }

    record Drop() implements Statement {
    }

    record Masquerade() implements Statement {
    }
}
