package io.bridgewall.policy;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Logging of drops, off by default: each drop rule gets a rate-limited log rule with the same
 * matches just before it, its line prefixed by the reason ({@link Reason#prefix()}). Lines go to
 * the kernel log, or with a group to nfnetlink_log listeners (NFLOG: ulogd, {@code tcpdump -i
 * nflog:N}). The rate holds per log rule, i.e. per reason and IP family.
 */
public record DropLogging(boolean enabled, Rate rate, OptionalInt group) {
    public static final Rate DEFAULT_RATE = new Rate(10, Per.MINUTE);
    /** More lines than this per second is a flood, not a log. */
    public static final int RATE_MAX = 10_000;
    public static final int GROUP_MAX = 65_535;

    /** Why a packet was dropped; the prefixes are stable, for scripts and log filters. */
    public enum Reason {
        BLOCKED("bridgewall blocked: ", "a container to a blocked range (private, local, metadata)"),
        ISOLATION("bridgewall isolation: ", "container to container, on one bridge or between bridges"),
        INTERNAL("bridgewall internal: ", "into or out of an internal network"),
        INBOUND("bridgewall inbound: ", "a new connection into a container from outside"),
        HOST_INPUT("bridgewall input: ", "the host's own input, dropped by the input chain's policy");

        private final String prefix;
        private final String meaning;

        Reason(String prefix, String meaning) {
            this.prefix = prefix;
            this.meaning = meaning;
        }

        /** The log line's prefix, e.g. "bridgewall blocked: ". */
        public String prefix() {
            return prefix;
        }

        public String meaning() {
            return meaning;
        }
    }

    public enum Per {
        SECOND("second"), MINUTE("minute"), HOUR("hour"), DAY("day");

        private final String word;

        Per(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** At most {@code count} lines per {@code per} for each reason, after a first burst of 5 (nft's default). */
    public record Rate(int count, Per per) {
        public Rate {
            if (count < 1 || count > RATE_MAX) {
                throw new InvalidInputException("log rate " + count + " is out of range; use 1 to " + RATE_MAX
                        + " lines per second, minute, hour or day");
            }
            if (per == null) {
                throw new InvalidInputException("log rate " + count + " has no unit; write it like 10/minute");
            }
        }

        /** "10/minute", "1/second", "100/hour", "5/day". */
        public static Rate parse(String text) {
            String[] parts = text == null ? new String[0] : text.strip().split("/", -1);
            if (parts.length == 2 && parts[0].matches("\\d{1,9}")) {
                for (Per per : Per.values()) {
                    if (per.word.equals(parts[1])) {
                        return new Rate(Integer.parseInt(parts[0]), per);
                    }
                }
            }
            throw new InvalidInputException("log rate '" + text + "' is not a rate; write it like 10/minute "
                    + "(N/second, N/minute, N/hour or N/day, N from 1 to " + RATE_MAX + ")");
        }

        @Override
        public String toString() {
            return count + "/" + per.word;
        }
    }

    public DropLogging {
        if (rate == null || group == null) {
            throw new InvalidInputException("drop logging needs a rate and a group or none");
        }
        group.ifPresent(DropLogging::checkGroup);
    }

    public static DropLogging off() {
        return new DropLogging(false, DEFAULT_RATE, OptionalInt.empty());
    }

    /**
     * From settings as typed (command line, config file), each optional: a bad value is an
     * {@link InvalidInputException} of one line that names the value and how to write it.
     */
    public static DropLogging parse(boolean enabled, Optional<String> rate, OptionalInt group) {
        return new DropLogging(enabled, rate.map(Rate::parse).orElse(DEFAULT_RATE), group);
    }

    private static void checkGroup(int group) {
        if (group < 0 || group > GROUP_MAX) {
            throw new InvalidInputException("log group " + group + " is out of range; use an NFLOG group from 0 to "
                    + GROUP_MAX);
        }
    }

    /** One line for plan's header: what is logged where, or that nothing is. */
    public String describe() {
        if (!enabled) {
            return "drops are not logged (--log-drops turns it on)";
        }
        String where = group.isPresent() ? "NFLOG group " + group.getAsInt() : "the kernel log";
        return "drops logged to " + where + ", at most " + rate + " per reason and IP family (burst 5)";
    }
}
