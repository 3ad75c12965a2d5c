package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Protocol;
import io.bridgewall.policy.PublishedPort;
import io.bridgewall.policy.PublishedPorts;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.RuleSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same policy committed two ways, by `bridgewall apply` over netlink in one namespace
 * and by `nft -f` of `bridgewall plan` in another, must leave identical rulesets. This pins
 * down both the plan text and the netlink encoding against nft's own compiler.
 */
class PlanMatchesApplyTest {
    private static final List<String> POLICY = List.of(
            "--bridge", "docker0=172.17.0.0/16",
            "--bridge", "br-0123456789ab=10.99.0.0/24,fd00:99::/64",
            "--bridge", "bwcustom0=198.18.0.0/24",
            "--allow-port", "22", "--allow-port", "53/udp", "--allow-port", "443/tcp");

    /** Containment: Docker's naming (the default), patterns of one's own with exemptions, wildcard next to name, off. */
    static Stream<List<String>> containments() {
        return Stream.of(List.of(),
                List.of("--contain", "br-*", "--contain", "vmbr*", "--contain", "br-0*", "--contain", "lxcbr0",
                        "--uncontain", "vmbr1", "--uncontain", "br-lan"),
                List.of("--contain", "none"),
                List.of("--isolation", "strict"));
    }

    @ParameterizedTest
    @MethodSource("containments")
    void nftLoadingThePlanLeavesTheSameRulesetAsApply(List<String> containment) {
        Root.require();
        try (Netns viaBridgewall = Netns.create("viabw"); Netns viaNft = Netns.create("vianft")) {
            List<String> policy = concat(POLICY, containment);
            // Planned inside a namespace of the test's own, like apply: the machine's own ruleset (Docker's
            // chains on a CI runner would mean coexistence mode) and interfaces play no part.
            Shell.Result plan = Bridgewall.run(List.of("ip", "netns", "exec", viaNft.name()),
                    concat(List.of("plan", "--no-docker"), policy));
            assertThat(plan.exitCode()).as(plan.stderr()).isZero();

            Shell.Result check = Shell.run(Shell.DEFAULT_TIMEOUT, plan.stdout(),
                    List.of("ip", "netns", "exec", viaNft.name(), "nft", "-c", "-f", "-"));
            assertThat(check.exitCode()).as("nft -c accepts the plan: " + check.stderr()).isZero();
            Shell.run(Shell.DEFAULT_TIMEOUT, plan.stdout(), List.of("ip", "netns", "exec", viaNft.name(), "nft", "-f", "-"))
                    .orThrow();

            Shell.Result apply = Bridgewall.run(List.of(), concat(List.of("apply", "--no-docker", "--netns", viaBridgewall.name()), policy));
            assertThat(apply.exitCode()).as(apply.stderr()).isZero();

            assertThat(NftRuleset.text(viaBridgewall)).isEqualTo(NftRuleset.text(viaNft));
            assertThat(NftRuleset.text(viaNft)).contains("\"br-0123456789ab\"").contains("fd00:99::/64");
            List<String> contained = NftRuleset.of(viaNft).elements("bridgewall", "contained");
            // The pairs of bridges whose containers talk: docker0 never, none at all under strict isolation.
            if (containment.contains("strict")) {
                assertThat(NftRuleset.text(viaNft)).doesNotContain("\" . \"");
            } else {
                assertThat(NftRuleset.text(viaNft)).contains("type ifname . ifname")
                        .contains("\"br-0123456789ab\" . \"br-0123456789ab\"").contains("\"bwcustom0\" . \"bwcustom0\"")
                        .doesNotContain("\"docker0\" . \"docker0\"");
            }
            assertThat(NftRuleset.text(viaNft))
                    .containsPattern("iifname \\. oifname @icc_pairs counter packets 0 bytes 0 ct mark set 0x[0-9a-f]{8} accept")
                    .containsPattern("ct state established ct mark 0x[0-9a-f]{8} accept comment \"fast path: established");
            if (containment.isEmpty() || containment.contains("strict")) {
                assertThat(contained).containsExactly("br-*", "bwcustom0", "docker0");
            } else if (containment.contains("none")) {
                assertThat(contained).containsExactlyInAnyOrder("br-0123456789ab", "bwcustom0", "docker0");
            } else {
                assertThat(contained).containsExactly("br-*", "bwcustom0", "docker0", "lxcbr0", "vmbr*");
                assertThat(NftRuleset.of(viaNft).elements("bridgewall", "uncontained")).containsExactlyInAnyOrder("br-lan", "vmbr1");
            }
        }
    }

    /**
     * Exceptions and host ports limited to sources are rules with addresses, prefixes and
     * ports of their own: compared expression by expression too (`nft --debug=netlink list`
     * prints what the kernel holds), so a prefix loaded or masked differently from nft shows.
     */
    @Test
    void exceptionsAndPortSourcesLeaveTheSameExpressionsAsNft() {
        Root.require();
        List<String> policy = concat(POLICY.subList(0, 6), List.of(
                "--allow", "10.0.0.5:5432/tcp", "--allow", "10.1.0.0/16:5000-5010/udp", "--allow", "10.16.0.0/12/tcp",
                "--allow", "192.168.0.0/23", "--allow", "[2001:db8::5]:53", "--allow", "[fd00:1234::/36]/udp",
                "--allow", "docker0,br-0123456789ab=172.31.0.7:80", "--allow", "2001:db8:1::/48",
                "--allow-port", "443", "--allow-port", "22/tcp@10.1.0.0/16,fd00::/8,192.168.7.128/25"));
        try (Netns viaBridgewall = Netns.create("viabw"); Netns viaNft = Netns.create("vianft")) {
            Shell.Result plan = Bridgewall.run(List.of("ip", "netns", "exec", viaNft.name()),
                    concat(List.of("plan", "--no-docker"), policy));
            assertThat(plan.exitCode()).as(plan.stderr()).isZero();
            Shell.run(Shell.DEFAULT_TIMEOUT, plan.stdout(), List.of("ip", "netns", "exec", viaNft.name(), "nft", "-f", "-"))
                    .orThrow();
            Shell.Result apply = Bridgewall.run(List.of(), concat(List.of("apply", "--no-docker", "--netns", viaBridgewall.name()), policy));
            assertThat(apply.exitCode()).as(apply.stderr()).isZero();

            assertThat(NftRuleset.text(viaBridgewall)).isEqualTo(NftRuleset.text(viaNft))
                    .contains("ip daddr 10.1.0.0/16 udp dport 5000-5010 counter packets 0 bytes 0 accept")
                    .contains("iifname \"br-0123456789ab\" ip daddr 172.31.0.7 udp dport 80 counter")
                    .contains("ip6 saddr fd00::/8 tcp dport 22 counter");
            assertThat(netlinkListing(viaBridgewall)).isEqualTo(netlinkListing(viaNft))
                    // 10.16.0.0/12: the whole address masked; 10.1.0.0/16: two bytes loaded, no mask
                    .contains("  [ bitwise reg 1 = ( reg 1 & 0x0000f0ff ) ^ 0x00000000 ]")
                    .contains("  [ payload load 2b @ network header + 16 => reg 1 ]", "  [ cmp eq reg 1 0x0000010a ]");
        }
    }

    /** The kernel's expressions as nft receives them, handles and counters left out. */
    private static List<String> netlinkListing(Netns netns) {
        return netns.exec("nft", "--debug=netlink", "list", "ruleset").orThrow().stdout().lines()
                .filter(line -> line.startsWith("  ["))
                .filter(line -> !line.contains("counter pkts"))
                .toList();
    }

    /**
     * Published ports need Docker to come from the CLI, so the policy is built here: their
     * concatenated keys (protocol . port, address . protocol . port) as nft compiles them.
     */
    @Test
    void publishedPortsLoadedByNftEqualTheirApply() {
        Root.require();
        Policy policy = Policy.withDefaults(List.of()).withPublishedPorts(PublishedPorts.of(Stream.of(
                PublishedPort.of("", Protocol.TCP, 8081, "web (id 0123456789ab) port 80"),
                PublishedPort.of("0.0.0.0", Protocol.UDP, 5353, "dns (id 1123456789ab) port 53"),
                PublishedPort.of("192.168.50.1", Protocol.TCP, 8082, "api (id 2123456789ab) port 8080"),
                PublishedPort.of("fd50::1", Protocol.UDP, 65535, "api (id 2123456789ab) port 8080"),
                PublishedPort.of("127.0.0.1", Protocol.TCP, 8083, "admin (id 3123456789ab) port 80"))
                .flatMap(List::stream).toList()));
        RuleSet planned = Planner.plan(policy);
        try (Netns viaBridgewall = Netns.create("viabw"); Netns viaNft = Netns.create("vianft")) {
            Shell.run(Shell.DEFAULT_TIMEOUT, NftSyntax.planScript(planned, List.of()),
                    List.of("ip", "netns", "exec", viaNft.name(), "nft", "-f", "-")).orThrow();
            try (io.bridgewall.kernel.Firewall firewall = io.bridgewall.kernel.Firewall.open(Optional.of(viaBridgewall.name()))) {
                io.bridgewall.kernel.Firewall.ApplyReport report = firewall.apply(planned);
                assertThat(firewall.verify(planned, report).verified()).isTrue();
            }

            assertThat(NftRuleset.text(viaBridgewall)).isEqualTo(NftRuleset.text(viaNft));
            NftRuleset kernel = NftRuleset.of(viaNft);
            assertThat(kernel.elements("bridgewall", "published_v4")).containsExactlyInAnyOrder("tcp . 8081", "udp . 5353");
            assertThat(kernel.elements("bridgewall", "published_v6")).containsExactly("tcp . 8081");
            assertThat(kernel.elements("bridgewall", "published_addr_v4")).containsExactly("192.168.50.1 . tcp . 8082");
            assertThat(kernel.elements("bridgewall", "published_addr_v6")).containsExactly("fd50::1 . udp . 65535");
        }
    }

    @Test
    void planTouchesNothingAndNeedsNoPrivileges() {
        Root.require();
        Shell.Result plan = Bridgewall.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                concat(List.of("plan", "--no-docker"), POLICY));
        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stdout()).startsWith("# bridgewall plan").contains("delete table inet bridgewall");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
