package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bridgewall doctor in a namespace of its own, each problem staged for real (sysctls, other
 * tables' chains made with nft, Docker-like chains, a daemon.json of the test's own): each
 * shows its finding and its fix, the exit code follows, a healthy namespace exits 0, --json
 * carries the same findings, and doctor itself changes nothing in the kernel.
 */
class DoctorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Netns netns;
    @TempDir
    Path dir;
    private Path iptablesOff;

    @BeforeEach
    void createNamespace() throws IOException {
        Root.require();
        netns = Netns.create("doctor");
        netns.exec("ip", "link", "add", "docker0", "type", "bridge").orThrow();
        iptablesOff = Files.writeString(dir.resolve("daemon.json"), "{\"iptables\": false}\n");
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    private List<String> options(Path daemonJson, String... extra) {
        List<String> args = new ArrayList<>(List.of("--no-docker", "--netns", netns.name(), "--bridge",
                "docker0=172.17.0.0/16", "--docker-config", daemonJson.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    private Shell.Result doctor(Path daemonJson, String... extra) {
        List<String> args = new ArrayList<>(List.of("doctor"));
        args.addAll(options(daemonJson, extra));
        String before = ruleset();
        Shell.Result result;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            result = Bridgewall.run(List.of(), args);
            assertThat(monitor.generationsSinceStart()).as("transactions doctor committed").isZero();
        }
        assertThat(ruleset()).as("nft -a list ruleset after doctor").isEqualTo(before);
        return result;
    }

    private void apply(Path daemonJson) {
        List<String> args = new ArrayList<>(List.of("apply"));
        args.addAll(options(daemonJson));
        Shell.Result apply = Bridgewall.run(List.of(), args);
        assertThat(apply.exitCode()).as(apply.stderr()).isZero();
    }

    private String ruleset() {
        return netns.exec("nft", "-a", "list", "ruleset").orThrow().stdout();
    }

    private void sysctl(String setting) {
        netns.exec("sysctl", "-q", "-w", setting).orThrow();
    }

    private void nft(String... command) {
        netns.exec(concat("nft", command)).orThrow();
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** The lines "problem  WHAT" and the "fix:" line under it. */
    private static String findingWithFix(Shell.Result result, String severity, String whatStart) {
        List<String> lines = result.stdout().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(String.format("%-8s %s", severity, whatStart))) {
                assertThat(i + 1).as("a fix line under " + lines.get(i)).isLessThan(lines.size());
                assertThat(lines.get(i + 1)).startsWith("         fix: ");
                return lines.get(i) + "\n" + lines.get(i + 1);
            }
        }
        throw new AssertionError("no " + severity + " starting '" + whatStart + "' in:\n" + result.stdout() + result.stderr());
    }

    /** A namespace set up as bridgewall wants: forwarding on, br_netfilter on, our table applied. */
    private void makeHealthy() {
        sysctl("net.ipv4.ip_forward=1");
        apply(iptablesOff);
    }

    @Test
    void aHealthyNamespaceExitsZeroAndSaysWhatItFound() {
        makeHealthy();

        Shell.Result result = doctor(iptablesOff);

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).doesNotContain("problem ").doesNotContain("warning ")
                .contains("info     table inet bridgewall holds exactly the plan apply would make now")
                .contains("Docker's own firewall is off (\"iptables\": false in " + iptablesOff)
                .contains("nf_tables takes an inet nat chain with masquerade")
                .containsPattern("info     libnftnl\\.so\\.11 is /\\S+libnftnl\\.so\\.11")
                .containsPattern("info     libmnl\\.so\\.0 is /\\S+libmnl\\.so\\.0")
                .endsWith("healthy (network namespace " + netns.name() + "): no problems, no warnings\n");
        assertThat(ruleset()).as("the NAT probe's table was never committed").doesNotContain("bridgewall-doctor-probe");
    }

    @Test
    void ipForwardOffIsAProblemWithTheSysctlToRun() {
        apply(iptablesOff); // a new namespace starts with forwarding off

        Shell.Result result = doctor(iptablesOff);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(findingWithFix(result, "problem", "net.ipv4.ip_forward is 0 in network namespace " + netns.name()))
                .contains("fix: 'ip netns exec " + netns.name() + " sysctl -w net.ipv4.ip_forward=1'");
        assertThat(result.stdout()).endsWith("1 problem, 0 warnings (network namespace " + netns.name()
                + "): each fix is on the line below it\n");
    }

    @Test
    void ipv6ForwardingMattersOnceABridgeHasAnIpv6Subnet() {
        sysctl("net.ipv4.ip_forward=1");
        sysctl("net.ipv6.conf.all.forwarding=0");
        List<String> args = new ArrayList<>(List.of("doctor", "--no-docker", "--netns", netns.name(), "--bridge",
                "docker0=172.17.0.0/16,fd00:17::/64", "--docker-config", iptablesOff.toString()));

        Shell.Result withIpv6 = Bridgewall.run(List.of(), args);

        assertThat(findingWithFix(withIpv6, "problem", "net.ipv6.conf.all.forwarding is 0 in network namespace "
                + netns.name() + ": the host routes no IPv6"))
                .contains("fix: 'ip netns exec " + netns.name() + " sysctl -w net.ipv6.conf.all.forwarding=1'");
        assertThat(doctor(iptablesOff).stdout()).as("an IPv4-only policy").doesNotContain("net.ipv6.conf.all.forwarding");
    }

    @Test
    void brNetfilterOffInTheNamespaceIsAProblem() {
        makeHealthy();
        sysctl("net.bridge.bridge-nf-call-iptables=0");

        Shell.Result result = doctor(iptablesOff);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(findingWithFix(result, "problem", "net.bridge.bridge-nf-call-iptables is off in network namespace "
                + netns.name() + ": containers on the same bridge are NOT isolated"))
                .contains("sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1");
    }

    @Test
    void aForeignForwardChainWithPolicyDropIsNamedWithWhatItDoesToOurs() {
        makeHealthy();
        nft("add", "table", "inet", "filter");
        nft("add", "chain", "inet", "filter", "forward", "{ type filter hook forward priority 0; policy drop; }");
        nft("add", "chain", "inet", "filter", "input", "{ type filter hook input priority 0; policy accept; }");

        Shell.Result result = doctor(iptablesOff);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(findingWithFix(result, "problem", "inet filter forward (nft; filter chain on the forward hook, "
                + "priority 0, policy drop): drops every forwarded packet"))
                .contains("a drop in any table wins")
                .contains("fix: accept container traffic in that chain, or set its policy: 'nft chain inet filter forward "
                        + "{ policy accept \\; }'");
        assertThat(result.stdout()).contains("info     inet filter input (nft; filter chain on the input hook, priority 0, "
                + "policy accept): its drops also apply to traffic bridgewall accepts; its accepts do not override "
                + "bridgewall's drops");
    }

    /** What dockerd with "iptables": true leaves in an iptables-nft ruleset, in miniature. */
    private void stageDockerChains() {
        nft("add", "table", "ip", "filter");
        nft("add", "chain", "ip", "filter", "FORWARD", "{ type filter hook forward priority 0; policy drop; }");
        nft("add", "chain", "ip", "filter", "DOCKER");
        nft("add", "chain", "ip", "filter", "DOCKER-USER");
        nft("add", "rule", "ip", "filter", "FORWARD", "jump", "DOCKER-USER");
        nft("add", "table", "ip", "nat");
        nft("add", "chain", "ip", "nat", "POSTROUTING", "{ type nat hook postrouting priority 100; policy accept; }");
        nft("add", "chain", "ip", "nat", "DOCKER");
    }

    @Test
    void dockerChainsWithIptablesFalseAreLeftoversAndTheFixNamesTheirTables() {
        sysctl("net.ipv4.ip_forward=1");
        apply(iptablesOff);
        stageDockerChains();

        Shell.Result result = doctor(iptablesOff);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(findingWithFix(result, "problem", "Docker's own chains are still here (ip filter DOCKER, "
                + "ip filter DOCKER-USER, ip nat DOCKER) though " + iptablesOff + " says \"iptables\": false"))
                .contains("fix: reboot, or, if 'ip filter' and 'ip nat' hold nothing but Docker's rules (look first: 'ip "
                        + "netns exec " + netns.name() + " nft list table ip filter'), delete them: 'ip netns exec "
                        + netns.name() + " nft delete table ip filter'; 'ip netns exec " + netns.name()
                        + " nft delete table ip nat'");
        // Their forward policy drop is nobody's accept any more: it drops what bridgewall lets through.
        assertThat(findingWithFix(result, "problem", "ip filter FORWARD (Docker's iptables rules; filter chain on the "
                + "forward hook, priority 0, policy drop)")).contains("iptables -P FORWARD ACCEPT");

        // The fix as printed works: run it, and doctor finds the namespace healthy.
        netns.exec("nft", "delete", "table", "ip", "filter").orThrow();
        netns.exec("nft", "delete", "table", "ip", "nat").orThrow();
        Shell.Result after = doctor(iptablesOff);
        assertThat(after.exitCode()).as(after.stdout()).isZero();
    }

    @Test
    void dockerChainsWithoutADaemonJsonAreCoexistenceMode() {
        sysctl("net.ipv4.ip_forward=1");
        stageDockerChains();
        Path none = dir.resolve("no-daemon.json");
        apply(none); // --docker-firewall auto sees Docker's chains: a coexistence plan

        Shell.Result result = doctor(none);

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("info     coexistence mode: Docker's own firewall is on (no " + none
                        + ", so Docker's default; chains ip filter DOCKER, ip filter DOCKER-USER, ip nat DOCKER) in network "
                        + "namespace " + netns.name())
                .contains("info     ip filter FORWARD (Docker's iptables rules; filter chain on the forward hook, priority 0, "
                        + "policy drop): Docker's forward chain, which accepts its own containers' traffic")
                .contains("holds exactly the plan apply would make now")
                .doesNotContain("leftovers");
    }

    @Test
    void ourTableMissingIsAProblem() {
        sysctl("net.ipv4.ip_forward=1");

        Shell.Result result = doctor(iptablesOff);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(findingWithFix(result, "problem", "table inet bridgewall is not installed in network namespace "
                + netns.name())).contains("fix: run 'bridgewall apply' with the options given to doctor");
    }

    @Test
    void ourTableChangedBySomeoneDiffersFromThePlan() {
        makeHealthy();
        nft("flush", "chain", "inet", "bridgewall", "forward");

        Shell.Result result = doctor(iptablesOff);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(findingWithFix(result, "problem", "table inet bridgewall differs from the plan apply would make now"))
                .contains("bridgewall apply --check");
        // And the fix restores it.
        apply(iptablesOff);
        assertThat(doctor(iptablesOff).exitCode()).isZero();
    }

    @Test
    void aDockerThatDoesNotAnswerLeavesTheTableUncomparedWithAWarning() {
        makeHealthy();

        Shell.Result result = Bridgewall.run("doctor", "--netns", netns.name(), "--docker-host",
                "unix://" + dir.resolve("no-docker.sock"), "--docker-config", iptablesOff.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(findingWithFix(result, "warning", "no plan to compare our table with: ")).contains(
                dir.resolve("no-docker.sock").toString()).contains("fix: start Docker or give --docker-host");
        assertThat(result.stdout()).contains("info     table inet bridgewall is installed; not compared with a plan");
    }

    @Test
    void jsonCarriesTheSameFindingsAsTheText() throws IOException {
        apply(iptablesOff); // forwarding off: one problem

        Shell.Result text = doctor(iptablesOff);
        Shell.Result json = doctor(iptablesOff, "--json");

        assertThat(json.exitCode()).isEqualTo(text.exitCode()).isEqualTo(1);
        JsonNode document = JSON.readTree(json.stdout());
        assertThat(document.get("format").asInt()).isEqualTo(1);
        assertThat(document.get("kind").asText()).isEqualTo("doctor");
        assertThat(document.get("namespace").asText()).isEqualTo(netns.name());
        assertThat(document.get("healthy").asBoolean()).isFalse();
        assertThat(document.get("problems").asInt()).isEqualTo(1);
        List<String> fromJson = new ArrayList<>();
        for (JsonNode finding : document.get("findings")) {
            fromJson.add(String.format("%-8s %s", finding.get("severity").asText(), finding.get("what").asText()));
            if (!finding.get("fix").asText().isEmpty()) {
                fromJson.add(String.format("%-8s fix: %s", "", finding.get("fix").asText()));
            }
        }
        List<String> textLines = text.stdout().lines().toList();
        assertThat(fromJson).isEqualTo(textLines.subList(0, textLines.size() - 1));
        assertThat(document.get("findings").get(0).get("check").asText()).isEqualTo("forwarding");
    }

    @Test
    void badInputExitsTwoAndReadsNothing() {
        Shell.Result result = Bridgewall.run("doctor", "--netns", netns.name(), "--docker-timeout", "0");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("bridgewall: invalid input: --docker-timeout 0 is out of range");
        assertThat(result.stdout()).isEmpty();

        Shell.Result missing = Bridgewall.run("doctor", "--no-docker", "--netns", netns.name() + "-absent");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("does not exist");
    }
}
