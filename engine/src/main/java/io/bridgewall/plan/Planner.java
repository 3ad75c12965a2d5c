package io.bridgewall.plan;

import io.bridgewall.policy.Allowance;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.DropLogging;
import io.bridgewall.policy.DnsResolver;
import io.bridgewall.policy.InterfacePattern;
import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Port;
import io.bridgewall.policy.PortRange;
import io.bridgewall.policy.Protocol;
import io.bridgewall.policy.PublishedPort;
import io.bridgewall.policy.PublishedPorts;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.Match;
import io.bridgewall.ruleset.Match.AddressField;
import io.bridgewall.ruleset.Match.Direction;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.ServiceKeys;
import io.bridgewall.ruleset.SetElement;
import io.bridgewall.ruleset.SetType;
import io.bridgewall.ruleset.InterfaceKeys;
import io.bridgewall.ruleset.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    public static final String PUBLISHED_V4 = "published_v4";
    public static final String PUBLISHED_V6 = "published_v6";
    public static final String PUBLISHED_ADDR_V4 = "published_addr_v4";
    public static final String PUBLISHED_ADDR_V6 = "published_addr_v6";

    public static final String INPUT = "input";
    public static final String FORWARD = "forward";
    public static final String POSTROUTING = "postrouting";

    /** Every set any plan can hold: a set of another name in our table was put there by someone else. */
    public static final List<String> SET_NAMES = List.of(BRIDGES, INTERNAL_BRIDGES, CONTAINED, UNCONTAINED, ICC_PAIRS, BRIDGE_NETS_V4, BRIDGE_NETS_V6,
            MASQ_NETS_V4, MASQ_NETS_V6, BLOCKED_V4, BLOCKED_V6, TCP_PORTS, UDP_PORTS, ICMPV6_TYPES,
            PUBLISHED_V4, PUBLISHED_V6, PUBLISHED_ADDR_V4, PUBLISHED_ADDR_V6);
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
            sets.addAll(publishedPortSets(policy.publishedPorts()));
            chains.add(withDropLogging(inputChain(policy), policy.dropLogging()));
        }
        Chain forward = withDropLogging(forwardChain(policy), policy.dropLogging());
        chains.add(policy.fastPath().enabled() ? withFastPath(forward, sets, policy.fastPath().markMask()) : forward);
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
        // Docker's published ports (its userland proxy serves them on the host's addresses):
        // sets always present, so starting and stopping containers changes elements only.
        rules.add(publishedPortRule(IpFamily.IPV4, false, PUBLISHED_V4));
        rules.add(publishedPortRule(IpFamily.IPV6, false, PUBLISHED_V6));
        rules.add(publishedPortRule(IpFamily.IPV4, true, PUBLISHED_ADDR_V4));
        rules.add(publishedPortRule(IpFamily.IPV6, true, PUBLISHED_ADDR_V6));
        rules.add(new Rule(List.of(), List.of(Statement.Counter.zero()), "host input dropped by policy"));
        return new Chain(INPUT, Chain.ChainType.FILTER, Chain.Hook.INPUT, 0, Chain.Policy.DROP, rules);
    }

    private static Rule publishedPortRule(IpFamily family, boolean withAddress, String set) {
        return new Rule(List.of(new Match.ServiceInSet(family, withAddress, set)), List.of(Statement.Counter.zero(), accept()),
                "ports Docker publishes on " + (withAddress ? "one host address" : "every address") + ", "
                        + (family == IpFamily.IPV4 ? "IPv4" : "IPv6"));
    }

    /**
     * The four published-port sets: protocol . port for ports on every address of a family,
     * address . protocol . port for ports on one host address. Loopback-only ports need nothing.
     * Containers sharing a key (a hostile answer, or a port Docker lists twice) share its element.
     */
    private static List<NamedSet> publishedPortSets(PublishedPorts published) {
        Map<String, TreeMap<ByteString, String>> elements = new LinkedHashMap<>();
        for (String name : List.of(PUBLISHED_V4, PUBLISHED_V6, PUBLISHED_ADDR_V4, PUBLISHED_ADDR_V6)) {
            elements.put(name, new TreeMap<>());
        }
        for (PublishedPort port : published.toOpen()) {
            boolean v4 = port.family() == IpFamily.IPV4;
            String name = port.address().isEmpty() ? (v4 ? PUBLISHED_V4 : PUBLISHED_V6) : (v4 ? PUBLISHED_ADDR_V4 : PUBLISHED_ADDR_V6);
            byte[] address = port.address().map(java.net.InetAddress::getAddress).orElse(new byte[0]);
            ByteString key = ServiceKeys.key(address, port.protocol() == Protocol.TCP ? IPPROTO_TCP : IPPROTO_UDP, port.port());
            elements.get(name).merge(key, port.container(), (a, b) -> a.equals(b) ? a : a + ", " + b);
        }
        return List.of(
                servicesSet(PUBLISHED_V4, SetType.PROTO_SERVICE, elements.get(PUBLISHED_V4)),
                servicesSet(PUBLISHED_V6, SetType.PROTO_SERVICE, elements.get(PUBLISHED_V6)),
                servicesSet(PUBLISHED_ADDR_V4, SetType.IPV4_PROTO_SERVICE, elements.get(PUBLISHED_ADDR_V4)),
                servicesSet(PUBLISHED_ADDR_V6, SetType.IPV6_PROTO_SERVICE, elements.get(PUBLISHED_ADDR_V6)));
    }

    private static NamedSet servicesSet(String name, SetType type, Map<ByteString, String> notes) {
        return new NamedSet(name, type, false, notes.entrySet().stream()
                .map(e -> SetElement.single(e.getKey(), e.getValue())).toList());
    }

    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;

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
        if (policy.dockerFirewall().present()) {
            // Docker's published ports arrive DNAT'd through this hook, from any address, and the
            // container's replies go back to it (a LAN client's reply is "to a private address").
            // Only connections Docker's own rules rewrote pass; a container cannot make its own so.
            rules.add(new Rule(List.of(new Match.CtStatusIn(EnumSet.of(Match.CtStatus.DNAT))),
                    List.of(Statement.Counter.zero(), accept()),
                    "published ports: connections Docker's own firewall forwarded to a container, both ways"));
        }
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
                countedDrop(with(toContainer, new Match.CtStateIn(EnumSet.of(Match.CtState.NEW, Match.CtState.INVALID,
                                Match.CtState.UNTRACKED))),
                        "no new connections into containers from outside; replies pass")));
        return new Chain(FORWARD, Chain.ChainType.FILTER, Chain.Hook.FORWARD, 0, Chain.Policy.ACCEPT, rules);
    }

    /**
     * The per-packet fast path: established packets of connections that carry this policy's mark
     * are accepted first, by a rule without a counter (the one every packet of a long transfer
     * takes). The mark says "the checks let this connection's original direction through": it
     * is stamped by what the checks let through going the original way (the last rule, before
     * the chain's accept policy), and by the accepts whose verdict is the same both ways
     * (same-network pairs, Docker's published ports). Never by a reply that passed only because
     * replies pass: a connection to the LAN opened before the first apply (or allowed under the
     * previous policy) whose echo came back after the commit would carry the mark, and its next
     * packet to the LAN would take the fast path (seen in CI, FastPathLabTest). Nor by an
     * exception's accept, which a reply can match too: those connections walk the checks.
     * Related packets (ICMP errors, expectations, which inherit their master's mark) and new
     * ones are always checked. A connection admitted under another policy has another mark, so
     * its next packet walks the checks: cut when they drop it, re-stamped when they let its
     * original direction through.
     */
    static Chain withFastPath(Chain forward, List<NamedSet> sets, int mask) {
        int mark = PolicyMark.of(forward, sets, mask);
        Statement.CtMarkSet stamp = new Statement.CtMarkSet(mask, mark);
        List<Rule> rules = new ArrayList<>();
        rules.add(new Rule(List.of(new Match.CtStateIn(EnumSet.of(Match.CtState.ESTABLISHED)), new Match.CtMarkIs(mask, mark)),
                List.of(accept()), "fast path: established connections this policy admitted"));
        for (Rule rule : forward.rules()) {
            List<Statement> statements = rule.statements();
            if (statements.contains(accept()) && sameVerdictBothWays(rule)) {
                List<Statement> stamped = new ArrayList<>(statements);
                stamped.add(stamped.indexOf(accept()), stamp);
                rule = new Rule(rule.matches(), stamped, rule.comment());
            }
            rules.add(rule);
        }
        if (forward.policy() != Chain.Policy.ACCEPT) {
            throw new IllegalStateException("the fast path stamps the fall-through to an accept policy; the forward chain drops");
        }
        rules.add(new Rule(List.of(new Match.CtDirectionIs(Match.CtDirection.ORIGINAL)), List.of(stamp),
                "fast path: what the checks let through carries this policy's mark"));
        return new Chain(forward.name(), forward.type(), forward.hook(), forward.priority(), forward.policy(), rules);
    }

    /**
     * Whether a rule matches a connection's replies exactly when it matches its original
     * direction: a pair from icc_pairs (only "br-x" . "br-x", the same both ways), a status
     * both directions share.
     */
    private static boolean sameVerdictBothWays(Rule rule) {
        return !rule.matches().isEmpty() && rule.matches().stream()
                .allMatch(m -> m instanceof Match.InterfacePairInSet pair && pair.set().equals(ICC_PAIRS)
                        || m instanceof Match.CtStatusIn);
    }

    /** The fast path's mark in a plan (the value of its ct mark match), if it has one. */
    public static java.util.OptionalInt fastPathMark(RuleSet plan) {
        return plan.chains().stream().filter(c -> c.name().equals(FORWARD)).findFirst().stream()
                .flatMap(c -> c.rules().stream()).flatMap(r -> r.matches().stream())
                .filter(m -> m instanceof Match.CtMarkIs).findFirst()
                .map(m -> java.util.OptionalInt.of(((Match.CtMarkIs) m).value())).orElse(java.util.OptionalInt.empty());
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

    /**
     * Logging of drops (issue 10), when on: log rules just before each drop, with the drop's
     * matches, then {@code limit rate … log prefix "<reason>" …} and no verdict. Never {@code
     * limit … log … drop} in one rule: above the limit that rule stops matching and the packet
     * goes on, undropped. The input chain drops by its policy, so its log rule comes last; its
     * {@code ct state invalid drop} is not logged (late segments of closed connections: noise).
     * The plan without logging is left exactly as it is.
     */
    private static Chain withDropLogging(Chain chain, DropLogging logging) {
        if (!logging.enabled()) {
            return chain;
        }
        boolean dropsByPolicy = chain.policy() == Chain.Policy.DROP;
        List<Rule> rules = new ArrayList<>();
        for (Rule rule : chain.rules()) {
            if (!dropsByPolicy && rule.statements().contains(drop())) {
                rules.addAll(logRules(rule, logging));
            }
            rules.add(rule);
        }
        if (dropsByPolicy) {
            rules.add(logRule(List.of(), DropLogging.Reason.HOST_INPUT, logging, "host input dropped by policy"));
        }
        return new Chain(chain.name(), chain.type(), chain.hook(), chain.priority(), chain.policy(), rules);
    }

    /**
     * One log rule with the drop's matches; three for a blocked-range drop, split by where the
     * packet goes. Docker's subnets lie in the blocked ranges (172.17.0.0/16, 192.168.0.0/20 pools,
     * fd00::/8), so traffic between containers meets that drop before the isolation drops: it is
     * logged as isolation when it goes to a container bridge, as blocked otherwise. The three
     * output-interface conditions cover every packet exactly once.
     */
    private static List<Rule> logRules(Rule drop, DropLogging logging) {
        DropLogging.Reason reason = dropReason(drop);
        if (reason != DropLogging.Reason.BLOCKED) {
            return List.of(logRule(drop.matches(), reason, logging, drop.comment()));
        }
        List<Match> toContainer = with(drop.matches(), containerBridge(Direction.OUT).toArray(Match[]::new));
        List<Match> notToContainerBridge = with(drop.matches(), new Match.InterfaceInSet(Direction.OUT, CONTAINED, true));
        List<Match> toUncontained = with(drop.matches(), new Match.InterfaceInSet(Direction.OUT, CONTAINED, false),
                new Match.InterfaceInSet(Direction.OUT, UNCONTAINED, false));
        return List.of(
                logRule(toContainer, DropLogging.Reason.ISOLATION, logging, drop.comment() + ", to a container bridge"),
                logRule(notToContainerBridge, reason, logging, drop.comment()),
                logRule(toUncontained, reason, logging, drop.comment() + ", to an uncontained bridge"));
    }

    private static Rule logRule(List<Match> matches, DropLogging.Reason reason, DropLogging logging, String dropped) {
        Statement.Log log = logging.group().isPresent()
                ? Statement.Log.toGroup(reason.prefix(), logging.group().getAsInt())
                : Statement.Log.toKernelLog(reason.prefix());
        return new Rule(matches, List.of(new Statement.Limit(logging.rate().count(), limitUnit(logging.rate().per())), log),
                "log: " + dropped);
    }

    /** Why a forward-chain rule drops, read off the sets it matches. */
    static DropLogging.Reason dropReason(Rule drop) {
        List<Match> matches = drop.matches();
        if (matches.stream().anyMatch(m -> m instanceof Match.InterfaceInSet i && i.set().equals(INTERNAL_BRIDGES))) {
            return DropLogging.Reason.INTERNAL;
        }
        if (matches.stream().anyMatch(m -> m instanceof Match.AddressInSet a
                && (a.set().equals(BLOCKED_V4) || a.set().equals(BLOCKED_V6)))) {
            return DropLogging.Reason.BLOCKED;
        }
        if (matches.stream().anyMatch(m -> m instanceof Match.CtStateIn c && c.states().contains(Match.CtState.NEW))) {
            return DropLogging.Reason.INBOUND;
        }
        if (matches.stream().anyMatch(m -> m instanceof Match.AddressInSet a
                && (a.set().equals(BRIDGE_NETS_V4) || a.set().equals(BRIDGE_NETS_V6))
                || m instanceof Match.InterfaceInSet i && i.direction() == Direction.OUT && i.set().equals(CONTAINED))) {
            return DropLogging.Reason.ISOLATION;
        }
        // A drop added without a reason here would go unlogged: a planner bug, caught by PlannerTest.
        throw new IllegalStateException("no drop-logging reason for the rule `" + NftSyntax.ruleText(drop)
                + "`; add one in Planner.dropReason");
    }

    private static Statement.Limit.Unit limitUnit(DropLogging.Per per) {
        return switch (per) {
            case SECOND -> Statement.Limit.Unit.SECOND;
            case MINUTE -> Statement.Limit.Unit.MINUTE;
            case HOUR -> Statement.Limit.Unit.HOUR;
            case DAY -> Statement.Limit.Unit.DAY;
        };
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
