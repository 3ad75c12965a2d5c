package io.bridgewall.ruleset;

import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.Ipv6Text;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders a {@link RuleSet} as nft syntax. The plan text is the same transaction the applier
 * sends: `nft -f` of it commits exactly what `bridgewall apply` would.
 */
public final class NftSyntax {
    private static final Map<Integer, String> ICMPV6_NAMES = Map.of(
            1, "destination-unreachable", 2, "packet-too-big", 3, "time-exceeded", 4, "parameter-problem",
            128, "echo-request", 129, "echo-reply", 133, "nd-router-solicit", 134, "nd-router-advert",
            135, "nd-neighbor-solicit", 136, "nd-neighbor-advert");

    private final boolean withCounters;
    private final StringBuilder out = new StringBuilder();

    private NftSyntax(boolean withCounters) {
        this.withCounters = withCounters;
    }

    /** The script `apply` is equivalent to: create-or-keep, delete, then define the table afresh. */
    public static String planScript(RuleSet ruleSet, List<String> header) {
        NftSyntax syntax = new NftSyntax(false);
        header.forEach(line -> syntax.out.append("# ").append(sanitize(line)).append('\n'));
        String id = ruleSet.family().nftName() + " " + ruleSet.table();
        syntax.out.append("# (Re)creates table ").append(id).append(" in one transaction, as it stands after `bridgewall apply`; nothing else is touched.\n");
        syntax.out.append("table ").append(id).append('\n');
        syntax.out.append("delete table ").append(id).append('\n');
        syntax.table(ruleSet);
        return syntax.out.toString();
    }

    /** What is installed, with live counter values. */
    public static String listing(RuleSet ruleSet) {
        return listing(ruleSet, List.of(), List.of());
    }

    /**
     * What is installed, with live counter values, and lines of the table's own that the model
     * does not hold: {@code head} goes first inside the table, {@code tail} after the chains
     * (each line without the table's indentation).
     */
    public static String listing(RuleSet ruleSet, List<String> head, List<String> tail) {
        NftSyntax syntax = new NftSyntax(true);
        syntax.table(ruleSet, head, tail);
        return syntax.out.toString();
    }

    private void table(RuleSet ruleSet) {
        table(ruleSet, List.of(), List.of());
    }

    private void table(RuleSet ruleSet, List<String> head, List<String> tail) {
        out.append("table ").append(ruleSet.family().nftName()).append(' ').append(ruleSet.table()).append(" {\n");
        head.forEach(line -> out.append('\t').append(line).append('\n'));
        if (!head.isEmpty()) {
            out.append('\n');
        }
        for (NamedSet set : ruleSet.sets()) {
            set(set);
        }
        for (Chain chain : ruleSet.chains()) {
            chain(chain);
        }
        tail.forEach(line -> out.append('\t').append(line).append('\n'));
        out.append("}\n");
    }

    private void set(NamedSet set) {
        out.append("\tset ").append(set.name()).append(" {\n");
        out.append("\t\ttype ").append(set.type().nftName()).append('\n');
        if (set.interval()) {
            out.append("\t\tflags interval\n");
        }
        List<SetElement> elements = set.elements();
        if (!elements.isEmpty()) {
            boolean noted = elements.stream().anyMatch(e -> !e.note().isEmpty());
            out.append("\t\telements = {");
            for (int i = 0; i < elements.size(); i++) {
                SetElement element = elements.get(i);
                boolean last = i == elements.size() - 1;
                if (noted) {
                    out.append("\n\t\t\t").append(element(set.type(), element)).append(last ? "" : ",");
                    if (!element.note().isEmpty()) {
                        out.append(" # ").append(sanitize(element.note()));
                    }
                } else {
                    out.append(i == 0 ? " " : ", ").append(element(set.type(), element));
                }
            }
            out.append(noted ? "\n\t\t}\n" : " }\n");
        }
        out.append("\t}\n\n");
    }

    private void chain(Chain chain) {
        out.append("\tchain ").append(chain.name()).append(" {\n");
        out.append("\t\ttype ").append(chain.type().nftName()).append(" hook ").append(chain.hook().nftName())
                .append(" priority ").append(chain.priority()).append("; policy ")
                .append(chain.policy().nftName()).append(";\n");
        for (Rule rule : chain.rules()) {
            out.append("\t\t").append(rule(rule)).append('\n');
        }
        out.append("\t}\n");
    }

    /** One rule as `nft list` prints it, with counter values. */
    public static String listedRuleText(Rule rule) {
        return new NftSyntax(true).rule(rule);
    }

    /** One rule as nft text, counters without values: for error messages and logs. */
    public static String ruleText(Rule rule) {
        return new NftSyntax(false).rule(rule);
    }

    private String rule(Rule rule) {
        StringBuilder text = new StringBuilder();
        for (Match match : rule.matches()) {
            text.append(match(match)).append(' ');
        }
        for (Statement statement : rule.statements()) {
            text.append(statement(statement)).append(' ');
        }
        if (!rule.unparsed().isEmpty()) {
            text.append("# not made by bridgewall: ").append(unparsedText(rule.unparsed())).append(' ');
        }
        if (!rule.comment().isEmpty()) {
            text.append("comment \"").append(sanitize(rule.comment()).replace("\"", "'")).append("\" ");
        }
        return text.toString().strip();
    }

    private static String match(Match match) {
        if (match instanceof Match.InterfaceInSet m) {
            return m.direction().nftKeyword() + (m.negated() ? " != @" : " @") + m.set();
        } else if (match instanceof Match.InterfacePairInSet m) {
            return "iifname . oifname @" + m.set();
        } else if (match instanceof Match.InterfaceIs m) {
            return m.direction().nftKeyword() + " \"" + m.name() + "\"";
        } else if (match instanceof Match.AddressInSet m) {
            return (m.family() == IpFamily.IPV4 ? "ip " : "ip6 ") + m.field().nftKeyword() + " @" + m.set();
        } else if (match instanceof Match.CtStatusIn m) {
            return "ct status " + m.statuses().stream().sorted().map(Match.CtStatus::nftName).collect(Collectors.joining(","));
        } else if (match instanceof Match.CtStateIn m) {
            return "ct state " + m.states().stream().sorted().map(Match.CtState::nftName).collect(Collectors.joining(","));
        } else if (match instanceof Match.CtDirectionIs m) {
            return "ct direction " + m.direction().nftName();
        } else if (match instanceof Match.CtMarkIs m) {
            return m.wholeMark() ? "ct mark " + hex32(m.value()) : "ct mark and " + hex32(m.mask()) + " == " + hex32(m.value());
        } else if (match instanceof Match.DestinationPortInSet m) {
            return m.protocol().nftName() + " dport @" + m.set();
        } else if (match instanceof Match.Icmpv6TypeInSet m) {
            return "icmpv6 type @" + m.set();
        } else if (match instanceof Match.AddressIn m) {
            String network = m.network().toString();
            // A single host as nft lists it: without /32 or /128.
            String text = m.network().prefixLength() == m.family().bitLength() ? network.substring(0, network.indexOf('/')) : network;
            return (m.family() == IpFamily.IPV4 ? "ip " : "ip6 ") + m.field().nftKeyword() + " " + text;
        } else if (match instanceof Match.ProtocolIs m) {
            return "meta l4proto " + m.protocol().nftName();
        } else if (match instanceof Match.DestinationPortIn m) {
            return m.protocol().nftName() + " dport " + m.ports();
        } else if (match instanceof Match.ServiceInSet m) {
            String ip = m.family() == IpFamily.IPV4 ? "ip" : "ip6";
            return (m.withAddress() ? ip + " daddr . " : "meta nfproto " + (m.family() == IpFamily.IPV4 ? "ipv4" : "ipv6") + " ")
                    + "meta l4proto . th dport @" + m.set();
        }
        throw new IllegalArgumentException("cannot render " + match);
    }

    private String statement(Statement statement) {
        if (statement instanceof Statement.Counter c) {
            return withCounters ? "counter packets " + c.packets() + " bytes " + c.bytes() : "counter";
        } else if (statement instanceof Statement.Accept) {
            return "accept";
        } else if (statement instanceof Statement.Drop) {
            return "drop";
        } else if (statement instanceof Statement.Masquerade) {
            return "masquerade";
        } else if (statement instanceof Statement.Limit l) {
            return limitText(l);
        } else if (statement instanceof Statement.Log l) {
            return logText(l);
        } else if (statement instanceof Statement.CtMarkSet s) {
            return s.wholeMark() ? "ct mark set " + hex32(s.value())
                    : "ct mark set ct mark and " + hex32(~s.mask()) + " or " + hex32(s.value());
        }
        throw new IllegalArgumentException("cannot render " + statement);
    }

    /** A 32-bit value as nft takes it: 0x and eight hex digits. */
    static String hex32(int value) {
        return String.format("0x%08x", value);
    }

    /** As `nft list` writes it: the burst only when it is not nft's default of 5. */
    private static String limitText(Statement.Limit limit) {
        return "limit rate " + limit.rate() + "/" + limit.unit().nftName()
                + (limit.burst() == Statement.Limit.DEFAULT_BURST ? "" : " burst " + limit.burst() + " packets");
    }

    /** As `nft list` writes it: the group, or the level when it is not the default warn. */
    private static String logText(Statement.Log log) {
        String text = "log prefix \"" + sanitize(log.prefix()).replace("\"", "'") + "\"";
        if (log.destination() instanceof Statement.Log.Group group) {
            return text + " group " + group.number();
        }
        Statement.Log.Level level = ((Statement.Log.KernelLog) log.destination()).level();
        return level == Statement.Log.Level.WARN ? text : text + " level " + level.nftName();
    }

    /**
     * Kernel expressions bridgewall could not read as one of its rules, in the words
     * `nft --debug=netlink` uses: "[ meta load iifname => reg 1 ] [ lookup reg 1 set bridges ]".
     */
    public static String unparsedText(List<Expr> exprs) {
        return exprs.stream().map(e -> "[ " + sanitize(exprText(e)) + " ]").collect(Collectors.joining(" "));
    }

    private static final Map<Integer, String> META_KEYS = Map.of(Expr.META_IIFNAME, "iifname", Expr.META_OIFNAME, "oifname",
            Expr.META_NFPROTO, "nfproto", Expr.META_L4PROTO, "l4proto");

    private static String exprText(Expr expr) {
        if (expr instanceof Expr.Meta e) {
            return "meta load " + META_KEYS.getOrDefault(e.key(), "key " + e.key()) + " => reg " + e.register();
        } else if (expr instanceof Expr.Payload e) {
            String base = switch (e.base()) {
                case 0 -> "link";
                case Expr.PAYLOAD_NETWORK_HEADER -> "network";
                case Expr.PAYLOAD_TRANSPORT_HEADER -> "transport";
                default -> "base " + e.base();
            };
            return "payload load " + e.length() + "b @ " + base + " header + " + e.offset() + " => reg " + e.register();
        } else if (expr instanceof Expr.Cmp e) {
            String operator = switch (e.operator()) {
                case Expr.CMP_EQ -> "eq";
                case Expr.CMP_NEQ -> "neq";
                case 2 -> "lt";
                case 3 -> "lte";
                case 4 -> "gt";
                case 5 -> "gte";
                default -> "op " + e.operator();
            };
            return "cmp " + operator + " reg " + e.register() + " " + e.data();
        } else if (expr instanceof Expr.Bitwise e) {
            return "bitwise reg " + e.destinationRegister() + " = ( reg " + e.sourceRegister() + " & " + e.mask()
                    + " ) ^ " + e.xor();
        } else if (expr instanceof Expr.Ct e) {
            return "ct load " + ctKeyText(e.key()) + " => reg " + e.register();
        } else if (expr instanceof Expr.CtSet e) {
            return "ct set " + ctKeyText(e.key()) + " with reg " + e.sourceRegister();
        } else if (expr instanceof Expr.ImmediateData e) {
            return "immediate reg " + e.register() + " " + e.data();
        } else if (expr instanceof Expr.Lookup e) {
            return "lookup reg " + e.register() + " set " + e.set() + ((e.flags() & Expr.LOOKUP_INVERT) != 0 ? " 0x1" : "");
        } else if (expr instanceof Expr.Immediate e) {
            return "immediate reg 0 " + verdictText(e.verdict(), "");
        } else if (expr instanceof Expr.Counter e) {
            return "counter pkts " + e.packets() + " bytes " + e.bytes();
        } else if (expr instanceof Expr.Masquerade) {
            return "masq";
        } else if (expr instanceof Expr.Limit e) {
            return "limit rate " + e.rate() + "/" + (e.unitSeconds() == 1 ? "second" : e.unitSeconds() + " seconds")
                    + " burst " + e.burst() + " type " + (e.type() == Expr.LIMIT_PACKETS ? "packets" : "bytes")
                    + " flags 0x" + Integer.toHexString(e.flags());
        } else if (expr instanceof Expr.Log e) {
            return "log" + (e.prefix().isEmpty() ? "" : " prefix " + e.prefix())
                    + (e.group().isPresent() ? " group " + e.group().getAsInt() : "")
                    + (e.level().isPresent() ? " level " + e.level().getAsInt() : "");
        } else if (expr instanceof Expr.Unknown e) {
            return e.text();
        }
        throw new IllegalArgumentException("cannot render " + expr);
    }

    private static String ctKeyText(int key) {
        return switch (key) {
            case Expr.CT_STATE -> "state";
            case Expr.CT_STATUS -> "status";
            case Expr.CT_MARK -> "mark";
            default -> "key " + key;
        };
    }

    /** A verdict as nft writes it: NF_DROP 0, NF_ACCEPT 1, NFT_CONTINUE -1, NFT_BREAK -2, NFT_JUMP -3, ... */
    public static String verdictText(int verdict, String chain) {
        return switch (verdict) {
            case Expr.VERDICT_DROP -> "drop";
            case Expr.VERDICT_ACCEPT -> "accept";
            case 2 -> "stolen";
            case 3 -> "queue";
            case -1 -> "continue";
            case -2 -> "break";
            case -3 -> chain.isEmpty() ? "jump" : "jump " + chain;
            case -4 -> chain.isEmpty() ? "goto" : "goto " + chain;
            case -5 -> "return";
            default -> "verdict " + verdict;
        };
    }

    /** One set element in nft words ("docker0" quoted, 10.0.0.0/8, 22, nd-router-advert). */
    public static String elementText(SetType type, SetElement element) {
        return element(type, element);
    }

    static String element(SetType type, SetElement element) {
        switch (type) {
            case IFNAME:
                return "\"" + InterfaceKeys.text(element).orElseThrow(() -> new IllegalArgumentException(
                        "an interface-name range that is neither a name nor a prefix*: " + element)) + "\"";
            case IFNAME_PAIR:
                return InterfaceKeys.pairText(element).orElseThrow(() -> new IllegalArgumentException(
                        "an interface-name pair that is not two names: " + element));
            case INET_SERVICE:
                return Integer.toString(element.first().bigEndianU16());
            case PROTO_SERVICE:
            case IPV4_PROTO_SERVICE:
            case IPV6_PROTO_SERVICE:
                return ServiceKeys.text(type, element).orElseThrow(() -> new IllegalArgumentException(
                        "a published-port key with padding that is not zero: " + element));
            case ICMPV6_TYPE:
                return ICMPV6_NAMES.getOrDefault(element.first().byteAt(0), Integer.toString(element.first().byteAt(0)));
            case IPV4_ADDR:
                return range(element, IpFamily.IPV4);
            case IPV6_ADDR:
                return range(element, IpFamily.IPV6);
            default:
                throw new IllegalArgumentException("cannot render elements of " + type);
        }
    }

    /** A single address, a CIDR when the range is one, else first-last. */
    private static String range(SetElement element, IpFamily family) {
        BigInteger first = new BigInteger(1, element.first().toArray());
        BigInteger last = new BigInteger(1, element.last().toArray());
        if (first.equals(last)) {
            return address(element.first(), family);
        }
        BigInteger size = last.subtract(first).add(BigInteger.ONE);
        if (size.bitCount() == 1 && first.mod(size).signum() == 0) {
            int prefix = family.bitLength() - (size.bitLength() - 1);
            return address(element.first(), family) + "/" + prefix;
        }
        return address(element.first(), family) + "-" + address(element.last(), family);
    }

    private static String address(ByteString bytes, IpFamily family) {
        if (family == IpFamily.IPV6) {
            return Ipv6Text.compress(bytes.toArray());
        }
        try {
            return InetAddress.getByAddress(bytes.toArray()).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + bytes, e);
        }
    }

    /** Comments are one line of printable text: nothing a name contains can start a new statement. */
    static String sanitize(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }

}
