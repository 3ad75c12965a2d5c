package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * br_netfilter off (per network namespace: the test turns it off in its own) while the policy
 * isolates containers on one bridge: apply refuses with exit 1 and the fix, before it sends
 * anything; --allow-no-br-netfilter applies with a warning; --enable-br-netfilter turns it on
 * after the commit, and says in one line when it cannot. The machine's own sysctl is never touched.
 */
class BridgeNetfilterAdviceTest {
    private static final Path HOST_SYSCTL = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");
    private static final Pattern QUOTED_COMMAND = Pattern.compile("run '([^']+)'");
    private Netns netns;
    private String hostBefore;

    @BeforeEach
    void namespaceWithBridgeNetfilterOff() throws Exception {
        Root.require();
        hostBefore = Files.readString(HOST_SYSCTL);
        netns = Netns.create("brnf");
        netns.exec("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0", "net.bridge.bridge-nf-call-ip6tables=0")
                .orThrow();
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (netns != null) {
            netns.close();
        }
        assertThat(Files.readString(HOST_SYSCTL)).as("this machine's own sysctl").isEqualTo(hostBefore);
    }

    private List<String> apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "--netns", netns.name(), "--no-docker", "--bridge",
                "docker0=172.17.0.0/16"));
        args.addAll(List.of(extra));
        return args;
    }

    private String sysctl() {
        return netns.exec("sysctl", "-n", "net.bridge.bridge-nf-call-iptables").orThrow().stdout().strip();
    }

    private String ruleset() {
        return netns.exec("nft", "list", "ruleset").orThrow().stdout();
    }

    @Test
    void applyRefusesWithTheFixForThatNamespaceAndChangesNothing() {
        Shell.Result refused;
        int generations;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            refused = Bridgewall.run(List.of(), apply());
            generations = monitor.generationsSinceStart();
        }

        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(1);
        assertThat(refused.stdout()).isEmpty();
        assertThat(refused.stderr().lines()).hasSize(1);
        assertThat(refused.stderr()).startsWith("bridgewall: not applied: net.bridge.bridge-nf-call-iptables is off "
                        + "in network namespace " + netns.name() + ", so containers on docker0 would reach each other")
                .contains("--enable-br-netfilter").contains("--allow-no-br-netfilter").contains("nothing was changed")
                .contains("'ip netns exec " + netns.name() + " sysctl -w net.bridge.bridge-nf-call-iptables=1 "
                        + "net.bridge.bridge-nf-call-ip6tables=1'");
        assertThat(generations).as("transactions committed").isZero();
        assertThat(ruleset()).isEmpty();

        Matcher advised = QUOTED_COMMAND.matcher(refused.stderr());
        assertThat(advised.find()).isTrue();
        Shell.run(advised.group(1).split(" ")).orThrow();

        assertThat(sysctl()).isEqualTo("1");
        Shell.Result quiet = Bridgewall.run(List.of(), apply());
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.stderr()).as("no warning once the advice is followed").isEmpty();
    }

    @Test
    void checkRefusesLikeApply() {
        Shell.Result check = Bridgewall.run(List.of(), apply("--check"));

        assertThat(check.exitCode()).isEqualTo(1);
        assertThat(check.stderr()).startsWith("bridgewall: not applied: net.bridge.bridge-nf-call-iptables is off");
    }

    @Test
    void checkWithEnableSaysApplyWouldTurnItOnAndTurnsNothingOn() {
        Shell.Result check = Bridgewall.run(List.of(), apply("--check", "--enable-br-netfilter"));

        assertThat(check.exitCode()).as(check.stderr()).isZero();
        assertThat(check.stdout()).contains("check: the kernel would take it")
                .contains("apply would also turn on net.bridge.bridge-nf-call-ip(6)tables");
        assertThat(sysctl()).isEqualTo("0");
        assertThat(ruleset()).isEmpty();
    }

    @Test
    void allowNoBridgeNetfilterAppliesAndWarns() {
        Shell.Result applied = Bridgewall.run(List.of(), apply("--allow-no-br-netfilter"));

        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        assertThat(applied.stderr().strip()).doesNotContain("\n")
                .startsWith("bridgewall: warning: containers on the same bridge are NOT isolated");
        assertThat(ruleset()).contains("table inet bridgewall");
        assertThat(sysctl()).isEqualTo("0");
    }

    @Test
    void aPolicyThatIsolatesNoBridgeDoesNotNeedIt() {
        Shell.Result applied = Bridgewall.run(List.of(), List.of("apply", "--netns", netns.name(), "--no-docker",
                "--bridge", "br-talk=10.88.0.0/16", "--contain", "none"));

        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        assertThat(applied.stderr()).isEmpty();
    }

    @Test
    void strictIsolationNeedsIt() {
        Shell.Result refused = Bridgewall.run(List.of(), List.of("apply", "--netns", netns.name(), "--no-docker",
                "--bridge", "br-talk=10.88.0.0/16", "--contain", "none", "--isolation", "strict"));

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).contains("so containers on br-talk would reach each other");
    }

    @Test
    void enableBridgeNetfilterTurnsItOnAfterTheCommit() {
        Shell.Result applied = Bridgewall.run(List.of(), apply("--enable-br-netfilter"));

        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        assertThat(applied.stderr()).isEmpty();
        assertThat(sysctl()).isEqualTo("1");
    }

    /** apply with /proc/sys read-only in a mount namespace of this command alone, as in many containers. */
    private Shell.Result applyWithReadOnlySysctls(String... extra) {
        return Shell.run(Shell.DEFAULT_TIMEOUT, null, List.of("unshare", "--mount", "sh", "-c",
                "mount --bind -o ro /proc/sys /proc/sys && exec java -jar " + Bridgewall.jar() + " "
                        + String.join(" ", apply(extra))));
    }

    @Test
    void enableBridgeNetfilterWithTheSysctlsAlreadyOnWritesNothing() {
        netns.exec("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1", "net.bridge.bridge-nf-call-ip6tables=1")
                .orThrow();

        Shell.Result applied = applyWithReadOnlySysctls("--enable-br-netfilter");

        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        assertThat(applied.stderr()).isEmpty();
    }

    @Test
    void enableBridgeNetfilterFailingAfterTheCommitIsOneClearLine() {
        Shell.Result result = applyWithReadOnlySysctls("--enable-br-netfilter");

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        assertThat(result.stderr().lines()).hasSize(1);
        assertThat(result.stderr()).startsWith("bridgewall: the policy is committed, but br_netfilter could not be "
                        + "turned on (cannot write /proc/sys/net/bridge/bridge-nf-call-iptables: Read-only file system)")
                .contains("NOT isolated").contains("'ip netns exec " + netns.name() + " sysctl -w");
        assertThat(result.stdout()).contains("installed table inet bridgewall");
        assertThat(ruleset()).contains("table inet bridgewall");
        assertThat(sysctl()).isEqualTo("0");
    }
}
