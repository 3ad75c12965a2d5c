package io.bridgewall.ruleset;

import static io.bridgewall.testing.Fixtures.samplePolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.plan.Planner;
import io.bridgewall.policy.IpFamily;
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
    void acceptsPublishedPortsOnEveryAddressOfAFamilyLikeNft() {
        // meta nfproto ipv4 meta l4proto . th dport @published_v4 (nft 1.0.6 --debug=netlink: the
        // port in the 4-byte register after the protocol's, reg 9 = NFT_REG32_01)
        Rule rule = new Rule(List.of(new Match.ServiceInSet(IpFamily.IPV4, false, "published_v4")),
                List.of(Statement.Counter.zero(), new Statement.Accept()), "");

        assertThat(RuleCompiler.compile(rule)).containsExactly(
                new Expr.Meta(Expr.META_NFPROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV4),
                new Expr.Meta(Expr.META_L4PROTO, 1),
                new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, 9),
                new Expr.Lookup("published_v4", 1, 0),
                new Expr.Counter(0, 0),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(rule), "")).isEqualTo(rule);
        assertThat(NftSyntax.ruleText(rule)).isEqualTo("meta nfproto ipv4 meta l4proto . th dport @published_v4 counter accept");
    }

    @Test
    void acceptsPublishedPortsOnOneHostAddressLikeNft() {
        // ip daddr . meta l4proto . th dport @published_addr_v4: registers 1, 9, 10;
        // ip6 daddr . meta l4proto . th dport @published_addr_v6: registers 1, 2 (a 16-byte one begins), 13
        Rule v4 = new Rule(List.of(new Match.ServiceInSet(IpFamily.IPV4, true, "published_addr_v4")),
                List.of(new Statement.Accept()), "");
        Rule v6 = new Rule(List.of(new Match.ServiceInSet(IpFamily.IPV6, true, "published_addr_v6")),
                List.of(new Statement.Accept()), "");

        assertThat(RuleCompiler.compile(v4)).containsExactly(
                new Expr.Meta(Expr.META_NFPROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV4),
                new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, 16, 4, 1),
                new Expr.Meta(Expr.META_L4PROTO, 9),
                new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, 10),
                new Expr.Lookup("published_addr_v4", 1, 0),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        assertThat(RuleCompiler.compile(v6)).containsExactly(
                new Expr.Meta(Expr.META_NFPROTO, 1),
                new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV6),
                new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, 24, 16, 1),
                new Expr.Meta(Expr.META_L4PROTO, 2),
                new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, 13),
                new Expr.Lookup("published_addr_v6", 1, 0),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(v4), "")).isEqualTo(v4);
        assertThat(RuleDecompiler.decompile(RuleCompiler.compile(v6), "")).isEqualTo(v6);
        assertThat(NftSyntax.ruleText(v6)).isEqualTo("ip6 daddr . meta l4proto . th dport @published_addr_v6 accept");
    }

    @Test
    void aPublishedPortLookupWithTheSourceAddressOrOtherRegistersIsNotOurs() {
        List<Expr> source = List.of(new Expr.Meta(Expr.META_NFPROTO, 1), new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV4),
                new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, 12, 4, 1), new Expr.Meta(Expr.META_L4PROTO, 9),
                new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, 10), new Expr.Lookup("published_addr_v4", 1, 0),
                new Expr.Immediate(Expr.VERDICT_ACCEPT));
        List<Expr> sourcePort = List.of(new Expr.Meta(Expr.META_NFPROTO, 1), new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV4),
                new Expr.Meta(Expr.META_L4PROTO, 1), new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 0, 2, 9),
                new Expr.Lookup("published_v4", 1, 0), new Expr.Immediate(Expr.VERDICT_ACCEPT));
        List<Expr> overlapping = List.of(new Expr.Meta(Expr.META_NFPROTO, 1), new Expr.Cmp(Expr.CMP_EQ, 1, NFPROTO_IPV4),
                new Expr.Meta(Expr.META_L4PROTO, 1), new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, 1),
                new Expr.Lookup("published_v4", 1, 0), new Expr.Immediate(Expr.VERDICT_ACCEPT));

        assertThat(RuleDecompiler.decompile(source, "").unparsed()).isEqualTo(source);
        assertThat(RuleDecompiler.decompile(sourcePort, "").unparsed()).isEqualTo(sourcePort);
        assertThat(RuleDecompiler.decompile(overlapping, "").unparsed()).isEqualTo(overlapping);
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
}
