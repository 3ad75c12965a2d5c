package io.bridgewall.ruleset;

import static io.bridgewall.testing.Fixtures.bridge;
import static io.bridgewall.testing.Fixtures.ifname;
import static io.bridgewall.testing.Fixtures.network;
import static io.bridgewall.testing.Fixtures.range;
import static io.bridgewall.testing.Fixtures.samplePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

class NftSyntaxTest {
    private static final RuleSet SAMPLE = Planner.plan(samplePolicy());

    @Test
    void planScriptIsHeaderThenCreateDeleteAndDefineTheTable() {
        List<String> lines = NftSyntax.planScript(SAMPLE, List.of("bridgewall plan", "3 bridges")).lines().toList();

        assertThat(lines.subList(0, 6)).containsExactly(
                "# bridgewall plan",
                "# 3 bridges",
                "# (Re)creates table inet bridgewall in one transaction, as it stands after `bridgewall apply`; nothing else is touched.",
                "table inet bridgewall",
                "delete table inet bridgewall",
                "table inet bridgewall {");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("}");
    }

    @Test
    void rendersSetsWithTypeFlagsAndNotedElements() {
        String script = NftSyntax.planScript(SAMPLE, List.of());

        assertThat(script).contains("""
                \tset bridges {
                \t\ttype ifname
                \t\telements = {
                \t\t\t"br-direct", # routed
                \t\t\t"br-internal", # backend
                \t\t\t"docker0" # bridge (default)
                \t\t}
                \t}
                """);
        assertThat(script).contains("""
                \tset blocked_v4 {
                \t\ttype ipv4_addr
                \t\tflags interval
                \t\telements = { 10.0.0.0/8, 100.64.0.0/10, 169.254.0.0/16, 172.16.0.0/12, 192.168.0.0/16 }
                \t}
                """);
        assertThat(script).contains("\t\telements = { fc00::/7, fe80::/10 }\n");
        assertThat(script).contains("\tset host_udp_ports {\n\t\ttype inet_service\n\t}\n");
    }

    @Test
    void rendersChainsWithHookPriorityPolicyAndRules() {
        String script = NftSyntax.planScript(SAMPLE, List.of());

        assertThat(script).contains("""
                \tchain input {
                \t\ttype filter hook input priority 0; policy drop;
                \t\tct state established,related accept
                \t\tct state invalid drop
                \t\tiifname "lo" accept
                \t\ticmpv6 type @host_icmpv6_types accept
                \t\ttcp dport @host_tcp_ports accept
                \t\tudp dport @host_udp_ports accept
                \t\tmeta nfproto ipv4 meta l4proto . th dport @published_v4 counter accept comment "ports Docker publishes on every address, IPv4"
                \t\tmeta nfproto ipv6 meta l4proto . th dport @published_v6 counter accept comment "ports Docker publishes on every address, IPv6"
                \t\tip daddr . meta l4proto . th dport @published_addr_v4 counter accept comment "ports Docker publishes on one host address, IPv4"
                \t\tip6 daddr . meta l4proto . th dport @published_addr_v6 counter accept comment "ports Docker publishes on one host address, IPv6"
                \t\tcounter comment "host input dropped by policy"
                \t}
                """);
        assertThat(script).contains("\t\tiifname @contained iifname != @uncontained ip daddr @blocked_v4 counter drop "
                + "comment \"container to private or local IPv4\"\n");
        assertThat(script).contains("""
                \tchain postrouting {
                \t\ttype nat hook postrouting priority 100; policy accept;
                \t\toifname != @bridges ip saddr @masquerade_nets_v4 masquerade comment "containers leaving the host, IPv4"
                """);
    }

    @Test
    void rendersInterfaceNamesAndWildcardsAsNftWritesThem() {
        SetElement wildcard = new SetElement(ifname("br-", "").first(),
                ByteString.of(new byte[] {'b', 'r', '-', -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}), "");

        assertThat(NftSyntax.element(SetType.IFNAME, wildcard)).isEqualTo("\"br-*\"");
        assertThat(NftSyntax.element(SetType.IFNAME, ifname("docker0", ""))).isEqualTo("\"docker0\"");
        assertThat(NftSyntax.planScript(SAMPLE, List.of())).contains("""
                \tset contained {
                \t\ttype ifname
                \t\tflags interval
                \t\telements = {
                \t\t\t"br-*", # name pattern
                \t\t\t"docker0" # name pattern
                \t\t}
                \t}
                """);
    }

    @Test
    void anInterfaceKeyRangeThatIsNoWildcardHasNoText() {
        // "br-" .. "br-x" padded with 0xff: not a prefix range; a 16-byte key without terminator is no name.
        SetElement partial = new SetElement(ifname("br-", "").first(),
                ByteString.of(new byte[] {'b', 'r', '-', 'x', -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}), "");
        byte[] full = new byte[16];
        java.util.Arrays.fill(full, (byte) 'a');

        assertThat(InterfaceKeys.text(partial)).isEmpty();
        assertThat(InterfaceKeys.text(SetElement.single(ByteString.of(full), ""))).isEmpty();
        assertThat(InterfaceKeys.text(ifname("br-lan", ""))).hasValue("br-lan");
    }

    @Test
    void rendersEachElementTypeAsNftWritesIt() {
        assertThat(NftSyntax.element(SetType.IFNAME, ifname("br-0123456789ab", ""))).isEqualTo("\"br-0123456789ab\"");
        assertThat(NftSyntax.element(SetType.IPV4_ADDR, network("172.17.0.0/16", ""))).isEqualTo("172.17.0.0/16");
        assertThat(NftSyntax.element(SetType.IPV4_ADDR, network("192.0.2.1", ""))).isEqualTo("192.0.2.1");
        assertThat(NftSyntax.element(SetType.IPV4_ADDR, network("0.0.0.0/0", ""))).isEqualTo("0.0.0.0/0");
        assertThat(NftSyntax.element(SetType.IPV4_ADDR, range("172.17.0.0", "172.19.255.255", "")))
                .isEqualTo("172.17.0.0-172.19.255.255");
        assertThat(NftSyntax.element(SetType.IPV4_ADDR, range("10.0.0.128", "10.0.1.127", "")))
                .isEqualTo("10.0.0.128-10.0.1.127");
        assertThat(NftSyntax.element(SetType.IPV6_ADDR, network("fd00:d0c::/64", ""))).isEqualTo("fd00:d0c::/64");
        assertThat(NftSyntax.element(SetType.IPV6_ADDR, network("2001:db8::1", ""))).isEqualTo("2001:db8::1");
        assertThat(NftSyntax.element(SetType.IPV6_ADDR, range("fd00::1", "fd00::ff", ""))).isEqualTo("fd00::1-fd00::ff");
        assertThat(NftSyntax.element(SetType.INET_SERVICE, SetElement.single(ByteString.bigEndianU16(8443), "")))
                .isEqualTo("8443");
        assertThat(NftSyntax.element(SetType.ICMPV6_TYPE, SetElement.single(ByteString.of((byte) 135), "")))
                .isEqualTo("nd-neighbor-solicit");
        assertThat(NftSyntax.element(SetType.ICMPV6_TYPE, SetElement.single(ByteString.of((byte) 200), "")))
                .isEqualTo("200");
    }

    @Test
    void notesCannotBreakOutOfTheirComment() {
        Policy policy = Policy.withDefaults(List.of(
                bridge("docker0", true, false, "net\n}\nflush ruleset\r\u0000\u001b[2J", "172.17.0.0/16")));

        String script = NftSyntax.planScript(Planner.plan(policy), List.of("header\nflush ruleset", "ünïcode"));

        assertThat(script).contains("\t\t\t\"docker0\" # net?}?flush ruleset???[2J\n");
        assertThat(script).startsWith("# header?flush ruleset\n# ?n?code\n");
        assertThat(script.lines()).noneMatch(line -> line.startsWith("flush"));
        assertThat(script).doesNotContain("\r", "\u0000", "\u001b");
    }

    @Test
    void ruleCommentsCannotBreakOutOfTheirQuotes() {
        Rule rule = new Rule(List.of(), List.of(new Statement.Accept()), "say \"hi\"\nflush ruleset");

        assertThat(NftSyntax.ruleText(rule)).isEqualTo("accept comment \"say 'hi'?flush ruleset\"");
    }

    @Test
    void listingShowsCounterValues() {
        Rule counted = new Rule(List.of(new Match.InterfaceInSet(Match.Direction.IN, "internal_bridges", false)),
                List.of(new Statement.Counter(5, 420), new Statement.Drop()), "internal network: nothing leaves");
        RuleSet installed = new RuleSet("bridgewall", Family.INET, List.of(),
                List.of(new Chain("forward", Chain.ChainType.FILTER, Chain.Hook.FORWARD, 0, Chain.Policy.ACCEPT,
                        List.of(counted))));

        assertThat(NftSyntax.listing(installed)).isEqualTo("""
                table inet bridgewall {
                \tchain forward {
                \t\ttype filter hook forward priority 0; policy accept;
                \t\tiifname @internal_bridges counter packets 5 bytes 420 drop comment "internal network: nothing leaves"
                \t}
                }
                """);
        assertThat(NftSyntax.ruleText(counted)).isEqualTo(
                "iifname @internal_bridges counter drop comment \"internal network: nothing leaves\"");
    }

    @Test
    void listingMarksRulesBridgewallDidNotMake() {
        Rule foreign = new Rule(List.of(), List.of(), "", List.of(new Expr.Unknown("log")));

        assertThat(NftSyntax.ruleText(foreign)).isEqualTo("# not made by bridgewall: [ log ]");
    }

    @Test
    void foreignRulesAreWrittenInNftsDebugWordsNeverAsJavaRecords() {
        // `jump somewhere` read back: a verdict bridgewall never makes (NFT_JUMP is -3)
        Rule jump = new Rule(List.of(), List.of(), "", List.of(new Expr.Meta(Expr.META_IIFNAME, 1),
                new Expr.Lookup("bridges", 1, 0), new Expr.Immediate(-3),
                new Expr.Unknown("lookup", "lookup reg 1 set blocked_v4 dreg 0 0x0")));

        assertThat(NftSyntax.listedRuleText(jump)).isEqualTo("# not made by bridgewall: [ meta load iifname => reg 1 ] "
                + "[ lookup reg 1 set bridges ] [ immediate reg 0 jump ] [ lookup reg 1 set blocked_v4 dreg 0 0x0 ]")
                .doesNotContain("Immediate[").doesNotContain("verdict=");
    }
}
