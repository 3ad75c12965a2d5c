package io.bridgewall.policy;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * A DNS server containers use, with where it was found ("/etc/resolv.conf",
 * "/etc/docker/daemon.json", a container's resolv.conf). It is planned as an exception for
 * udp and tcp port 53 to that address and nothing else.
 *
 * @param address the server's address (a /32 or /128), or a network of them
 * @param source  where it was found; named in the plan and the rule's comment
 */
public record DnsResolver(Cidr address, String source) {
    public static final int PORT = 53;

    public DnsResolver {
        if (address == null) {
            throw new InvalidInputException("a DNS resolver needs an address");
        }
        source = source == null ? "" : source;
    }

    /** Parses an address such as 192.168.1.1 or 2001:db8::53 (no port: DNS is port 53). */
    public static DnsResolver parse(String address, String source) {
        return new DnsResolver(Cidr.parse(address), source);
    }

    /** The exception this resolver stands for: udp and tcp 53 to its address, from every container. */
    public Allowance allowance() {
        return new Allowance(address, Optional.of(PortRange.single(PORT)), EnumSet.of(Protocol.UDP, Protocol.TCP), List.of(),
                "dns: " + source);
    }
}
