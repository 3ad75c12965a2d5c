package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.Verification;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.BridgeOrigin;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Port;
import io.bridgewall.policy.Protocol;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.RuleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "verified" means the kernel enforces the plan: each test tampers with an applied table the
 * way someone with nft could (the reproductions of issue 8), then checks that `apply` neither
 * says "unchanged … verified" nor fails forever, but replaces or repairs the table and says
 * what was wrong, that `show` marks what bridgewall did not make, and, with nft's own listing,
 * that the kernel ends up holding the plan.
 */
class ReadBackTest {
    private static final List<String> POLICY = List.of("--no-docker", "--bridge", "docker0=10.213.0.0/24");
    private Netns netns;

    @BeforeEach
    void createNamespace() {
        Root.require();
        netns = Netns.create("readback");
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    /** With --verify: every apply here reads the table back, so "verified" is the kernel's word on the repair. */
    private Shell.Result apply(List<String> policy) {
        List<String> args = new ArrayList<>(List.of("apply", "--verify", "--netns", netns.name()));
        args.addAll(policy);
        return Bridgewall.run(List.of(), args);
    }

    private Shell.Result apply() {
        return apply(POLICY);
    }

    private Shell.Result show() {
        return Bridgewall.run("show", "--netns", netns.name());
    }

    private void nft(String script) {
        Shell.run(Shell.DEFAULT_TIMEOUT, script, List.of("ip", "netns", "exec", netns.name(), "nft", "-f", "-")).orThrow();
    }

    private String table() {
        return netns.exec("nft", "list", "table", "inet", "bridgewall").orThrow().stdout();
    }

    /** Reloads our table from nft's own listing with one edit, in one transaction: everything else stays as it was. */
    private void tamper(UnaryOperator<String> edit) {
        String listing = table();
        String edited = edit.apply(listing);
        assertThat(edited).as("the edit applies to the listing").isNotEqualTo(listing);
        nft("delete table inet bridgewall\n" + edited);
    }

    private static UnaryOperator<String> replacing(String from, String to) {
        return listing -> listing.replace(from, to);
    }

    /** A repaired table: apply says what was wrong, verifies, and the next apply has nothing to do. */
    private void assertRepairedBy(Shell.Result repaired, String kind, String wasWrong) {
        assertThat(repaired.exitCode()).as(repaired.stdout() + repaired.stderr()).isZero();
        assertThat(repaired.stdout()).startsWith(kind + " table inet bridgewall")
                .contains("  was: " + wasWrong)
                .contains("verified: the kernel holds exactly the planned table");
        Shell.Result again = apply();
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(again.stdout()).startsWith("unchanged:").contains("verified:");
    }

    @Test
    void aDormantTableIsNotVerifiedAndTheNextApplyWakesIt() {
        assertThat(apply().exitCode()).isZero();
        String asApplied = table();
        netns.exec("nft", "add", "table", "inet", "bridgewall", "{ flags dormant; }").orThrow();
        assertThat(table()).contains("flags dormant");

        Shell.Result shown = show();
        assertThat(shown.stdout()).contains("\t# not made by bridgewall: table flags dormant").contains("\tflags dormant\n");

        Shell.Result repaired = apply();
        assertRepairedBy(repaired, "replaced", "not made by bridgewall: table flags dormant");
        assertThat(table()).doesNotContain("dormant").isEqualTo(asApplied);
    }

    @Test
    void aDormantTableLetsAContainerReachTheLanUntilTheNextApply() {
        try (Netns container = Netns.create("ctr"); Netns lan = Netns.create("lan")) {
            // host: bridge docker0 10.213.0.1/24 with the container on it; LAN 192.168.77.0/24 on lan0
            netns.exec("ip", "link", "add", "docker0", "type", "bridge").orThrow();
            netns.exec("ip", "addr", "add", "10.213.0.1/24", "dev", "docker0").orThrow();
            netns.exec("ip", "link", "set", "docker0", "up").orThrow();
            netns.exec("ip", "link", "add", "veth-c", "type", "veth", "peer", "name", "eth0", "netns", container.name()).orThrow();
            netns.exec("ip", "link", "set", "veth-c", "master", "docker0", "up").orThrow();
            container.exec("ip", "addr", "add", "10.213.0.2/24", "dev", "eth0").orThrow();
            container.exec("ip", "link", "set", "eth0", "up").orThrow();
            container.exec("ip", "route", "add", "default", "via", "10.213.0.1").orThrow();
            netns.exec("ip", "link", "add", "lan0", "type", "veth", "peer", "name", "eth0", "netns", lan.name()).orThrow();
            netns.exec("ip", "addr", "add", "192.168.77.1/24", "dev", "lan0").orThrow();
            netns.exec("ip", "link", "set", "lan0", "up").orThrow();
            lan.exec("ip", "addr", "add", "192.168.77.2/24", "dev", "eth0").orThrow();
            lan.exec("ip", "link", "set", "eth0", "up").orThrow();
            lan.exec("ip", "route", "add", "10.213.0.0/24", "via", "192.168.77.1").orThrow();
            netns.exec("sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
            assertThat(pingsLan(container)).as("no firewall yet").isTrue();

            assertThat(apply().exitCode()).isZero();
            assertThat(pingsLan(container)).as("bridgewall applied").isFalse();

            netns.exec("nft", "add", "table", "inet", "bridgewall", "{ flags dormant; }").orThrow();
            assertThat(pingsLan(container)).as("dormant: nothing filters").isTrue();

            Shell.Result repaired = apply();
            assertThat(repaired.exitCode()).as(repaired.stderr()).isZero();
            assertThat(repaired.stdout()).doesNotContain("unchanged").contains("  was: not made by bridgewall: table flags dormant");
            assertThat(pingsLan(container)).as("the next apply enforces the plan again").isFalse();
        }
    }

    /** One bounded ICMP echo from the container to the LAN host. */
    private static boolean pingsLan(Netns container) {
        return container.exec("busybox", "ping", "-c", "1", "-W", "1", "192.168.77.2").exitCode() == 0;
    }

    @Test
    void aSetTurnedIntoAVerdictMapIsReplacedByTheSet() {
        assertThat(apply().exitCode()).isZero();
        tamper(listing -> listing.replaceFirst(
                "set blocked_v4 \\{\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = \\{ ([^}]*) \\}",
                "map blocked_v4 {\n\t\ttype ipv4_addr : verdict\n\t\tflags interval\n\t\telements = { "
                        + "10.0.0.0/8 : accept, 100.64.0.0/10 : accept, 169.254.0.0/16 : accept, 172.16.0.0/12 : accept, "
                        + "192.168.0.0/16 : accept }"));
        assertThat(table()).contains("map blocked_v4").contains("10.0.0.0/8 : accept");

        assertThat(show().stdout()).contains("# not made by bridgewall: map blocked_v4: a map to verdict")
                .contains("\tmap blocked_v4 {\n\t\ttype ipv4_addr : verdict\n\t\tflags interval\n")
                .contains("10.0.0.0/8 : accept");

        assertRepairedBy(apply(), "replaced", "not made by bridgewall: map blocked_v4: a map to verdict");
        assertThat(table()).doesNotContain("map blocked_v4").doesNotContain(": accept");
        assertThat(NftRuleset.of(netns).set("bridgewall", "blocked_v4").orElseThrow().path("type").asText())
                .isEqualTo("ipv4_addr");
    }

    @Test
    void aSetWhoseElementsTimeOutIsReplaced() {
        assertThat(apply().exitCode()).isZero();
        tamper(replacing("set blocked_v4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n",
                "set blocked_v4 {\n\t\ttype ipv4_addr\n\t\tflags interval,timeout\n\t\ttimeout 20s\n"));
        assertThat(table()).contains("timeout 20s").contains("expires");

        assertThat(show().stdout()).contains("# not made by bridgewall: set blocked_v4: flags interval,timeout")
                .contains("\t\ttimeout 20s\n");
        assertRepairedBy(apply(), "replaced", "not made by bridgewall: set blocked_v4: flags interval,timeout");
        assertThat(table()).doesNotContain("timeout").doesNotContain("expires");
    }

    @Test
    void constantOrSizeLimitedSetsDoNotMakeApplyFailForever() {
        List<String> twoBridges = List.of("--no-docker", "--bridge", "docker0=10.213.0.0/24", "--bridge", "br-new=10.214.0.0/24");
        for (String tampering : List.of("\t\tflags constant\n", "\t\tsize 1\n")) {
            assertThat(apply().exitCode()).isZero();
            tamper(replacing("set bridges {\n\t\ttype ifname\n", "set bridges {\n\t\ttype ifname\n" + tampering));

            Shell.Result grown = apply(twoBridges);
            assertThat(grown.exitCode()).as(tampering + grown.stdout() + grown.stderr()).isZero();
            assertThat(grown.stdout()).startsWith("replaced table inet bridgewall")
                    .contains("  was: not made by bridgewall: set bridges: " + (tampering.contains("constant")
                            ? "flags constant" : "size limited to 1 elements"))
                    .contains("verified:");
            assertThat(NftRuleset.of(netns).elements("bridgewall", "bridges")).containsExactlyInAnyOrder("docker0", "br-new");
            assertThat(table()).doesNotContain("constant").doesNotContain("size 1");
        }
    }

    @Test
    void aCatchAllElementInOurSetIsReplaced() {
        assertThat(apply().exitCode()).isZero();
        netns.exec("nft", "add", "element", "inet", "bridgewall", "bridges", "{ * }").orThrow();
        assertThat(table()).contains("*");

        assertThat(show().stdout()).contains("# not made by bridgewall: set bridges: a catch-all element (*)")
                .contains("elements = { *, \"docker0\" }");
        assertRepairedBy(apply(), "replaced", "not made by bridgewall: set bridges: a catch-all element (*)");
        assertThat(NftRuleset.of(netns).elements("bridgewall", "bridges")).containsExactly("docker0");
    }

    /** The fast path's mark, its mask and each stamp are attributes like any other: changed or removed, they are repaired. */
    @Test
    void aTamperedFastPathMarkMaskOrStampIsReportedAndRepaired() {
        assertThat(apply().exitCode()).isZero();
        java.util.regex.Matcher found = java.util.regex.Pattern.compile("ct state established ct mark (0x[0-9a-f]{8}) accept")
                .matcher(table());
        assertThat(found.find()).as(table()).isTrue();
        String mark = found.group(1);
        String high = mark.substring(0, 6) + "0000";
        Map<String, UnaryOperator<String>> tamperings = new java.util.LinkedHashMap<>();
        tamperings.put("chain forward rule 1 is `ct state established ct mark 0x00000001 accept", replacing(
                "ct state established ct mark " + mark, "ct state established ct mark 0x00000001"));
        tamperings.put("chain forward rule 1 is `ct state established ct mark and 0xffff0000 == " + high + " accept",
                replacing("ct state established ct mark " + mark, "ct state established ct mark and 0xffff0000 == " + high));
        tamperings.put("chain forward rule 2 is `iifname . oifname @icc_pairs counter accept", replacing(
                "@icc_pairs counter packets 0 bytes 0 ct mark set " + mark + " accept", "@icc_pairs counter packets 0 bytes 0 accept"));
        // The fall-through stamp is the forward chain's last rule (how many there are depends on the host's resolvers).
        String forward = table().split("chain forward \\{")[1].split("}")[0];
        long lastRule = forward.lines().filter(line -> !line.isBlank() && !line.contains("type filter hook")).count();
        tamperings.put("chain forward rule " + lastRule + " is `ct direction original ct mark set 0x00000002 comment",
                replacing("ct mark set " + mark + " comment \"fast path: what", "ct mark set 0x00000002 comment \"fast path: what"));
        // Without its direction the stamp would mark connections whose replies alone passed.
        tamperings.put("chain forward rule " + lastRule + " is `ct mark set " + mark + " comment",
                replacing("ct direction original ct mark set " + mark, "ct mark set " + mark));
        tamperings.forEach((wasWrong, edit) -> {
            tamper(edit);
            assertRepairedBy(apply(), "updated", wasWrong);
            assertThat(table()).contains("ct state established ct mark " + mark + " accept")
                    .contains("@icc_pairs counter packets 0 bytes 0 ct mark set " + mark + " accept")
                    .contains("ct direction original ct mark set " + mark + " comment \"fast path: what");
        });
    }

    @Test
    void aMasqueradeWithFlagsIsNotOursAndIsRewrittenInPlace() {
        assertThat(apply().exitCode()).isZero();
        tamper(replacing("ip saddr @masquerade_nets_v4 masquerade", "ip saddr @masquerade_nets_v4 masquerade random"));
        assertThat(table()).contains("masquerade random");

        assertThat(show().stdout()).contains("# not made by bridgewall: [ meta load oifname => reg 1 ]")
                .contains("[ masq flags 0x4 ]");
        assertRepairedBy(apply(), "updated", "chain postrouting rule 1 is `# not made by bridgewall:");
        assertThat(table()).doesNotContain("random");
    }

    @Test
    void foreignChainsMapsAndStatefulObjectsAreShownAndRemoved() {
        assertThat(apply().exitCode()).isZero();
        nft("""
                table inet bridgewall {
                    counter c1 { }
                    quota q1 { over 100 mbytes }
                    limit l1 { rate 10/second }
                    map extra { type ipv4_addr : verdict; elements = { 192.168.0.1 : accept } }
                    chain helper { }
                    chain sneaky {
                        type filter hook forward priority -10; policy accept;
                        ip daddr vmap @extra
                        jump helper
                    }
                }
                """);

        String shown = show().stdout();
        assertThat(shown)
                .contains("# 6 thing(s) in this table were not made by bridgewall")
                .contains("\t# not made by bridgewall: counter c1\n\tcounter c1 {\n\t\tpackets 0 bytes 0\n\t}\n")
                .contains("\t# not made by bridgewall: quota q1\n\tquota q1 {\n\t\tover 104857600 bytes used 0 bytes\n\t}\n")
                .contains("\t# not made by bridgewall: limit l1\n\tlimit l1 {\n\t\trate 10/second burst 5 packets\n\t}\n")
                .contains("\t# not made by bridgewall: map extra: bridgewall makes no map of this name\n"
                        + "\tmap extra {\n\t\ttype ipv4_addr : verdict\n\t\telements = { 192.168.0.1 : accept }\n\t}\n")
                .contains("\t# not made by bridgewall: chain helper: bridgewall makes no chain of this name\n\tchain helper {\n\t}\n")
                .contains("\tchain sneaky {\n\t\ttype filter hook forward priority -10; policy accept;\n")
                .contains("[ immediate reg 0 jump -> helper ]")
                .doesNotContain("Immediate[").doesNotContain("Unknown[");

        assertRepairedBy(apply(), "replaced", "not made by bridgewall: ");
        assertThat(table()).doesNotContain("c1").doesNotContain("q1").doesNotContain("l1").doesNotContain("extra")
                .doesNotContain("sneaky")
                .doesNotContain("helper");
    }

    @Test
    void switchingEachPartOfThePolicyOnAndOffConvergesAndVerifiesInBothDirections() {
        Bridge docker0 = Bridge.of("docker0", "172.17.0.0/16");
        Bridge withV6 = Bridge.of("br-v6", "10.20.0.0/24", "fd00:20::/64");
        Bridge internal = new Bridge(InterfaceName.of("br-int"), List.of(Cidr.parse("10.30.0.0/24")), true, true, new BridgeOrigin.Described(""));
        Bridge direct = new Bridge(InterfaceName.of("br-direct"), List.of(Cidr.parse("10.40.0.0/24"), Cidr.parse("fd00:40::/64")),
                false, false, new BridgeOrigin.Described(""));
        List<Policy> steps = List.of(
                new Policy(List.of(docker0), Policy.DEFAULT_BLOCKED, HostInput.unmanaged()),
                Policy.withDefaults(List.of(docker0)),
                Policy.withDefaults(List.of()),
                new Policy(List.of(docker0, withV6, internal, direct), Policy.DEFAULT_BLOCKED,
                        new HostInput(true, List.of(new Port(80, Protocol.TCP), new Port(53, Protocol.UDP)))),
                new Policy(List.of(direct), Policy.DEFAULT_BLOCKED, HostInput.unmanaged()),
                Policy.withDefaults(List.of(docker0, internal)));
        List<Policy> forthAndBack = new ArrayList<>(steps);
        for (int i = steps.size() - 2; i >= 0; i--) {
            forthAndBack.add(steps.get(i));
        }
        try (Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
            for (Policy policy : forthAndBack) {
                RuleSet plan = Planner.plan(policy);
                Firewall.ApplyReport report = firewall.apply(plan);
                Verification verification = firewall.verify(plan, report);
                assertThat(verification.outcome()).as(verification.summary()).isEqualTo(Verification.Outcome.VERIFIED);
                // independently: nft sees the planned chains and bridges, whatever order it lists them in
                NftRuleset kernel = NftRuleset.of(netns);
                assertThat(kernel.chains("bridgewall")).extracting(c -> c.path("name").asText())
                        .containsExactlyInAnyOrderElementsOf(plan.chains().stream().map(Chain::name).toList());
                assertThat(kernel.elements("bridgewall", Planner.BRIDGES)).containsExactlyInAnyOrderElementsOf(
                        policy.bridges().stream().map(b -> b.name().value()).toList());
                assertThat(firewall.apply(plan).transaction().kind()).isEqualTo(Applier.Kind.UNCHANGED);
            }
        }
    }

    @Test
    void applyingWithoutInputAndThenWithItVerifiesEveryTime() {
        Shell.Result withoutInput = apply(List.of("--no-docker", "--no-input", "--bridge", "docker0=10.213.0.0/24"));
        assertThat(withoutInput.exitCode()).as(withoutInput.stderr()).isZero();
        for (int i = 0; i < 2; i++) {
            Shell.Result withInput = apply();
            assertThat(withInput.exitCode()).as(withInput.stdout() + withInput.stderr()).isZero();
            assertThat(withInput.stdout()).startsWith(i == 0 ? "updated" : "unchanged").contains("verified:");
        }
        // the kernel lists chains in creation order: input, added last, comes last
        assertThat(NftRuleset.of(netns).chains("bridgewall")).extracting(c -> c.path("name").asText())
                .containsExactly("forward", "postrouting", "input");
    }
}
