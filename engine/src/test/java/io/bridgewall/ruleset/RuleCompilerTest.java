package io.bridgewall.ruleset;

import static io.bridgewall.testing.Fixtures.samplePolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.PortRange;
import io.bridgewall.policy.Protocol;
import io.bridgewall.ruleset.Match.AddressField;
import io.bridgewall.ruleset.Match.Direction;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Expected expression lists are what `nft --debug=netlink` prints for the same rule in an inet table. */
class RuleCompilerTest {
    private static final ByteString NFPROTO_IPV4 = ByteString.of((byte) 2);
    private static final ByteString NFPROTO_IPV6 = ByteString.of((byte) 10);

    static Stream<Rule> plannedRules() {
        return Planner.plan(samplePolicy()).chains().stream().flatMap(c -> c.rules().stream());
    }

    @ParameterizedTest
    @MethodSource("plannedRules")
    void everyPlannedRuleSurvivesCompileThenDecompile(Rule rule) {
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), rule.comment())).isEqualTo(rule);
    }

    @Test
    void dropsContainerTrafficToBlockedIpv4LikeNft() {
        // iifname @bridges ip daddr @blocked_v4 counter drop
        Rule rule = new Rule(List.of(new Match.InterfaceInSet(Direction.IN, "bridges", false),
                new Match.AddressInSet(IpFamily.IPV4, AddressField.DESTINATION, "blocked_v4")),
                List.of(Statement.Counter.zero(), new Statement.Drop()), "");

        assertThat(RuleCompiler.compile(rule)).containsExactly(
                new Expr.Meta(Expr.META_IIFNAME, 1),
                new Expr.Lookup("bridges", 1, 0),
                new Expr.Meta(Expr.META_NFPROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV4),
                new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, 16, 4, 1),
                new Expr.Lookup("blocked_v4", 1, 0),
                new Expr.Counter(0, 0),
                new Expr.Immediate(Expr.VERDICT_DROP));
    }

    @Test
    void dropsUnsolicitedConnectionsIntoContainerBridgesLikeNft() {
        // oifname @contained oifname != @uncontained ct state invalid,new,untracked counter drop
        Rule rule = new Rule(List.of(new Match.InterfaceInSet(Direction.OUT, "contained", false),
                new Match.InterfaceInSet(Direction.OUT, "uncontained", true),
                new Match.CtStateIn(EnumSet.of(Match.CtState.NEW, Match.CtState.INVALID, Match.CtState.UNTRACKED))),
                List.of(Statement.Counter.zero(), new Statement.Drop()), "");

        assertThat(RuleCompiler.compile(rule)).containsExactly(
                new Expr.Meta(Expr.META_OIFNAME, 1),
                new Expr.Lookup("contained", 1, 0),
                new Expr.Meta(Expr.META_OIFNAME, 1),
                new Expr.Lookup("uncontained", 1, Expr.LOOKUP_INVERT),
                new Expr.Ct(Expr.CT_STATE, 1),
                new Expr.Bitwise(1, 1, ByteString.of((byte) 0x49, (byte) 0, (byte) 0, (byte) 0), ByteString.of(new byte[4])),
                new Expr.Cmp(Expr.CMP_NEQ, 1, ByteString.of(new byte[4])),
                new Expr.Counter(0, 0),
                new Expr.Immediate(Expr.VERDICT_DROP));
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), "")).isEqualTo(rule);
    }

    @Test
    void acceptsTrafficInsideOneBridgeByAConcatenatedLookupLikeNft() {
        // iifname . oifname @icc_pairs counter accept (nft 1.0.6 --debug=netlink: two 16-byte registers, one lookup)
        Rule rule = new Rule(List.of(new Match.InterfacePairInSet("icc_pairs")),
                List.of(Statement.Counter.zero(), new Statement.Accept()), "");

        assertThat(RuleCompiler.compile(rule)).containsExactly(
                new Expr.Meta(Expr.META_IIFNAME, 1),
                new Expr.Meta(Expr.META_OIFNAME, 2),
                new Expr.Lookup("icc_pairs", 1, 0),
                new Expr.Counter(0, 0),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), "")).isEqualTo(rule);
        assertThat(NftSyntax.ruleText(rule)).isEqualTo("iifname . oifname @icc_pairs counter accept");
    }

    @Test
    void aPairLookupWithOtherRegistersOrAnInvertedLookupIsNotOurs() {
        List<Expr> swapped = List.of(new Expr.Meta(Expr.META_OIFNAME, 1), new Expr.Meta(Expr.META_IIFNAME, 2),
                new Expr.Lookup("icc_pairs", 1, 0), new Expr.Immediate(Expr.VERDICT_ACCEPT));
        List<Expr> inverted = List.of(new Expr.Meta(Expr.META_IIFNAME, 1), new Expr.Meta(Expr.META_OIFNAME, 2),
                new Expr.Lookup("icc_pairs", 1, Expr.LOOKUP_INVERT), new Expr.Immediate(Expr.VERDICT_ACCEPT));

        assertThat(RuleDecompiler.decompile(swapped, "").unparsed()).isEqualTo(swapped);
        assertThat(RuleDecompiler.decompile(inverted, "").unparsed()).isEqualTo(inverted);
    }

    @Test
    void acceptsEstablishedAndRelatedLikeNft() {
        // ct state established,related accept
        Rule rule = new Rule(List.of(new Match.CtStateIn(EnumSet.of(Match.CtState.RELATED, Match.CtState.ESTABLISHED))),
                List.of(new Statement.Accept()), "");

        assertThat(RuleCompiler.compile(rule)).containsExactly(
                new Expr.Ct(Expr.CT_STATE, 1),
                new Expr.Bitwise(1, 1, ByteString.of((byte) 6, (byte) 0, (byte) 0, (byte) 0), ByteString.of(new byte[4])),
                new Expr.Cmp(Expr.CMP_NEQ, 1, ByteString.of(new byte[4])),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
    }

    @Test
    void masqueradesIpv6LeavingTheBridgesLikeNft() {
        // oifname != @bridges ip6 saddr @masquerade_nets_v6 masquerade
        Rule rule = new Rule(List.of(new Match.InterfaceInSet(Direction.OUT, "bridges", true),
                new Match.AddressInSet(IpFamily.IPV6, AddressField.SOURCE, "masquerade_nets_v6")),
                List.of(new Statement.Masquerade()), "");

        assertThat(RuleCompiler.compile(rule)).containsExactly(
                new Expr.Meta(Expr.META_OIFNAME, 1),
                new Expr.Lookup("bridges", 1, Expr.LOOKUP_INVERT),
                new Expr.Meta(Expr.META_NFPROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV6),
                new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, 8, 16, 1),
                new Expr.Lookup("masquerade_nets_v6", 1, 0),
                new Expr.Masquerade());
        assertThat(Expr.LOOKUP_INVERT).isEqualTo(1);
    }

    @Test
    void acceptsHostPortsAndIcmpv6TypesLikeNft() {
        // udp dport @p accept; icmpv6 type @i accept
        assertThat(RuleCompiler.compile(new Rule(List.of(new Match.DestinationPortInSet(Protocol.UDP, "p")),
                List.of(new Statement.Accept()), ""))).containsExactly(
                new Expr.Meta(Expr.META_L4PROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, ByteString.of((byte) 17)),
                new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, 1),
                new Expr.Lookup("p", 1, 0),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        assertThat(RuleCompiler.compile(new Rule(List.of(new Match.Icmpv6TypeInSet("i")),
                List.of(new Statement.Accept()), ""))).containsExactly(
                new Expr.Meta(Expr.META_NFPROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV6),
                new Expr.Meta(Expr.META_L4PROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, ByteString.of((byte) 58)),
                new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 0, 1, 1),
                new Expr.Lookup("i", 1, 0),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
    }

    @Test
    void comparesAnInterfaceNameAsSixteenZeroPaddedBytesLikeNft() {
        // iifname "lo" accept: cmp eq reg 1 0x00006f6c 0x00000000 0x00000000 0x00000000
        byte[] lo = new byte[16];
        lo[0] = 'l';
        lo[1] = 'o';

        assertThat(RuleCompiler.compile(new Rule(List.of(new Match.InterfaceIs(Direction.IN, "lo")),
                List.of(new Statement.Accept()), ""))).containsExactly(
                new Expr.Meta(Expr.META_IIFNAME, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, ByteString.of(lo)),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
    }

    @Test
    void keepsCounterValuesReadBack() {
        Rule counted = new Rule(List.of(), List.of(new Statement.Counter(12, 3456)), "host input dropped by policy");

        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(counted), counted.comment())).isEqualTo(counted);
    }

    @Test
    void keepsARuleThatOnlyResemblesOursWholeInUnparsed() {
        // `iifname @bridges` loads the name into register 1 and looks register 1 up; this loads
        // into register 2 and looks up whatever register 1 holds: not the same rule at all.
        List<Expr> exprs = List.of(new Expr.Meta(Expr.META_IIFNAME, 2), new Expr.Lookup("bridges", 1, 0),
                new Expr.Immediate(Expr.VERDICT_DROP));

        Rule rule = RuleDecompiler.decompile(exprs, "");

        assertThat(rule.unparsed()).isEqualTo(exprs);
        assertThat(rule.matches()).isEmpty();
    }

    @Test
    void keepsAnUnknownExpressionWholeInUnparsed() {
        List<Expr> exprs = List.of(new Expr.Meta(Expr.META_IIFNAME, 1), new Expr.Lookup("bridges", 1, 0),
                new Expr.Unknown("log"), new Expr.Immediate(Expr.VERDICT_DROP));

        Rule rule = RuleDecompiler.decompile(exprs, "someone else's");

        assertThat(rule.unparsed()).isEqualTo(exprs);
        assertThat(rule.matches()).isEmpty();
        assertThat(rule.statements()).isEmpty();
        assertThat(rule.comment()).isEqualTo("someone else's");
    }

    @Test
    void keepsSequencesOutsideTheModelInUnparsed() {
        List<List<Expr>> foreign = List.of(
                // meta mark (key 3) is not a match bridgewall makes
                List.of(new Expr.Meta(3, 1), new Expr.Cmp(Expr.CMP_EQ, 1, ByteString.of((byte) 1)),
                        new Expr.Immediate(Expr.VERDICT_ACCEPT)),
                // a match after the verdict
                List.of(new Expr.Immediate(Expr.VERDICT_ACCEPT), new Expr.Meta(Expr.META_IIFNAME, 1),
                        new Expr.Lookup("bridges", 1, 0)),
                // ip daddr without its set lookup
                List.of(new Expr.Meta(Expr.META_NFPROTO, 1), new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV4),
                        new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, 16, 4, 1)),
                // ct state with an unknown bit
                List.of(new Expr.Ct(Expr.CT_STATE, 1), new Expr.Bitwise(1, 1, ByteString.hostU32(0x10),
                        ByteString.hostU32(0)), new Expr.Cmp(Expr.CMP_NEQ, 1, ByteString.hostU32(0))),
                // sctp dport
                List.of(new Expr.Meta(Expr.META_L4PROTO, 1), new Expr.Cmp(Expr.CMP_EQ, 1, ByteString.of((byte) 132)),
                        new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, 1), new Expr.Lookup("p", 1, 0)),
                // a verdict bridgewall never uses (NFT_JUMP)
                List.of(new Expr.Immediate(-3)));

        for (List<Expr> exprs : foreign) {
            assertThat(RuleDecompiler.decompile(exprs, "").unparsed()).as("%s", exprs).isEqualTo(exprs);
        }
    }

    @Test
    void refusesToCompileARuleReadBackWithUnknownExpressions() {
        Rule foreign = new Rule(List.of(), List.of(), "", List.of(new Expr.Unknown("log")));

        assertThatThrownBy(() -> RuleCompiler.compile(foreign)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ByteString bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return ByteString.of(out);
    }

    private static Rule accept(Match... matches) {
        return new Rule(List.of(matches), List.of(Statement.Counter.zero(), new Statement.Accept()), "exception");
    }

    @Test
    void anExceptionToOneHostAndPortLikeNft() {
        // ip daddr 10.0.0.5 tcp dport 5432 counter accept
        Rule rule = accept(new Match.AddressIn(AddressField.DESTINATION, Cidr.parse("10.0.0.5")),
                new Match.DestinationPortIn(Protocol.TCP, PortRange.single(5432)));
        assertThat(RuleCompiler.compile(rule)).containsExactly(
                new Expr.Meta(Expr.META_NFPROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV4),
                new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, 16, 4, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, bytes(10, 0, 0, 5)),
                new Expr.Meta(Expr.META_L4PROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, bytes(6)),
                new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, bytes(0x15, 0x38)),
                new Expr.Counter(0, 0),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), "exception")).isEqualTo(rule);
    }

    @Test
    void aWholeBytePrefixLoadsOnlyItsBytesAndAPortRangeIsTwoComparisonsLikeNft() {
        // ip daddr 10.1.0.0/16 udp dport 5000-5010 counter accept
        Rule rule = accept(new Match.AddressIn(AddressField.DESTINATION, Cidr.parse("10.1.0.0/16")),
                new Match.DestinationPortIn(Protocol.UDP, new PortRange(5000, 5010)));
        assertThat(RuleCompiler.compile(rule)).containsExactly(
                new Expr.Meta(Expr.META_NFPROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV4),
                new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, 16, 2, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, bytes(10, 1)),
                new Expr.Meta(Expr.META_L4PROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, bytes(17)),
                new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, 1),
                new Expr.Cmp(Expr.CMP_GTE, 1, bytes(0x13, 0x88)),
                new Expr.Cmp(Expr.CMP_LTE, 1, bytes(0x13, 0x92)),
                new Expr.Counter(0, 0),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), "exception")).isEqualTo(rule);
    }

    @Test
    void anyOtherPrefixMasksTheWholeAddressLikeNft() {
        // ip daddr 10.16.0.0/12 meta l4proto tcp counter accept
        Rule rule = accept(new Match.AddressIn(AddressField.DESTINATION, Cidr.parse("10.16.0.0/12")),
                new Match.ProtocolIs(Protocol.TCP));
        assertThat(RuleCompiler.compile(rule)).containsExactly(
                new Expr.Meta(Expr.META_NFPROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV4),
                new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, 16, 4, 1),
                new Expr.Bitwise(1, 1, bytes(0xff, 0xf0, 0, 0), bytes(0, 0, 0, 0)),
                new Expr.Cmp(Expr.CMP_EQ, 1, bytes(10, 16, 0, 0)),
                new Expr.Meta(Expr.META_L4PROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, bytes(6)),
                new Expr.Counter(0, 0),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), "exception")).isEqualTo(rule);
    }

    @Test
    void ipv6HostsAndPrefixesLikeNft() {
        // ip6 daddr 2001:db8::/36 counter accept
        Rule prefix = accept(new Match.AddressIn(AddressField.DESTINATION, Cidr.parse("2001:db8::/36")));
        assertThat(RuleCompiler.compile(prefix)).containsExactly(
                new Expr.Meta(Expr.META_NFPROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV6),
                new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, 24, 16, 1),
                new Expr.Bitwise(1, 1, bytes(0xff, 0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                        ByteString.of(new byte[16])),
                new Expr.Cmp(Expr.CMP_EQ, 1, bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                new Expr.Counter(0, 0),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        // ip6 saddr fd00::/8 tcp dport 22: the source side, one byte
        Rule source = accept(new Match.AddressIn(AddressField.SOURCE, Cidr.parse("fd00::/8")),
                new Match.DestinationPortIn(Protocol.TCP, PortRange.single(22)));
        assertThat(RuleCompiler.compile(source)).startsWith(
                new Expr.Meta(Expr.META_NFPROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV6),
                new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, 8, 1, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, bytes(0xfd)));
        for (Rule rule : List.of(prefix, source,
                accept(new Match.AddressIn(AddressField.DESTINATION, Cidr.parse("2001:db8::5")),
                        new Match.DestinationPortIn(Protocol.UDP, new PortRange(1, 65535))))) {
            assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), "exception")).isEqualTo(rule);
        }
    }

    @Test
    void anExceptionRuleSomeoneChangedReadsBackAsWhatItNowSays() {
        Rule planned = accept(new Match.AddressIn(AddressField.DESTINATION, Cidr.parse("10.0.0.5")),
                new Match.DestinationPortIn(Protocol.TCP, PortRange.single(5432)));
        List<Expr> exprs = new java.util.ArrayList<>(RuleCompiler.compile(planned));
        exprs.set(7, new Expr.Cmp(Expr.CMP_EQ, 1, bytes(0x00, 0x16)));
        assertThat(RuleDecompiler.decompile(exprs, "exception")).isEqualTo(
                accept(new Match.AddressIn(AddressField.DESTINATION, Cidr.parse("10.0.0.5")),
                        new Match.DestinationPortIn(Protocol.TCP, PortRange.single(22))));
    }

    @Test
    void comparisonsNoExceptionMakesAreKeptWhole() {
        Rule planned = accept(new Match.AddressIn(AddressField.DESTINATION, Cidr.parse("10.16.0.0/12")));
        // host bits in the compared value, a mask with a hole, a reversed range, port 0, a cmp that is not equality
        List<List<Expr>> foreign = List.of(
                replace(RuleCompiler.compile(planned), 4, new Expr.Cmp(Expr.CMP_EQ, 1, bytes(10, 16, 0, 1))),
                replace(RuleCompiler.compile(planned), 3, new Expr.Bitwise(1, 1, bytes(0xff, 0x0f, 0, 0), bytes(0, 0, 0, 0))),
                replace(RuleCompiler.compile(planned), 4, new Expr.Cmp(Expr.CMP_NEQ, 1, bytes(10, 16, 0, 0))),
                RuleCompiler.compile(accept(new Match.DestinationPortIn(Protocol.TCP, new PortRange(5, 6)))).stream()
                        .map(e -> e instanceof Expr.Cmp c && c.operator() == Expr.CMP_GTE
                                ? new Expr.Cmp(Expr.CMP_GTE, 1, bytes(0, 9)) : e).toList(),
                RuleCompiler.compile(accept(new Match.DestinationPortIn(Protocol.TCP, PortRange.single(5)))).stream()
                        .map(e -> e instanceof Expr.Cmp c && c.data().length() == 2 ? new Expr.Cmp(Expr.CMP_EQ, 1, bytes(0, 0)) : e)
                        .toList());
        for (List<Expr> exprs : foreign) {
            Rule read = RuleDecompiler.decompile(exprs, "x");
            assertThat(read.unparsed()).as("%s", exprs).isEqualTo(exprs);
        }
    }

    private static List<Expr> replace(List<Expr> exprs, int index, Expr with) {
        List<Expr> out = new java.util.ArrayList<>(exprs);
        out.set(index, with);
        return out;
    }

    /**
     * What someone else writes into our chain is read, never thrown at: every exception-shaped
     * rule with one expression changed (other data of any length, other operators, one left
     * out) reads back either as a rule that compiles to exactly those expressions or kept
     * whole as unparsed.
     */
    @Test
    void alteredExceptionRulesReadBackExactlyOrAsUnparsed() {
        java.util.Random random = new java.util.Random(10);
        List<Rule> shapes = List.of(
                accept(new Match.AddressIn(AddressField.DESTINATION, Cidr.parse("10.16.0.0/12")),
                        new Match.DestinationPortIn(Protocol.TCP, new PortRange(5000, 5010))),
                accept(new Match.AddressIn(AddressField.SOURCE, Cidr.parse("fd00::/8")), new Match.ProtocolIs(Protocol.UDP)),
                accept(new Match.AddressIn(AddressField.DESTINATION, Cidr.parse("2001:db8::/36")),
                        new Match.DestinationPortIn(Protocol.UDP, PortRange.single(53))));
        int checked = 0;
        for (Rule shape : shapes) {
            List<Expr> planned = RuleCompiler.compile(shape);
            for (int round = 0; round < 300; round++) {
                List<Expr> exprs = new java.util.ArrayList<>(planned);
                int at = random.nextInt(exprs.size());
                Expr e = exprs.get(at);
                if (round % 5 == 0) {
                    exprs.remove(at);
                } else if (e instanceof Expr.Cmp c) {
                    byte[] data = new byte[1 + random.nextInt(16)];
                    random.nextBytes(data);
                    exprs.set(at, new Expr.Cmp(random.nextInt(6), c.register(), round % 2 == 0 ? ByteString.of(data) : c.data()));
                } else if (e instanceof Expr.Payload p) {
                    exprs.set(at, new Expr.Payload(p.base(), random.nextInt(40), random.nextInt(17), p.register()));
                } else if (e instanceof Expr.Bitwise b) {
                    byte[] mask = new byte[b.mask().length()];
                    random.nextBytes(mask);
                    exprs.set(at, new Expr.Bitwise(b.sourceRegister(), b.destinationRegister(), ByteString.of(mask), b.xor()));
                } else {
                    continue;
                }
                Rule read = RuleDecompiler.decompile(exprs, "x");
                if (read.unparsed().isEmpty()) {
                    assertThat(RuleCompiler.compile(read)).as("%s", exprs).isEqualTo(exprs);
                } else {
                    assertThat(read.unparsed()).isEqualTo(exprs);
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(500);
    }
}
