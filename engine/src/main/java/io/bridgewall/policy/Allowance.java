package io.bridgewall.policy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An exception to the drops: containers may open connections to this destination (and only
 * there: the same host on another port or protocol, and its neighbours, stay blocked).
 *
 * @param destination an address (a /32 or /128) or a network
 * @param ports       the destination ports, or empty for every port
 * @param protocols   tcp and/or udp; empty (only without ports) means every protocol, ICMP included
 * @param networks    Docker network names (or bridge interface names) whose containers the
 *                    exception is for; empty means every container
 * @param origin      where it came from, for the plan and the rule's comment: "--allow",
 *                    "config /etc/bridgewall/bridgewall.yaml", "dns: /etc/resolv.conf"
 */
public record Allowance(Cidr destination, Optional<PortRange> ports, Set<Protocol> protocols, List<String> networks,
                        String origin) {
    /**
     * The widest destination an exception may name, per family: as wide as the widest range
     * blocked by default (10.0.0.0/8, fc00::/7). Anything wider, 0.0.0.0/0 first of all, would
     * switch the blocking off rather than make an exception to it.
     */
    public static final int WIDEST_IPV4_PREFIX = 8;
    public static final int WIDEST_IPV6_PREFIX = 7;

    /** Docker's rule for network names; bridge interface names (docker0, br-1a2b) fit it too. */
    private static final Pattern NETWORK_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");

    public Allowance {
        if (destination == null) {
            throw new InvalidInputException("an exception needs a destination address or network");
        }
        int widest = destination.family() == IpFamily.IPV4 ? WIDEST_IPV4_PREFIX : WIDEST_IPV6_PREFIX;
        if (destination.prefixLength() == 0) {
            throw new InvalidInputException(destination + " is every address: an exception for it turns the blocking off; "
                    + "name the host or network to allow, e.g. 10.0.0.5 or 10.0.0.0/24");
        }
        if (destination.prefixLength() < widest) {
            throw new InvalidInputException(destination + " is wider than /" + widest + ", more than any range blocked "
                    + "by default; name the host or network to allow, e.g. 10.0.0.5 or 10.0.0.0/24");
        }
        ports = ports == null ? Optional.empty() : ports;
        // A port without a protocol means both: a port alone says nothing to the kernel.
        Set<Protocol> given = EnumSet.noneOf(Protocol.class);
        if (protocols != null) {
            given.addAll(protocols);
        }
        protocols = Set.copyOf(given.isEmpty() && ports.isPresent() ? EnumSet.allOf(Protocol.class) : given);
        List<String> names = new ArrayList<>(new LinkedHashSet<>(networks == null ? List.of() : networks));
        for (String name : names) {
            if (name == null || !NETWORK_NAME.matcher(name).matches()) {
                throw new InvalidInputException("'" + name + "' is not a Docker network name; use letters, digits, "
                        + "'_', '.' and '-', starting with a letter or digit");
            }
        }
        networks = List.copyOf(names);
        origin = origin == null ? "" : origin;
    }

    /**
     * Parses {@code [NETWORK[,NETWORK...]=]DEST[:PORT[-PORT]][/tcp|/udp]}: DEST an IPv4
     * address or network, or an IPv6 one, in brackets when a port or protocol follows
     * ({@code [2001:db8::5]:5432/tcp}, {@code [2001:db8::/64]/udp}). A port without protocol means tcp and udp; no port
     * means every port (and, without protocol, every protocol). Errors are one line that
     * quotes {@code text} and does not name the option or field it came from.
     */
    public static Allowance parse(String text, String origin) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("empty exception: give one like 10.0.0.5:5432/tcp or backend=10.0.0.0/24");
        }
        String rest = text.strip();
        try {
            List<String> networks = List.of();
            int equals = rest.indexOf('=');
            if (equals >= 0) {
                networks = List.of(rest.substring(0, equals).split(",", -1));
                rest = rest.substring(equals + 1);
            }
            Set<Protocol> protocols = EnumSet.noneOf(Protocol.class);
            int slash = rest.lastIndexOf('/');
            if (slash >= 0 && rest.substring(slash + 1).matches("[A-Za-z]+")) {
                protocols = EnumSet.of(protocol(rest.substring(slash + 1)));
                rest = rest.substring(0, slash);
            }
            String destination = rest;
            Optional<PortRange> ports = Optional.empty();
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                if (close < 0) {
                    throw new InvalidInputException("an IPv6 destination in '[' needs its ']'");
                }
                destination = rest.substring(1, close);
                String after = rest.substring(close + 1);
                if (after.startsWith(":")) {
                    ports = Optional.of(PortRange.parse(after.substring(1)));
                } else if (!after.isEmpty()) {
                    throw new InvalidInputException("after ']' comes ':PORT' or nothing, not '" + after + "'");
                }
            } else if (rest.indexOf(':') != rest.lastIndexOf(':') && !protocols.isEmpty()) {
                // 2001:db8::5:5432/tcp is a valid address, and most likely a port meant: brackets say which.
                throw new InvalidInputException("an IPv6 destination with a port or protocol goes in brackets, e.g. "
                        + "[2001:db8::5]:5432/tcp or [2001:db8::/64]/udp");
            } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
                // One colon: IPv4 and a port. Two or more: an IPv6 address without port (a port needs brackets).
                destination = rest.substring(0, rest.indexOf(':'));
                ports = Optional.of(PortRange.parse(rest.substring(rest.indexOf(':') + 1)));
            }
            return new Allowance(destination(destination), ports, protocols, networks, origin);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("'" + text.strip() + "': " + e.getMessage(), e);
        }
    }

    private static Cidr destination(String text) {
        try {
            return Cidr.parse(text);
        } catch (InvalidInputException e) {
            // Most likely an IPv6 address with a port, or a port in the wrong place.
            boolean shape = !e.getMessage().contains("host bits");
            throw shape ? new InvalidInputException(e.getMessage() + "; write an exception like 10.0.0.5:5432/tcp, "
                    + "10.0.0.0/24 or [2001:db8::5]:5432 (IPv6 with a port in brackets)", e) : e;
        }
    }

    private static Protocol protocol(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> throw new InvalidInputException("unknown protocol '" + word + "'; use tcp or udp");
        };
    }

    /** The protocols in a fixed order (tcp, udp), for rules planned in a fixed order; empty for every protocol. */
    public List<Protocol> protocolsInOrder() {
        Set<Protocol> ordered = EnumSet.noneOf(Protocol.class);
        ordered.addAll(protocols);
        return List.copyOf(ordered);
    }

    /** Whether the exception is for the containers of some networks only. */
    public boolean limitedToNetworks() {
        return !networks.isEmpty();
    }

    /** The same exception from another origin. */
    public Allowance withOrigin(String other) {
        return new Allowance(destination, ports, protocols, networks, other);
    }

    /** What the exception lets through, without its origin: two exceptions with the same scope plan the same rules. */
    public Allowance scope() {
        return withOrigin("");
    }

    /** The exception as {@link #parse} reads it, e.g. {@code backend=[2001:db8::5]:5432/tcp}. */
    public String text() {
        StringBuilder out = new StringBuilder();
        if (!networks.isEmpty()) {
            out.append(String.join(",", networks)).append('=');
        }
        String address = destinationText();
        boolean bracket = destination.family() == IpFamily.IPV6 && (ports.isPresent() || !protocols.isEmpty());
        out.append(bracket ? "[" + address + "]" : address);
        ports.ifPresent(range -> out.append(':').append(range));
        if (protocols.size() == 1) {
            out.append('/').append(protocols.iterator().next().nftName());
        } else if (!protocols.isEmpty() && ports.isEmpty()) {
            out.append(" (tcp and udp)");
        }
        return out.toString();
    }

    /** The destination as users write it: a bare address for a single host, else the network. */
    public String destinationText() {
        String cidr = destination.toString();
        return destination.prefixLength() == destination.family().bitLength() ? cidr.substring(0, cidr.indexOf('/')) : cidr;
    }

    @Override
    public String toString() {
        return text() + (origin.isEmpty() ? "" : " (" + origin + ")");
    }
}
