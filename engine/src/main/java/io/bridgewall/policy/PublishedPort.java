package io.bridgewall.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A host port Docker publishes for a running container ({@code docker run -p}). With
 * {@code "iptables": false} Docker's userland proxy serves it on the host's own addresses, so
 * the input chain must accept it: for its protocol, on the host address it is published on.
 *
 * @param protocol  tcp or udp
 * @param port      the host port (1 to 65535)
 * @param family    the address family it is published for
 * @param address   the one host address it is published on; empty for every address of the
 *                  family (Docker's 0.0.0.0 and ::)
 * @param container who publishes it, for plan comments and logs, e.g. {@code web (id 0123456789ab) port 80}
 */
public record PublishedPort(Protocol protocol, int port, IpFamily family, Optional<InetAddress> address, String container)
        implements Comparable<PublishedPort> {
    private static final Comparator<PublishedPort> ORDER = Comparator.comparing(PublishedPort::family)
            .thenComparing(p -> p.address().isPresent())
            .thenComparing(p -> Cidr.toUnsigned(p.address().map(InetAddress::getAddress).orElse(new byte[0])))
            .thenComparing(PublishedPort::protocol).thenComparingInt(PublishedPort::port)
            .thenComparing(PublishedPort::container);

    public PublishedPort {
        new Port(port, protocol); // the range check and its message
        if (family == null || address == null || container == null) {
            throw new InvalidInputException("a published port needs a family, an address (or none) and its container");
        }
        if (address.isPresent() && (address.get() instanceof Inet4Address) != (family == IpFamily.IPV4)) {
            throw new InvalidInputException("published port " + port + ": address " + address.get().getHostAddress()
                    + " is not " + family);
        }
        if (address.isPresent() && address.get().isAnyLocalAddress()) {
            address = Optional.empty();
        }
    }

    /**
     * The ports Docker's host IP stands for: every IPv4 and IPv6 address when it is empty
     * (dockerd then binds both), every address of one family for 0.0.0.0 or ::, else that one
     * address (a literal; never a name to resolve).
     *
     * @throws InvalidInputException when the host IP is not an address literal
     */
    public static List<PublishedPort> of(String hostIp, Protocol protocol, int port, String container) {
        if (hostIp.isEmpty()) {
            return List.of(new PublishedPort(protocol, port, IpFamily.IPV4, Optional.empty(), container),
                    new PublishedPort(protocol, port, IpFamily.IPV6, Optional.empty(), container));
        }
        if (hostIp.contains("/")) {
            throw new InvalidInputException("host IP '" + hostIp + "' is a network, not an address");
        }
        Cidr host = Cidr.parse(hostIp);
        return List.of(new PublishedPort(protocol, port, host.family(), Optional.of(host.network()), container));
    }

    /** Published on a loopback address (127.0.0.1, ::1): reachable only from the host, whose lo is accepted already. */
    public boolean loopbackOnly() {
        return address.isPresent() && address.get().isLoopbackAddress();
    }

    /** {@code 8081/tcp on every IPv4 address}, {@code 192.168.50.1:8082/tcp}, {@code [fd50::1]:8082/tcp}. */
    public String describe() {
        String service = port + "/" + protocol.nftName();
        if (address.isEmpty()) {
            return service + " on every " + (family == IpFamily.IPV4 ? "IPv4" : "IPv6") + " address";
        }
        String host = family == IpFamily.IPV4 ? address.get().getHostAddress()
                : "[" + Ipv6Text.compress(address.get().getAddress()) + "]";
        return host + ":" + service;
    }

    @Override
    public int compareTo(PublishedPort other) {
        return ORDER.compare(this, other);
    }
}
