package io.bridgewall.policy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything bridgewall enforces, as plain data: the bridges containers live on, the
 * destinations they must never reach, the host's own input policy, and which interfaces are
 * contained as container bridges before anyone has named them. Immutable and validated on
 * construction, so the planner never sees a bad value.
 */
public record Policy(List<Bridge> bridges, List<Cidr> blockedDestinations, HostInput hostInput, Containment containment,
                     Isolation isolation, List<Allowance> allowances, List<DnsResolver> dnsResolvers) {
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
        Set<InterfaceName> seen = new HashSet<>();
        for (Bridge bridge : bridges) {
            if (!seen.add(bridge.name())) {
                throw new InvalidInputException("bridge " + bridge.name() + " is given twice; give each bridge once");
            }
        }
        rejectOverlappingSubnets(bridges);
    }

    /** No exceptions and no DNS resolvers. */
    public Policy(List<Bridge> bridges, List<Cidr> blockedDestinations, HostInput hostInput, Containment containment,
                  Isolation isolation) {
        this(bridges, blockedDestinations, hostInput, containment, isolation, List.of(), List.of());
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
        return new Policy(bridges, blockedDestinations, hostInput, other, isolation, allowances, dnsResolvers);
    }

    public Policy withIsolation(Isolation other) {
        return new Policy(bridges, blockedDestinations, hostInput, containment, other, allowances, dnsResolvers);
    }

    /** The same policy with these exceptions ({@code --allow}, the config file) instead of its own. */
    public Policy withAllowances(List<Allowance> other) {
        return new Policy(bridges, blockedDestinations, hostInput, containment, isolation, other, dnsResolvers);
    }

    /** The same policy with these DNS resolvers (each an exception for udp and tcp 53) instead of its own. */
    public Policy withDnsResolvers(List<DnsResolver> other) {
        return new Policy(bridges, blockedDestinations, hostInput, containment, isolation, allowances, other);
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

    /**
     * The bridges whose containers may reach each other (on that bridge only): none under strict
     * isolation, else those whose network allows inter-container communication.
     */
    public List<Bridge> interContainerBridges() {
        return isolation == Isolation.STRICT ? List.of()
                : bridges.stream().filter(Bridge::interContainerCommunication).toList();
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
