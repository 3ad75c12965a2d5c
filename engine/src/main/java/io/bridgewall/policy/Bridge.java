package io.bridgewall.policy;

import java.util.List;

/**
 * A Linux bridge that containers hang off, with the subnets its containers use.
 *
 * @param name        the bridge interface (docker0, br-0123456789ab, ...)
 * @param subnets     IPv4 and IPv6 subnets of the network
 * @param masquerade  whether traffic from the subnets is masqueraded when it leaves the host
 * @param internal    an internal network: nothing leaves the bridge at all
 * @param origin      where the bridge came from, for humans (e.g. the Docker network's name and id)
 */
public record Bridge(InterfaceName name, List<Cidr> subnets, boolean masquerade, boolean internal, String origin) {
    public Bridge {
        if (name == null) {
            throw new InvalidInputException("bridge has no interface name");
        }
        subnets = List.copyOf(subnets);
        origin = origin == null ? "" : origin;
        for (int i = 0; i < subnets.size(); i++) {
            for (int j = i + 1; j < subnets.size(); j++) {
                if (subnets.get(i).overlaps(subnets.get(j))) {
                    throw new InvalidInputException("bridge " + name + " lists overlapping subnets "
                            + subnets.get(i) + " and " + subnets.get(j) + "; give each subnet once");
                }
            }
        }
    }

    /** A plain bridge given by hand: masqueraded, not internal. */
    public static Bridge of(String name, String... subnets) {
        return new Bridge(InterfaceName.of(name), java.util.Arrays.stream(subnets).map(Cidr::parse).toList(),
                true, false, "");
    }

    public List<Cidr> subnets(IpFamily family) {
        return subnets.stream().filter(c -> c.family() == family).toList();
    }
}
