package io.bridgewall.policy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.Set;

/**
 * Everything bridgewall enforces, as plain data: the bridges containers live on, the
 * destinations they must never reach, the host's own input policy, and which interfaces are
 * contained as container bridges before anyone has named them. Immutable and validated on
 * construction, so the planner never sees a bad value.
 *
 * @param isolation        for every bridge whose Docker network has no entry in {@code networkIsolation}
 * @param networkIsolation isolation for the Docker network of that name (its bridge, once Docker
 *                         reports it), over {@code isolation}: strict everywhere but one network,
 *                         or one network strict
 */
public record Policy(List<Bridge> bridges, List<Cidr> blockedDestinations, HostInput hostInput, Containment containment,
                     Isolation isolation, List<Allowance> allowances, List<DnsResolver> dnsResolvers,
                     DockerFirewall dockerFirewall,
                     PublishedPorts publishedPorts,
                     DropLogging dropLogging,
                     Map<String, Isolation> networkIsolation) {
    /** The seed's private ranges plus link-local (cloud metadata) and carrier-grade NAT. */
    public static final List<Cidr> DEFAULT_BLOCKED = List.of(
            Cidr.parse("10.0.0.0/8"),
            Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.168.0.0/16"),
            Cidr.parse("169.254.0.0/16"),
            Cidr.parse("100.64.0.0/10"),
            Cidr.parse("fc00::/7"),
            Cidr.parse("fe80::/10"));

    public Policy {
        bridges = List.copyOf(bridges);
        blockedDestinations = List.copyOf(blockedDestinations);
        allowances = List.copyOf(allowances);
        dnsResolvers = List.copyOf(dnsResolvers);
        if (hostInput == null) {
            throw new InvalidInputException("host input policy is missing");
        }
        if (containment == null) {
            throw new InvalidInputException("containment is missing");
        }
        if (isolation == null) {
            throw new InvalidInputException("isolation is missing");
        }
        if (dockerFirewall == null) {
            throw new InvalidInputException("Docker's firewall mode is missing");
        }
        // Sorted: the same policy always describes itself the same way.
        networkIsolation = java.util.Collections.unmodifiableMap(new TreeMap<>(networkIsolation));
        networkIsolation.forEach((network, value) -> {
            if (network == null || !DOCKER_NETWORK_NAME.matcher(network).matches()) {
                throw new InvalidInputException("isolation for network '" + network + "': not a Docker network name "
                        + "(letters, digits, and _ . - after the first)");
            }
            if (value == null) {
                throw new InvalidInputException("isolation for network '" + network + "' is missing; give strict or docker");
            }
        });
        if (dropLogging == null) {
            throw new InvalidInputException("dropLogging is missing");
        }
        if (publishedPorts == null) {
            throw new InvalidInputException("the published ports are missing");
        }
        Set<InterfaceName> seen = new HashSet<>();
        for (Bridge bridge : bridges) {
            if (!seen.add(bridge.name())) {
                throw new InvalidInputException("bridge " + bridge.name() + " is given twice; give each bridge once");
            }
        }
        rejectOverlappingSubnets(bridges);
    }

    /** No exceptions, no DNS resolvers, Docker's own firewall off. */
    public Policy(List<Bridge> bridges, List<Cidr> blockedDestinations, HostInput hostInput, Containment containment,
                  Isolation isolation) {
        this(bridges, blockedDestinations, hostInput, containment, isolation, List.of(), List.of(), DockerFirewall.off(), PublishedPorts.none(), DropLogging.off(), Map.of());
    }

    /** Docker's isolation semantics (each network's enable_icc). */
    public Policy(List<Bridge> bridges, List<Cidr> blockedDestinations, HostInput hostInput, Containment containment) {
        this(bridges, blockedDestinations, hostInput, containment, Isolation.DOCKER);
    }

    /** The given bridges with Docker's bridge naming contained. */
    public Policy(List<Bridge> bridges, List<Cidr> blockedDestinations, HostInput hostInput) {
        this(bridges, blockedDestinations, hostInput, Containment.dockerNaming());
    }

    public static Policy withDefaults(List<Bridge> bridges) {
        return new Policy(bridges, DEFAULT_BLOCKED, HostInput.defaults());
    }

    public Policy withContainment(Containment other) {
        return new Policy(bridges, blockedDestinations, hostInput, other, isolation, allowances, dnsResolvers, dockerFirewall, publishedPorts, dropLogging, networkIsolation);
    }

    /** The same policy with these published ports (what Docker publishes; watch keeps them current). */
    public Policy withPublishedPorts(PublishedPorts other) {
        return new Policy(bridges, blockedDestinations, hostInput, containment, isolation, allowances, dnsResolvers, dockerFirewall, other, dropLogging, networkIsolation);
    }

    /** The same policy with drops logged (rate-limited, a prefix per reason) or not. */
    public Policy withDropLogging(DropLogging other) {
        return new Policy(bridges, blockedDestinations, hostInput, containment, isolation, allowances, dnsResolvers, dockerFirewall, publishedPorts, other, networkIsolation);
    }

    /** The same policy with {@code other} as the isolation of those Docker networks (over the policy's own). */
    public Policy withNetworkIsolation(Map<String, Isolation> other) {
        return new Policy(bridges, blockedDestinations, hostInput, containment, isolation, allowances, dnsResolvers, dockerFirewall, publishedPorts, dropLogging, other);
    }

    public Policy withIsolation(Isolation other) {
        return new Policy(bridges, blockedDestinations, hostInput, containment, other, allowances, dnsResolvers, dockerFirewall, publishedPorts, dropLogging, networkIsolation);
    }

    public Policy withDockerFirewall(DockerFirewall other) {
        return new Policy(bridges, blockedDestinations, hostInput, containment, isolation, allowances, dnsResolvers, other, publishedPorts, dropLogging, networkIsolation);
    }

    /** The same policy with these exceptions ({@code --allow}, the config file) instead of its own. */
    public Policy withAllowances(List<Allowance> other) {
        return new Policy(bridges, blockedDestinations, hostInput, containment, isolation, other, dnsResolvers, dockerFirewall, publishedPorts, dropLogging, networkIsolation);
    }

    /** The same policy with these DNS resolvers (each an exception for udp and tcp 53) instead of its own. */
    public Policy withDnsResolvers(List<DnsResolver> other) {
        return new Policy(bridges, blockedDestinations, hostInput, containment, isolation, allowances, other, dockerFirewall, publishedPorts, dropLogging, networkIsolation);
    }

    /**
     * Every exception to plan, in order: the allowances as given, then one per DNS resolver.
     * An exception whose scope (destination, ports, protocols, networks) an earlier one already
     * has is left out: the first one's origin names the rule.
     */
    public List<Allowance> exceptions() {
        Set<Allowance> seen = new HashSet<>();
        List<Allowance> out = new ArrayList<>();
        for (Allowance allowance : allowancesWithResolvers()) {
            if (seen.add(allowance.scope())) {
                out.add(allowance);
            }
        }
        return out;
    }

    private List<Allowance> allowancesWithResolvers() {
        List<Allowance> all = new ArrayList<>(allowances);
        dnsResolvers.forEach(resolver -> all.add(resolver.allowance()));
        return all;
    }

    /**
     * The bridges an exception limited to networks is for: those whose Docker network, or whose
     * interface, has one of its names. Empty for an exception that is not limited (it is for
     * every container bridge) and for one whose networks do not exist (yet).
     */
    public List<Bridge> bridgesOf(Allowance allowance) {
        return bridges.stream().filter(bridge -> allowance.networks().stream().anyMatch(name -> names(bridge, name)))
                .sorted(Comparator.comparing(Bridge::name))
                .toList();
    }

    /** Network names of exceptions that no bridge of the policy has: those parts allow nothing (a warning). */
    public List<String> unknownAllowanceNetworks() {
        return exceptions().stream().flatMap(allowance -> allowance.networks().stream())
                .filter(name -> bridges.stream().noneMatch(bridge -> names(bridge, name)))
                .distinct()
                .toList();
    }

    private static boolean names(Bridge bridge, String name) {
        return bridge.name().value().equals(name)
                || bridge.origin().dockerNetwork().map(docker -> docker.network().equals(name)).orElse(false);
    }

    /** Docker's rule for network names. */
    private static final Pattern DOCKER_NETWORK_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");

    /**
     * The isolation that holds on {@code bridge}: its Docker network's own entry, else the
     * policy's. A bridge no Docker network names (given with --bridge) has only the policy's.
     */
    public Isolation isolationOf(Bridge bridge) {
        return networkEntry(bridge).map(networkIsolation::get).orElse(isolation);
    }

    /** The Docker network name whose entry in {@code networkIsolation} decides {@code bridge}, if one does. */
    public Optional<String> networkEntry(Bridge bridge) {
        return bridge.origin().dockerNetwork().map(BridgeOrigin.Docker::network).filter(networkIsolation::containsKey);
    }

    /** Entries of {@code networkIsolation} no bridge of the policy belongs to (yet): for {@code plan} to say so. */
    public List<String> unmatchedNetworkIsolation() {
        Set<String> present = new HashSet<>();
        bridges.forEach(b -> b.origin().dockerNetwork().ifPresent(d -> present.add(d.network())));
        return networkIsolation.keySet().stream().filter(name -> !present.contains(name)).toList();
    }

    /**
     * The bridges whose containers may reach each other (on that bridge only): those under
     * docker isolation (their network's entry, else the policy's) whose network allows
     * inter-container communication; docker0's never does.
     */
    public List<Bridge> interContainerBridges() {
        return bridges.stream().filter(this::containersTalkOn).toList();
    }

    /**
     * Whether {@code bridge}'s containers may reach each other: one of {@link #interContainerBridges()},
     * decided without a search through them (10,000 bridges each looked up in that list made 50
     * million comparisons).
     */
    public boolean containersTalkOn(Bridge bridge) {
        return isolationOf(bridge) == Isolation.DOCKER && bridge.interContainerCommunication();
    }

    /**
     * The exempt names that take effect: a bridge of the policy is always contained, so an
     * exemption naming one is ignored ({@link #ignoredExemptions()} lists those).
     */
    public List<InterfaceName> effectiveExemptions() {
        return containment.exempt().stream().filter(name -> !isBridge(name)).toList();
    }

    /** Exempt names that are bridges of the policy: contained all the same. */
    public List<Bridge> ignoredExemptions() {
        return bridges.stream().filter(b -> containment.exempt().contains(b.name())).toList();
    }

    private boolean isBridge(InterfaceName name) {
        return bridges.stream().anyMatch(b -> b.name().equals(name));
    }

    /** Two bridges sharing addresses would make masquerade and isolation ambiguous. O(n log n). */
    private static void rejectOverlappingSubnets(List<Bridge> bridges) {
        // First and last addresses computed once per subnet, not once per comparison (watch
        // builds a policy of 10,000 bridges for every change).
        record Owned(Cidr cidr, IpFamily family, BigInteger first, BigInteger last, Bridge owner) {
        }
        List<Owned> all = new ArrayList<>();
        for (Bridge bridge : bridges) {
            for (Cidr cidr : bridge.subnets()) {
                all.add(new Owned(cidr, cidr.family(), cidr.first(), cidr.last(), bridge));
            }
        }
        all.sort(Comparator.comparing(Owned::family).thenComparing(Owned::first)
                .thenComparingInt(owned -> owned.cidr().prefixLength()));
        // Sorted by first address, an overlap always involves the entry that reaches furthest so far.
        Owned reach = null;
        for (Owned current : all) {
            if (reach != null && reach.family() == current.family() && current.first().compareTo(reach.last()) <= 0) {
                throw new InvalidInputException("subnet " + current.cidr() + " of bridge " + current.owner().name()
                        + " overlaps " + reach.cidr() + " of bridge " + reach.owner().name()
                        + "; each bridge needs its own subnet");
            }
            if (reach == null || reach.family() != current.family() || current.last().compareTo(reach.last()) > 0) {
                reach = current;
            }
        }
    }
}
