package io.bridgewall.doctor;

/**
 * One thing {@code bridgewall doctor} found: how bad it is, what it is, and the exact fix.
 *
 * @param check    which check found it ("ip-forward", "foreign-chain", ...): stable, for scripts
 * @param what     one line: what is the case and what it means for the firewall
 * @param fix      one line: what to run or change; empty when there is nothing to do
 */
public record Finding(Severity severity, String check, String what, String fix) {
    public enum Severity {
        /** The firewall does not do what the policy says, or does not work at all. */
        PROBLEM,
        /** It works, but something will bite: a leftover, a setting that depends on luck. */
        WARNING,
        /** What was found, for the reader; nothing to do. */
        INFO;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Finding {
        if (what.isBlank()) {
            throw new IllegalArgumentException("a finding says what it is");
        }
    }

    static Finding problem(String check, String what, String fix) {
        return new Finding(Severity.PROBLEM, check, what, fix);
    }

    static Finding warning(String check, String what, String fix) {
        return new Finding(Severity.WARNING, check, what, fix);
    }

    static Finding info(String check, String what) {
        return new Finding(Severity.INFO, check, what, "");
    }

    /** Whether it asks for action: a problem or a warning makes doctor exit 1. */
    public boolean actionable() {
        return severity != Severity.INFO;
    }
}
