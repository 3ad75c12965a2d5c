package io.bridgewall.policy;

import java.util.Arrays;
import java.util.List;

/**
 * A Linux bridge that containers hang off, with the subnets its containers use.
 *
 * @param name        the bridge interface (docker0, br-0123456789ab, ...)
 * @param subnets     IPv4 and IPv6 subnets of the network
 * @param masquerade  whether traffic from the subnets is masqueraded when it leaves the host
 * @param internal    an internal network: nothing leaves the bridge at all
 * @param origin      where the bridge came from (a Docker network, --bridge, or both)
 * @param interContainerCommunication whether containers on this bridge may reach each other
 *                    (Docker's enable_icc; never on docker0, which keeps the seed's isolation)
 */
public record Bridge(InterfaceName name, List<Cidr> subnets, boolean masquerade, boolean internal, BridgeOrigin origin,
                     boolean interContainerCommunication) {
    /** Docker's default bridge: its containers never reach each other, as in the seed. */
    public static final String DOCKER0 = "docker0";

    /**
     * The widest subnet a bridge may have, per family. A bridge's subnets are masqueraded when
     * they leave and are unreachable from other containers, so a subnet wider than any real
     * container network takes public or LAN addresses hostage. IPv4: a /8 is the largest block
     * any private range (10/8) or Docker address pool offers as one network. IPv6: a /32 is
     * what a registry allocates to a whole ISP; a site gets a /48 to /56, and Docker's networks
     * are /64s. Shorter prefixes, the default routes 0.0.0.0/0 and ::/0 first of all, are refused.
     */
    public static final int WIDEST_IPV4_PREFIX = 8;
    public static final int WIDEST_IPV6_PREFIX = 32;

    public Bridge {
        if (name == null) {
            throw new InvalidInputException("bridge has no interface name");
        }
        subnets = List.copyOf(subnets);
        origin = origin == null ? new BridgeOrigin.Described("") : origin;
        for (Cidr subnet : subnets) {
            rejectTooWide(name, subnet);
        }
        for (int i = 0; i < subnets.size(); i++) {
            for (int j = i + 1; j < subnets.size(); j++) {
                if (subnets.get(i).overlaps(subnets.get(j))) {
                    throw new InvalidInputException("bridge " + name + " lists overlapping subnets "
                            + subnets.get(i) + " and " + subnets.get(j) + "; give each subnet once");
                }
            }
        }
    }

    private static void rejectTooWide(InterfaceName name, Cidr subnet) {
        int widest = subnet.family() == IpFamily.IPV4 ? WIDEST_IPV4_PREFIX : WIDEST_IPV6_PREFIX;
        if (subnet.prefixLength() == 0) {
            throw new InvalidInputException("subnet " + subnet + " of bridge " + name + " is the default route "
                    + "(every address); give the network's own subnet, e.g. 172.17.0.0/16");
        }
        if (subnet.prefixLength() < widest) {
            throw new InvalidInputException("subnet " + subnet + " of bridge " + name + " is wider than /" + widest
                    + ", more than any container network needs; give the network's own subnet");
        }
    }

    /**
     * A bridge with Docker's default for inter-container communication by name: on for a
     * user-defined network, off for docker0.
     */
    public Bridge(InterfaceName name, List<Cidr> subnets, boolean masquerade, boolean internal, BridgeOrigin origin) {
        this(name, subnets, masquerade, internal, origin, name == null || !name.value().equals(DOCKER0));
    }

    /** A plain bridge given by code: masqueraded, not internal, no origin, Docker's default for ICC. */
    public static Bridge of(String name, String... subnets) {
        return new Bridge(InterfaceName.of(name), Arrays.stream(subnets).map(Cidr::parse).toList(), true, false,
                new BridgeOrigin.Described(""));
    }

    public Bridge withInterContainerCommunication(boolean allowed) {
        return new Bridge(name, subnets, masquerade, internal, origin, allowed);
    }

    public List<Cidr> subnets(IpFamily family) {
        return subnets.stream().filter(c -> c.family() == family).toList();
    }
}
