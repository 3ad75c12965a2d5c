package io.bridgewall.policy;

import java.util.Locale;

/** A host port opened in the input chain, e.g. 22/tcp. */
public record Port(int number, Protocol protocol) implements Comparable<Port> {
    public Port {
        if (number < 1 || number > 65535) {
            throw new InvalidInputException("port " + number + " is out of range; use 1 to 65535");
        }
        if (protocol == null) {
            throw new InvalidInputException("port " + number + " has no protocol; use tcp or udp");
        }
    }

    /** Parses "22", "22/tcp" or "53/udp"; tcp is the default. */
    public static Port parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("empty port: give one like 22 or 53/udp");
        }
        String[] parts = text.strip().split("/", -1);
        if (parts.length > 2 || !parts[0].matches("\\d{1,5}")) {
            throw new InvalidInputException("'" + text + "' is not a port; write it like 22, 22/tcp or 53/udp");
        }
        Protocol protocol = Protocol.TCP;
        if (parts.length == 2) {
            protocol = switch (parts[1].toLowerCase(Locale.ROOT)) {
                case "tcp" -> Protocol.TCP;
                case "udp" -> Protocol.UDP;
                default -> throw new InvalidInputException("'" + text + "' has unknown protocol '" + parts[1]
                        + "'; use tcp or udp");
            };
        }
        return new Port(Integer.parseInt(parts[0]), protocol);
    }

    @Override
    public int compareTo(Port other) {
        int byProtocol = protocol.compareTo(other.protocol);
        return byProtocol != 0 ? byProtocol : Integer.compare(number, other.number);
    }

    @Override
    public String toString() {
        return number + "/" + protocol.nftName();
    }
}
