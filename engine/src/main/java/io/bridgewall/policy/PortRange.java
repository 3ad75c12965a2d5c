package io.bridgewall.policy;

/** A destination port or an inclusive range of them, e.g. 5432 or 5000-5010. */
public record PortRange(int first, int last) implements Comparable<PortRange> {
    public PortRange {
        requirePort(first);
        requirePort(last);
        if (first > last) {
            throw new InvalidInputException("port range " + first + "-" + last + " is reversed; write it as " + last + "-" + first);
        }
    }

    public static PortRange single(int port) {
        return new PortRange(port, port);
    }

    /** Parses "5432" or "5000-5010". */
    public static PortRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("empty port: give one like 5432 or a range like 5000-5010");
        }
        String[] parts = text.strip().split("-", -1);
        if (parts.length > 2 || !parts[0].matches("\\d{1,5}") || parts.length == 2 && !parts[1].matches("\\d{1,5}")) {
            throw new InvalidInputException("'" + text + "' is not a port or port range; write it like 5432 or 5000-5010");
        }
        int first = Integer.parseInt(parts[0]);
        return new PortRange(first, parts.length == 2 ? Integer.parseInt(parts[1]) : first);
    }

    private static void requirePort(int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidInputException("port " + port + " is out of range; use 1 to 65535");
        }
    }

    public boolean isSingle() {
        return first == last;
    }

    @Override
    public int compareTo(PortRange other) {
        int byFirst = Integer.compare(first, other.first);
        return byFirst != 0 ? byFirst : Integer.compare(last, other.last);
    }

    @Override
    public String toString() {
        return isSingle() ? Integer.toString(first) : first + "-" + last;
    }
}
