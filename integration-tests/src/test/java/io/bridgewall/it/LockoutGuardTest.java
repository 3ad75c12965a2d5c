package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH lockout guard: `apply` (and `watch`'s first apply) run from an SSH session whose
 * server port the new input policy would drop is refused with exit 2 and one line naming
 * --allow-port, and the kernel does not see a single new generation; with the port allowed or
 * --force it applies. SSH_CONNECTION is whatever the environment says: garbage is a warning.
 */
class LockoutGuardTest {
    /** sshd on port 2222 of 198.51.100.1, the admin at 203.0.113.5: the default policy opens only 22/tcp. */
    private static final String SESSION_ON_2222 = "203.0.113.5 50022 198.51.100.1 2222";

    private static Netns netns;

    @TempDir
    Path runDir;

    @BeforeAll
    static void namespaceWithAPolicyInPlace() {
        Root.require();
        netns = Netns.create("lockout");
        Shell.Result applied = Bridgewall.run("apply", "--no-docker", "--netns", netns.name(), "--allow-port", "2222/tcp",
                "--contain", "none");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    }

    @AfterAll
    static void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    void aPolicyThatDropsTheSessionsPortIsRefusedAndNothingIsCommitted() {
        String before = NftRuleset.text(netns);
        Shell.Result result;
        int generations;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            result = apply(SESSION_ON_2222);
            generations = monitor.generationsSinceStart();
        }
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);
        assertThat(result.stderr().strip()).doesNotContain("\n").startsWith("bridgewall: ")
                .contains("would be locked out").contains("--allow-port 2222/tcp");
        assertThat(result.stdout()).isEmpty();
        assertThat(generations).as("transactions committed").isZero();
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
    }

    @Test
    void withThePortAllowedItApplies() {
        Shell.Result result = apply(SESSION_ON_2222, "--allow-port", "2222/tcp", "--allow-port", "80/tcp");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(NftRuleset.of(netns).elements("bridgewall", "host_tcp_ports")).contains("80", "2222");
    }

    @Test
    void withForceItApplies() {
        Shell.Result result = apply(SESSION_ON_2222, "--allow-port", "443/tcp", "--force");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(NftRuleset.of(netns).elements("bridgewall", "host_tcp_ports")).containsExactly("443");
    }

    @Test
    void aSessionOnAnAllowedPortOrWithInputLeftAloneApplies() {
        assertThat(apply("203.0.113.5 50022 198.51.100.1 22").exitCode()).isZero();
        assertThat(apply("2001:db8::5 50022 2001:db8::1 2222", "--no-input").exitCode()).isZero();
    }

    @Test
    void garbageInSshConnectionIsAWarningNotACrash() {
        for (String garbage : List.of("nonsense", "203.0.113.5 50022 198.51.100.1 99999", "a b c d",
                "203.0.113.5 50022 example.com 22", "1.2.3.4 1 5.6.7.8 22 extra", "\u001b[31m 1 2 3", "x".repeat(10_000))) {
            Shell.Result result = apply(garbage, "--allow-port", "2222/tcp");
            assertThat(result.exitCode()).as(garbage + ": " + result.stderr()).isZero();
            assertThat(result.stderr()).contains("SSH_CONNECTION is set but is not").contains("lockout check is skipped")
                    .doesNotContain("\u001b");
        }
    }

    @Test
    void watchRefusesBeforeItsFirstApply() {
        String before = NftRuleset.text(netns);
        Shell.Result result = Bridgewall.run(List.of("env", "SSH_CONNECTION=" + SESSION_ON_2222, "BRIDGEWALL_RUN_DIR=" + runDir),
                List.of("watch", "--netns", netns.name(), "--docker-host", "unix://" + runDir.resolve("no-docker.sock")));
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);
        assertThat(result.stderr().strip()).doesNotContain("\n").contains("--allow-port 2222/tcp");
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
    }

    private Shell.Result apply(String sshConnection, String... options) {
        List<String> args = new ArrayList<>(List.of("apply", "--no-docker", "--netns", netns.name(), "--contain", "none"));
        args.addAll(List.of(options));
        return Bridgewall.run(List.of("env", "SSH_CONNECTION=" + sshConnection, "BRIDGEWALL_RUN_DIR=" + runDir), args);
    }
}
