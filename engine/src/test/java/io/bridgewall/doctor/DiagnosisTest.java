package io.bridgewall.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.kernel.BridgeNetfilter;
import io.bridgewall.kernel.HookedChain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Host facts in, findings out: every decision of doctor without a kernel. */
class DiagnosisTest {
    private static final Path DAEMON_JSON = Path.of("/etc/docker/daemon.json");
    private static final DockerDaemonConfig IPTABLES_OFF = DockerDaemonConfig.parse(DAEMON_JSON, "{\"iptables\": false}");
    private static final HookedChain OUR_FORWARD = new HookedChain(1, "bridgewall", "forward", true, "filter", 2, 0, "drop");
    private static final List<HookedChain> DOCKER_CHAINS = List.of(
            new HookedChain(2, "filter", "FORWARD", true, "filter", 2, 0, "drop"),
            new HookedChain(2, "filter", "DOCKER", false, "", -1, 0, ""),
            new HookedChain(2, "filter", "DOCKER-USER", false, "", -1, 0, ""),
            new HookedChain(2, "nat", "POSTROUTING", true, "nat", 4, 100, "accept"),
            new HookedChain(2, "nat", "DOCKER", false, "", -1, 0, ""));

    /** A host where everything is as bridgewall wants it. */
    private static HostFacts healthy() {
        return new HostFacts(Optional.of("lab"), IPTABLES_OFF, List.of(OUR_FORWARD), "",
                HostFacts.Sysctl.of("net.ipv4.ip_forward", "1"), Optional.empty(), BridgeNetfilter.State.ENABLED, true,
                List.of(new HostFacts.Library("libnftnl.so.11", "libnftnl11",
                        Optional.of("/usr/lib/x86_64-linux-gnu/libnftnl.so.11.6.0"), Optional.of("1.2.4-2"), "")),
                new HostFacts.NatProbe(HostFacts.NatProbe.Outcome.USABLE, ""),
                new HostFacts.TableState(HostFacts.TableState.Status.EQUALS_PLAN, "inet bridgewall", List.of(), ""), "",
                new HostFacts.Units(false, Map.of()));
    }

    private static HostFacts with(HostFacts f, List<HookedChain> chains, DockerDaemonConfig config) {
        return new HostFacts(f.netns(), config, chains, f.chainsError(), f.ipv4Forward(), f.ipv6Forward(),
                f.bridgeNetfilter(), f.bridgeNetfilterNeeded(), f.libraries(), f.nat(), f.table(), f.planProblem(), f.units());
    }

    private static List<Finding> actionable(HostFacts facts) {
        return Diagnosis.findings(facts).stream().filter(Finding::actionable).toList();
    }

    private static Finding only(List<Finding> findings, String check) {
        List<Finding> of = findings.stream().filter(f -> f.check().equals(check)).toList();
        assertThat(of).as("findings of " + check + " in " + findings).hasSize(1);
        return of.get(0);
    }

    @Test
    void aHealthyHostHasOnlyInformation() {
        List<Finding> findings = Diagnosis.findings(healthy());
        assertThat(findings).allMatch(f -> f.severity() == Finding.Severity.INFO && f.fix().isEmpty());
        assertThat(Diagnosis.healthy(findings)).isTrue();
        assertThat(only(findings, "docker-firewall").what()).contains("Docker's own firewall is off");
        assertThat(only(findings, "libraries").what()).contains("libnftnl.so.11.6.0").contains("ABI version 11.6.0")
                .endsWith("; Debian package libnftnl11 1.2.4-2 is installed");
        assertThat(only(findings, "table").what()).contains("holds exactly the plan");
    }

    @Test
    void ipForwardOffIsAProblemWithTheSysctlForThatNamespace() {
        HostFacts f = healthy();
        HostFacts off = new HostFacts(f.netns(), f.dockerConfig(), f.chains(), "", HostFacts.Sysctl.of("net.ipv4.ip_forward", "0"),
                Optional.of(HostFacts.Sysctl.of("net.ipv6.conf.all.forwarding", "0")), f.bridgeNetfilter(), true,
                f.libraries(), f.nat(), f.table(), "", f.units());

        List<Finding> findings = actionable(off);

        assertThat(findings).hasSize(2).allMatch(x -> x.severity() == Finding.Severity.PROBLEM && x.check().equals("forwarding"));
        assertThat(findings.get(0).what()).startsWith("net.ipv4.ip_forward is 0 in network namespace lab");
        assertThat(findings.get(0).fix()).startsWith("'ip netns exec lab sysctl -w net.ipv4.ip_forward=1'");
        assertThat(findings.get(1).fix()).startsWith("'ip netns exec lab sysctl -w net.ipv6.conf.all.forwarding=1'");
    }

    @Test
    void brNetfilterOffMattersOnlyWhenThePolicyIsolatesABridge() {
        HostFacts f = healthy();
        for (boolean needed : List.of(true, false)) {
            HostFacts off = new HostFacts(f.netns(), f.dockerConfig(), f.chains(), "", f.ipv4Forward(), Optional.empty(),
                    BridgeNetfilter.State.DISABLED, needed, f.libraries(), f.nat(), f.table(), "", f.units());
            Finding finding = only(Diagnosis.findings(off), "br-netfilter");
            assertThat(finding.severity()).isEqualTo(needed ? Finding.Severity.PROBLEM : Finding.Severity.INFO);
            if (needed) {
                assertThat(finding.what()).contains("NOT isolated");
                assertThat(finding.fix()).contains("ip netns exec lab sysctl -w net.bridge.bridge-nf-call-iptables=1");
            }
        }
    }

    @Test
    void dockerChainsWithIptablesFalseAreLeftoversWithTheTablesToDelete() {
        List<HookedChain> chains = new ArrayList<>(DOCKER_CHAINS);
        chains.add(OUR_FORWARD);

        List<Finding> findings = Diagnosis.findings(with(healthy(), chains, IPTABLES_OFF));

        Finding leftovers = only(findings, "docker-leftovers");
        assertThat(leftovers.severity()).isEqualTo(Finding.Severity.PROBLEM);
        assertThat(leftovers.what()).contains("ip filter DOCKER").contains("\"iptables\": false");
        assertThat(leftovers.fix()).startsWith("reboot, or, if 'ip filter' and 'ip nat' hold nothing but Docker's rules")
                .contains("'ip netns exec lab nft delete table ip filter'; 'ip netns exec lab nft delete table ip nat'");
        // Their forward chain's policy drop is Docker's no more: it drops what we accept.
        Finding forward = findings.stream().filter(x -> x.check().equals("foreign-chain")
                && x.what().startsWith("ip filter FORWARD")).findFirst().orElseThrow();
        assertThat(forward.severity()).isEqualTo(Finding.Severity.PROBLEM);
        assertThat(forward.fix()).contains("iptables -P FORWARD ACCEPT");
        assertThat(Diagnosis.healthy(findings)).isFalse();
    }

    @Test
    void dockerChainsWithoutIptablesFalseAreCoexistenceAndHealthy() {
        List<HookedChain> chains = new ArrayList<>(DOCKER_CHAINS);
        chains.add(OUR_FORWARD);
        DockerDaemonConfig missing = new DockerDaemonConfig(DAEMON_JSON, DockerDaemonConfig.State.MISSING, Optional.empty(), "");

        List<Finding> findings = Diagnosis.findings(with(healthy(), chains, missing));

        assertThat(only(findings, "docker-firewall").what()).startsWith("coexistence mode: Docker's own firewall is on")
                .contains("Docker's default");
        assertThat(findings).noneMatch(x -> x.check().equals("docker-leftovers"));
        assertThat(Diagnosis.healthy(findings)).as(findings.toString()).isTrue();
    }

    @Test
    void iptablesLeftOnWithoutDockerChainsIsAWarning() {
        DockerDaemonConfig empty = DockerDaemonConfig.parse(DAEMON_JSON, "{\"dns\": [\"10.0.0.2\"]}");

        Finding finding = only(Diagnosis.findings(with(healthy(), List.of(OUR_FORWARD), empty)), "docker-firewall");

        assertThat(finding.severity()).isEqualTo(Finding.Severity.WARNING);
        assertThat(finding.what()).contains("not set, default true");
        assertThat(finding.fix()).contains("--docker-firewall on");
    }

    @Test
    void aForeignForwardChainWithPolicyDropIsAProblemAndAnAcceptingOneIsNot() {
        List<HookedChain> chains = List.of(OUR_FORWARD,
                new HookedChain(1, "filter", "forward", true, "filter", 2, 0, "drop"),
                new HookedChain(1, "other", "input", true, "filter", 1, -10, "accept"),
                new HookedChain(7, "br", "forward", true, "filter", 2, 0, "drop"));

        List<Finding> findings = Diagnosis.findings(with(healthy(), chains, IPTABLES_OFF)).stream()
                .filter(x -> x.check().equals("foreign-chain")).toList();

        assertThat(findings).hasSize(2); // ours is not foreign; the bridge family is not on our hooks
        assertThat(findings.get(0).severity()).isEqualTo(Finding.Severity.PROBLEM);
        assertThat(findings.get(0).what()).startsWith("inet filter forward (nft; filter chain on the forward hook, priority 0, "
                + "policy drop)").contains("a drop in any table wins");
        assertThat(findings.get(0).fix()).contains("nft chain inet filter forward { policy accept \\; }");
        assertThat(findings.get(1).severity()).isEqualTo(Finding.Severity.INFO);
        assertThat(findings.get(1).what()).contains("its accepts do not override bridgewall's drops");
    }

    @Test
    void ownersAreNamedFromTheirTables() {
        HookedChain ufwForward = new HookedChain(2, "filter", "FORWARD", true, "filter", 2, 0, "drop");
        List<HookedChain> ufw = List.of(ufwForward, new HookedChain(2, "filter", "ufw-before-forward", false, "", -1, 0, ""));
        assertThat(Diagnosis.owner(ufwForward, ufw)).isEqualTo("ufw");
        assertThat(Diagnosis.owner(ufwForward, List.of(ufwForward))).isEqualTo("iptables-nft");
        assertThat(Diagnosis.owner(new HookedChain(1, "firewalld", "filter_FORWARD", true, "filter", 2, 10, "accept"),
                List.of())).isEqualTo("firewalld");
        assertThat(Diagnosis.owner(new HookedChain(2, "docker-bridges", "filter-FORWARD", true, "filter", 2, 0, "accept"),
                List.of())).isEqualTo("Docker's nftables rules");

        Finding finding = only(Diagnosis.findings(with(healthy(), ufw, IPTABLES_OFF)), "foreign-chain");
        assertThat(finding.fix()).startsWith("let routed traffic through ufw: 'ufw default allow routed'");
    }

    @Test
    void ourTableMissingOrDifferentIsAProblemWithApplyAsTheFix() {
        HostFacts f = healthy();
        HostFacts missing = new HostFacts(f.netns(), f.dockerConfig(), f.chains(), "", f.ipv4Forward(), Optional.empty(),
                f.bridgeNetfilter(), true, f.libraries(), f.nat(),
                new HostFacts.TableState(HostFacts.TableState.Status.NOT_INSTALLED, "inet bridgewall", List.of(), ""), "",
                f.units());
        HostFacts differs = new HostFacts(f.netns(), f.dockerConfig(), f.chains(), "", f.ipv4Forward(), Optional.empty(),
                f.bridgeNetfilter(), true, f.libraries(), f.nat(),
                new HostFacts.TableState(HostFacts.TableState.Status.DIFFERS, "inet bridgewall",
                        List.of("a", "b", "c", "d"), ""), "", f.units());

        Finding notInstalled = only(actionable(missing), "table");
        assertThat(notInstalled.what()).startsWith("table inet bridgewall is not installed in network namespace lab");
        assertThat(notInstalled.fix()).contains("bridgewall apply");
        Finding different = only(actionable(differs), "table");
        assertThat(different.what()).endsWith(": a; b; c; and 1 more");
        assertThat(different.fix()).contains("bridgewall apply --check");
    }

    @Test
    void aDockerThatCannotBeAskedLeavesTheTableUncomparedWithAWarning() {
        HostFacts f = healthy();
        HostFacts facts = new HostFacts(f.netns(), f.dockerConfig(), f.chains(), "", f.ipv4Forward(), Optional.empty(),
                f.bridgeNetfilter(), true, f.libraries(), f.nat(),
                new HostFacts.TableState(HostFacts.TableState.Status.INSTALLED_NOT_COMPARED, "inet bridgewall", List.of(), ""),
                "cannot connect to Docker at unix:///nowhere", f.units());

        List<Finding> findings = actionable(facts);

        assertThat(findings).singleElement().satisfies(x -> {
            assertThat(x.check()).isEqualTo("plan");
            assertThat(x.severity()).isEqualTo(Finding.Severity.WARNING);
            assertThat(x.what()).contains("unix:///nowhere");
        });
    }

    @Test
    void missingLibrariesAndRefusedNatAreProblems() {
        HostFacts f = healthy();
        HostFacts facts = new HostFacts(f.netns(), f.dockerConfig(), f.chains(), "", f.ipv4Forward(), Optional.empty(),
                f.bridgeNetfilter(), true,
                List.of(new HostFacts.Library("libmnl.so.0", "libmnl0", Optional.empty(), Optional.empty(), "libmnl.so.0 not found")),
                new HostFacts.NatProbe(HostFacts.NatProbe.Outcome.REFUSED, "the kernel has no NAT for inet tables"),
                f.table(), "", f.units());

        List<Finding> findings = actionable(facts);

        assertThat(only(findings, "libraries").fix()).isEqualTo("apt-get install libmnl0");
        assertThat(only(findings, "nat").fix()).contains("modprobe nft_chain_nat nft_masq");
    }

    @Test
    void unitsNotEnabledAreAWarningNamingTheCommand() {
        HostFacts f = healthy();
        HostFacts facts = new HostFacts(f.netns(), f.dockerConfig(), f.chains(), "", f.ipv4Forward(), Optional.empty(),
                f.bridgeNetfilter(), true, f.libraries(), f.nat(), f.table(), "",
                new HostFacts.Units(true, Map.of("bridgewall-boot.service", "disabled")));

        Finding units = only(actionable(facts), "units");

        assertThat(units.what()).startsWith("bridgewall-boot.service is disabled: nothing contains containers from boot");
        assertThat(units.fix()).isEqualTo("systemctl enable bridgewall-boot.service");
    }

    @Test
    void problemsComeFirst() {
        HostFacts f = healthy();
        HostFacts facts = new HostFacts(f.netns(), f.dockerConfig(), f.chains(), "", HostFacts.Sysctl.of("net.ipv4.ip_forward", "0"),
                Optional.empty(), f.bridgeNetfilter(), true, f.libraries(), f.nat(), f.table(), "", f.units());

        assertThat(Diagnosis.findings(facts).get(0).severity()).isEqualTo(Finding.Severity.PROBLEM);
    }

    @Test
    void daemonJsonIsReadAsDockerWouldReadIt() {
        assertThat(DockerDaemonConfig.parse(DAEMON_JSON, "{\"iptables\": false}").iptablesOff()).isTrue();
        assertThat(DockerDaemonConfig.parse(DAEMON_JSON, "{\"iptables\": true}").iptables()).contains(true);
        assertThat(DockerDaemonConfig.parse(DAEMON_JSON, "").state()).isEqualTo(DockerDaemonConfig.State.READ);
        assertThat(DockerDaemonConfig.parse(DAEMON_JSON, "{\"iptables\": \"false\"}").problem()).contains("not true or false");
        assertThat(DockerDaemonConfig.parse(DAEMON_JSON, "{\"iptables\": false, \"iptables\": true}").state())
                .isEqualTo(DockerDaemonConfig.State.UNREADABLE);
        assertThat(DockerDaemonConfig.parse(DAEMON_JSON, "[1]").problem()).isEqualTo("it is not a JSON object");
    }

    @Test
    void aDaemonJsonThatIsNoFileIsAWarningAndTheModeStillFollowsTheChains(@org.junit.jupiter.api.io.TempDir Path dir) {
        DockerDaemonConfig directory = DockerDaemonConfig.read(dir);
        assertThat(directory.state()).isEqualTo(DockerDaemonConfig.State.UNREADABLE);
        assertThat(DockerDaemonConfig.read(dir.resolve("absent.json")).state()).isEqualTo(DockerDaemonConfig.State.MISSING);

        List<Finding> findings = Diagnosis.findings(with(healthy(), List.of(OUR_FORWARD), directory));

        Finding warning = only(findings, "docker-config");
        assertThat(warning.severity()).isEqualTo(Finding.Severity.WARNING);
        assertThat(warning.what()).isEqualTo(dir + ": cannot read it: it is not a regular file");
        assertThat(warning.fix()).contains("--docker-config");
    }

    @Test
    void aLibraryFileNamesItsVersion() {
        assertThat(new HostFacts.Library("libmnl.so.0", "libmnl0", Optional.of("/usr/lib/libmnl.so.0.2.0"), Optional.empty(), "").fileVersion())
                .contains("0.2.0");
        assertThat(new HostFacts.Library("libmnl.so.0", "libmnl0", Optional.of("libmnl.so.0"), Optional.empty(), "").fileVersion())
                .contains("0");
    }
}
