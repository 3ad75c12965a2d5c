package io.bridgewall.ruleset;

import java.nio.charset.StandardCharsets;

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

    /**
     * {@code limit rate R/unit [burst B packets]}: matches at most {@code rate} packets per
     * {@code unit} (after a first {@code burst}) and stops the rule for the rest. So it must
     * never stand in front of a verdict that should hold for every packet: {@code limit … log …
     * drop} stops dropping above the limit.
     */
    record Limit(long rate, Unit unit, int burst) implements Statement {
        /** nft's burst when none is written: {@code limit rate 10/minute} is burst 5 packets. */
        public static final int DEFAULT_BURST = 5;

        /** The time units nft writes, in seconds (the kernel's NFTA_LIMIT_UNIT). */
        public enum Unit {
            SECOND(1, "second"), MINUTE(60, "minute"), HOUR(3_600, "hour"), DAY(86_400, "day"), WEEK(604_800, "week");

            private final long seconds;
            private final String nftName;

            Unit(long seconds, String nftName) {
                this.seconds = seconds;
                this.nftName = nftName;
            }

            public long seconds() {
                return seconds;
            }

            public String nftName() {
                return nftName;
            }
        }

        public Limit {
            if (rate < 1 || unit == null || burst < 1) {
                // The kernel reads burst 0 back as 5: a plan with 0 could never verify.
                throw new IllegalArgumentException("a limit needs a rate of at least 1, a unit and a burst of at least 1");
            }
        }

        public Limit(long rate, Unit unit) {
            this(rate, unit, DEFAULT_BURST);
        }
    }

    /**
     * {@code log prefix "…"}: a line per packet, to the kernel log at a syslog level, or with
     * {@code group N} to nfnetlink_log listeners (ulogd, {@code tcpdump -i nflog:N}). Not a
     * verdict: the rule's evaluation goes on.
     */
    record Log(String prefix, Destination destination) implements Statement {
        /** NF_LOG_PREFIXLEN less the NUL: the kernel refuses longer prefixes. */
        public static final int PREFIX_MAX_BYTES = 127;

        public sealed interface Destination {
        }

        /** The kernel log ({@code dmesg}, journald), at this level. */
        public record KernelLog(Level level) implements Destination {
            public KernelLog {
                if (level == null) {
                    throw new IllegalArgumentException("a kernel log destination needs a level");
                }
            }
        }

        /** An NFLOG group: nfnetlink_log listeners bound to it get the packets. */
        public record Group(int number) implements Destination {
            public Group {
                if (number < 0 || number > 0xffff) {
                    throw new IllegalArgumentException("an NFLOG group is 0 to 65535, not " + number);
                }
            }
        }

        /** syslog's levels, as nft names them; the kernel stores warn when none is given. */
        public enum Level {
            EMERG("emerg"), ALERT("alert"), CRIT("crit"), ERR("err"), WARN("warn"), NOTICE("notice"), INFO("info"),
            DEBUG("debug");

            private final String nftName;

            Level(String nftName) {
                this.nftName = nftName;
            }

            /** The kernel's number for the level (NFTA_LOG_LEVEL). */
            public int number() {
                return ordinal();
            }

            public String nftName() {
                return nftName;
            }
        }

        public Log {
            if (prefix == null || prefix.isEmpty() || prefix.indexOf('\0') >= 0
                    || prefix.getBytes(StandardCharsets.UTF_8).length > PREFIX_MAX_BYTES) {
                throw new IllegalArgumentException("a log prefix is 1 to " + PREFIX_MAX_BYTES + " bytes without NUL");
            }
            if (destination == null) {
                throw new IllegalArgumentException("a log statement needs a destination");
            }
        }

        public static Log toKernelLog(String prefix) {
            return new Log(prefix, new KernelLog(Level.WARN));
        }

        public static Log toGroup(String prefix, int group) {
            return new Log(prefix, new Group(group));
        }
    }

    /**
     * {@code ct mark set 0x1a2b3c4d} (every bit) or {@code ct mark set ct mark and ~MASK or
     * VALUE} (the bits of {@code mask} only, the rest kept for other tools). Not a verdict.
     */
    record CtMarkSet(int mask, int value) implements Statement {
        public CtMarkSet {
            MarkBits.check("a ct mark statement", mask, value);
        }

        public boolean wholeMark() {
            return MarkBits.whole(mask);
        }
    }
}
