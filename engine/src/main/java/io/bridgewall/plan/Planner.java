package io.bridgewall.plan;

import io.bridgewall.policy.Allowance;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.DnsResolver;
import io.bridgewall.policy.InterfacePattern;
import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Port;
import io.bridgewall.policy.PortRange;
import io.bridgewall.policy.Protocol;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.Match;
import io.bridgewall.ruleset.Match.AddressField;
import io.bridgewall.ruleset.Match.Direction;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.SetElement;
import io.bridgewall.ruleset.SetType;
import io.bridgewall.ruleset.InterfaceKeys;
import io.bridgewall.ruleset.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Policy in, ruleset out: pure, no I/O. Every bridge, subnet, range and port lives in a named
 * set, so the number of rules is fixed: 10,000 networks cost set elements, not rules, and
 * per-packet work does not grow with them. The exceptions ({@code --allow}, DNS resolvers)
 * and host ports limited to sources are the one exception: a few rules each, in the order given.
 *
 * <p>Containment: a container bridge is any interface in {@value #CONTAINED} (the policy's
 * bridges and the name patterns, e.g. docker0 and br-*) and not in {@value #UNCONTAINED} (names
 * the patterns match that are not container bridges). The rules that need no subnet (no private
 * destinations, no other bridges, no new connections in, masquerade by interface) match container
 * bridges this way, so a bridge nobody has named yet is contained from its first packet; the
 * policy's bridges then add what needs their subnets and flags.
 */
public final class Planner {
    public static final String TABLE = "bridgewall";

    public static final String BRIDGES = "bridges";
    public static final String INTERNAL_BRIDGES = "internal_bridges";
    public static final String CONTAINED = "contained";
    public static final String UNCONTAINED = "uncontained";
    public static final String ICC_PAIRS = "icc_pairs";
    public static final String BRIDGE_NETS_V4 = "bridge_nets_v4";
    public static final String BRIDGE_NETS_V6 = "bridge_nets_v6";
    public static final String MASQ_NETS_V4 = "masquerade_nets_v4";
    public static final String MASQ_NETS_V6 = "masquerade_nets_v6";
    public static final String BLOCKED_V4 = "blocked_v4";
    public static final String BLOCKED_V6 = "blocked_v6";
    public static final String TCP_PORTS = "host_tcp_ports";
    public static final String UDP_PORTS = "host_udp_ports";
    public static final String ICMPV6_TYPES = "host_icmpv6_types";

    public static final String INPUT = "input";
    public static final String FORWARD = "forward";
    public static final String POSTROUTING = "postrouting";

    /** Every set any plan can hold: a set of another name in our table was put there by someone else. */
    public static final List<String> SET_NAMES = List.of(BRIDGES, INTERNAL_BRIDGES, CONTAINED, UNCONTAINED, ICC_PAIRS, BRIDGE_NETS_V4, BRIDGE_NETS_V6,
            MASQ_NETS_V4, MASQ_NETS_V6, BLOCKED_V4, BLOCKED_V6, TCP_PORTS, UDP_PORTS, ICMPV6_TYPES);
    /** Every chain any plan can hold. */
    public static final List<String> CHAIN_NAMES = List.of(INPUT, FORWARD, POSTROUTING);

    /** Neighbour discovery and router advertisements: without them IPv6 on the host stops working. */
    static final List<Integer> ICMPV6_ESSENTIAL = List.of(134, 135, 136);

    private Planner() {
    }

    public static RuleSet plan(Policy policy) {
        List<NamedSet> sets = new ArrayList<>();
        List<Chain> chains = new ArrayList<>();
        List<Bridge> bridges = policy.bridges();

        sets.add(interfaces(BRIDGES, bridges));
        sets.add(interfaces(INTERNAL_BRIDGES, bridges.stream().filter(Bridge::internal).toList()));
        sets.add(contained(policy));
        sets.add(new NamedSet(UNCONTAINED, SetType.IFNAME, false, policy.effectiveExemptions().stream()
                .map(name -> SetElement.single(ByteString.of(name.kernelBytes()), "not a container bridge"))
                .toList()));
        sets.add(interContainerPairs(policy));
        for (IpFamily family : IpFamily.values()) {
            sets.add(addresses(family == IpFamily.IPV4 ? BRIDGE_NETS_V4 : BRIDGE_NETS_V6, family, subnets(bridges)));
            sets.add(addresses(family == IpFamily.IPV4 ? MASQ_NETS_V4 : MASQ_NETS_V6, family,
                    subnets(bridges.stream().filter(b -> b.masquerade() && !b.internal()).toList())));
            sets.add(addresses(family == IpFamily.IPV4 ? BLOCKED_V4 : BLOCKED_V6, family,
                    policy.blockedDestinations().stream().map(c -> new AddressRanges.Noted(c, "")).toList()));
        }
        if (policy.hostInput().managed()) {
            sets.add(ports(TCP_PORTS, policy.hostInput().allowedPorts(), Protocol.TCP));
            sets.add(ports(UDP_PORTS, policy.hostInput().allowedPorts(), Protocol.UDP));
            sets.add(new NamedSet(ICMPV6_TYPES, SetType.ICMPV6_TYPE, false, ICMPV6_ESSENTIAL.stream()
                    .map(t -> SetElement.single(ByteString.of(t.byteValue()), "")).toList()));
            chains.add(inputChain(policy));
        }
        chains.add(forwardChain(policy));
        chains.add(postroutingChain());
        return new RuleSet(TABLE, Family.INET, sets, chains);
    }

    private static Chain inputChain(Policy policy) {
        List<Rule> rules = new ArrayList<>(List.of(
                rule(List.of(new Match.CtStateIn(EnumSet.of(Match.CtState.ESTABLISHED, Match.CtState.RELATED))),
                        accept()),
                rule(List.of(new Match.CtStateIn(EnumSet.of(Match.CtState.INVALID))), drop()),
                rule(List.of(new Match.InterfaceIs(Direction.IN, "lo")), accept()),
                rule(List.of(new Match.Icmpv6TypeInSet(ICMPV6_TYPES)), accept()),
                rule(List.of(new Match.DestinationPortInSet(Protocol.TCP, TCP_PORTS)), accept()),
                rule(List.of(new Match.DestinationPortInSet(Protocol.UDP, UDP_PORTS)), accept())));
        // Ports open to some sources only: one rule per port and source, in order.
        rules.addAll(portSourceRules(policy));
        // DNS resolvers on the host itself (dnsmasq on 172.17.0.1): reached through input, not forward.
        rules.addAll(dnsToHostRules(policy));
        rules.add(new Rule(List.of(), List.of(Statement.Counter.zero()), "host input dropped by policy"));
        return new Chain(INPUT, Chain.ChainType.FILTER, Chain.Hook.INPUT, 0, Chain.Policy.DROP, rules);
    }

    private static Chain forwardChain(Policy policy) {
        List<Match> fromContainer = containerBridge(Direction.IN);
        List<Match> toContainer = containerBridge(Direction.OUT);
        List<Rule> rules = new ArrayList<>(List.of(
                // Same bridge only (br_netfilter hands bridged frames to this hook with iifname =
                // oifname = the bridge): routed traffic has another output interface and goes on to the drops.
                new Rule(List.of(new Match.InterfacePairInSet(ICC_PAIRS)), List.of(Statement.Counter.zero(), accept()),
                        "containers of one network that allows it reach each other"),
                countedDrop(List.of(new Match.InterfaceInSet(Direction.IN, INTERNAL_BRIDGES, false)),
                        "internal network: nothing leaves"),
                countedDrop(List.of(new Match.InterfaceInSet(Direction.OUT, INTERNAL_BRIDGES, false)),
                        "internal network: nothing enters")));
        // Exceptions (--allow, DNS resolvers): after the internal networks' drops, before every other drop.
        rules.addAll(exceptionRules(policy));
        rules.addAll(List.of(
                countedDrop(with(fromContainer, new Match.AddressInSet(IpFamily.IPV4, AddressField.DESTINATION, BLOCKED_V4)),
                        "container to private or local IPv4"),
                countedDrop(with(fromContainer, new Match.AddressInSet(IpFamily.IPV6, AddressField.DESTINATION, BLOCKED_V6)),
                        "container to private or local IPv6"),
                countedDrop(with(fromContainer, new Match.AddressInSet(IpFamily.IPV4, AddressField.DESTINATION, BRIDGE_NETS_V4)),
                        "container to container IPv4"),
                countedDrop(with(fromContainer, new Match.AddressInSet(IpFamily.IPV6, AddressField.DESTINATION, BRIDGE_NETS_V6)),
                        "container to container IPv6"),
                // By interface, so it holds for bridges whose subnets nobody knows yet (and public subnets).
                countedDrop(with(fromContainer, toContainer.toArray(Match[]::new)),
                        "container to a container bridge, its own or another, known or not"),
                // Issue 13 (Docker's own iptables alongside): `ct status dnat accept` goes just before this rule.
                countedDrop(with(toContainer, new Match.CtStateIn(EnumSet.of(Match.CtState.NEW, Match.CtState.INVALID,
                                Match.CtState.UNTRACKED))),
                        "no new connections into containers from outside; replies pass")));
        return new Chain(FORWARD, Chain.ChainType.FILTER, Chain.Hook.FORWARD, 0, Chain.Policy.ACCEPT, rules);
    }

    /**
     * One accept rule per exception, per bridge it is limited to (or every container bridge)
     * and per protocol, in the order the exceptions were given. Rules rather than sets: there
     * are few, and each has its own counter and a comment naming where it came from.
     * An exception whose networks do not exist plans no rule (the policy warns about them).
     */
    static List<Rule> exceptionRules(Policy policy) {
        List<Rule> out = new ArrayList<>();
        for (Allowance allowance : policy.exceptions()) {
            List<List<Match>> sources = new ArrayList<>();
            if (allowance.limitedToNetworks()) {
                policy.bridgesOf(allowance).forEach(bridge -> sources.add(List.of(new Match.InterfaceIs(Direction.IN,
                        bridge.name().value()))));
            } else {
                sources.add(containerBridge(Direction.IN));
            }
            String comment = comment("exception " + allowance.text() + (allowance.origin().isEmpty() ? "" : " - " + allowance.origin()));
            Match destination = new Match.AddressIn(AddressField.DESTINATION, allowance.destination());
            for (List<Match> source : sources) {
                for (List<Match> transport : transports(allowance)) {
                    List<Match> matches = with(source, destination);
                    matches.addAll(transport);
                    out.add(new Rule(matches, List.of(Statement.Counter.zero(), accept()), comment));
                }
            }
        }
        return out;
    }

    /**
     * The layer-4 matches of an exception, one list per rule: no match at all (every
     * protocol), or per protocol its ports or, without ports, the protocol alone.
     */
    private static List<List<Match>> transports(Allowance allowance) {
        if (allowance.protocols().isEmpty()) {
            return List.of(List.of());
        }
        return allowance.protocolsInOrder().stream()
                .map(protocol -> List.<Match>of(allowance.ports().isPresent()
                        ? new Match.DestinationPortIn(protocol, allowance.ports().get())
                        : new Match.ProtocolIs(protocol)))
                .toList();
    }

    /**
     * Port 53, udp and tcp, from container bridges to each DNS resolver, in the input chain: a
     * resolver that is one of the host's own addresses is reached there, never in forward. Planned
     * for every resolver, whichever addresses the host has today: input only sees packets for the
     * host, so for a resolver elsewhere these rules never match, and an address the host gains later
     * (DHCP) needs no new plan.
     */
    static List<Rule> dnsToHostRules(Policy policy) {
        List<Rule> out = new ArrayList<>();
        java.util.Set<Cidr> seen = new java.util.HashSet<>();
        for (DnsResolver resolver : policy.dnsResolvers()) {
            if (!seen.add(resolver.address())) {
                continue;
            }
            // tcp first, as the forward exceptions are ordered
            for (Protocol protocol : List.of(Protocol.TCP, Protocol.UDP)) {
                out.add(new Rule(with(containerBridge(Direction.IN), new Match.AddressIn(AddressField.DESTINATION,
                                resolver.address()), new Match.DestinationPortIn(protocol, PortRange.single(DnsResolver.PORT))),
                        List.of(Statement.Counter.zero(), accept()), comment("dns to the host: " + resolver.source())));
            }
        }
        return out;
    }

    private static List<Rule> portSourceRules(Policy policy) {
        List<Rule> out = new ArrayList<>();
        policy.hostInput().portSources().forEach((port, sources) -> {
            for (Cidr source : sources) {
                out.add(new Rule(List.of(new Match.AddressIn(AddressField.SOURCE, source),
                        new Match.DestinationPortIn(port.protocol(), PortRange.single(port.number()))),
                        List.of(Statement.Counter.zero(), accept()), comment("host port " + port + " from " + source)));
            }
        });
        return out;
    }

    /**
     * A comment the kernel keeps and nft prints back the same: printable ASCII without double
     * quotes, at most 127 bytes (NFTNL_UDATA_COMMENT_MAXLEN less the NUL), cut with "...".
     */
    static String comment(String text) {
        String plain = text.replaceAll("[^\\x20-\\x7e]", "?").replace('"', '\'');
        return plain.length() <= MAX_COMMENT ? plain : plain.substring(0, MAX_COMMENT - 3) + "...";
    }

    private static final int MAX_COMMENT = 127;

    private static Chain postroutingChain() {
        Match leavesBridges = new Match.InterfaceInSet(Direction.OUT, BRIDGES, true);
        return new Chain(POSTROUTING, Chain.ChainType.NAT, Chain.Hook.POSTROUTING, 100, Chain.Policy.ACCEPT, List.of(
                new Rule(List.of(leavesBridges, new Match.AddressInSet(IpFamily.IPV4, AddressField.SOURCE, MASQ_NETS_V4)),
                        List.of(new Statement.Masquerade()), "containers leaving the host, IPv4"),
                new Rule(List.of(leavesBridges, new Match.AddressInSet(IpFamily.IPV6, AddressField.SOURCE, MASQ_NETS_V6)),
                        List.of(new Statement.Masquerade()), "containers leaving the host, IPv6"),
                // The kernel gives POSTROUTING the input device of a forwarded packet, so this needs no subnet.
                // Known bridges are left to the rules above: internal ones and those that do not masquerade stay so.
                new Rule(with(containerBridge(Direction.IN), new Match.InterfaceInSet(Direction.IN, BRIDGES, true)),
                        List.of(new Statement.Masquerade()), "containers of networks not known yet leaving the host")));
    }

    /** A container bridge: in {@value #CONTAINED} and not in {@value #UNCONTAINED}; two set lookups. */
    private static List<Match> containerBridge(Direction direction) {
        return List.of(new Match.InterfaceInSet(direction, CONTAINED, false),
                new Match.InterfaceInSet(direction, UNCONTAINED, true));
    }

    private static List<Match> with(List<Match> first, Match... more) {
        List<Match> out = new ArrayList<>(first);
        out.addAll(List.of(more));
        return out;
    }

    private static Rule rule(List<Match> matches, Statement verdict) {
        return new Rule(matches, List.of(verdict), "");
    }

    private static Rule countedDrop(List<Match> matches, String comment) {
        return new Rule(matches, List.of(Statement.Counter.zero(), drop()), comment);
    }

    private static Statement accept() {
        return new Statement.Accept();
    }

    private static Statement drop() {
        return new Statement.Drop();
    }

    private static NamedSet interfaces(String name, List<Bridge> bridges) {
        return new NamedSet(name, SetType.IFNAME, false, bridges.stream()
                .sorted(java.util.Comparator.comparing(Bridge::name))
                .map(b -> SetElement.single(ByteString.of(b.name().kernelBytes()), b.origin().describe()))
                .toList());
    }

    /** One "br-x" . "br-x" pair per bridge whose containers may reach each other. */
    private static NamedSet interContainerPairs(Policy policy) {
        return new NamedSet(ICC_PAIRS, SetType.IFNAME_PAIR, false, policy.interContainerBridges().stream()
                .sorted(java.util.Comparator.comparing(Bridge::name))
                .map(b -> SetElement.single(InterfaceKeys.pairKey(b.name().kernelBytes(), b.name().kernelBytes()),
                        b.origin().describe()))
                .toList());
    }

    /** The patterns and every bridge of the policy, whatever its name; a name a pattern covers is held by it. */
    private static NamedSet contained(Policy policy) {
        List<InterfaceRanges.Noted> names = new ArrayList<>();
        policy.containment().patterns().forEach(p -> names.add(new InterfaceRanges.Noted(p, "name pattern")));
        policy.bridges().forEach(b -> names.add(new InterfaceRanges.Noted(InterfacePattern.of(b.name().value()),
                b.origin().describe())));
        return new NamedSet(CONTAINED, SetType.IFNAME, true, InterfaceRanges.merge(names));
    }

    private static List<AddressRanges.Noted> subnets(List<Bridge> bridges) {
        List<AddressRanges.Noted> out = new ArrayList<>();
        for (Bridge bridge : bridges) {
            for (Cidr subnet : bridge.subnets()) {
                out.add(new AddressRanges.Noted(subnet, bridge.name().value()));
            }
        }
        return out;
    }

    private static NamedSet addresses(String name, IpFamily family, List<AddressRanges.Noted> networks) {
        return new NamedSet(name, family == IpFamily.IPV4 ? SetType.IPV4_ADDR : SetType.IPV6_ADDR, true,
                AddressRanges.merge(networks, family));
    }

    private static NamedSet ports(String name, List<Port> ports, Protocol protocol) {
        return new NamedSet(name, SetType.INET_SERVICE, false, ports.stream()
                .filter(p -> p.protocol() == protocol)
                .map(p -> SetElement.single(ByteString.bigEndianU16(p.number()), ""))
                .toList());
    }
}
