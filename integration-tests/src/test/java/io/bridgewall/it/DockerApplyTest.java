package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.docker.FakeDockerd;
import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.DockerDaemon;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `bridgewall apply` discovering a real dockerd's networks and committing all of them in one
 * transaction; and a hostile Docker answer leaving the kernel untouched.
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerApplyTest {
    private static final String TABLE = "bridgewall";
    private static Netns netns;
    private static DockerDaemon docker;
    private static String user;
    private static String internal;
    private static String noMasquerade;
    private static String ipv6;

    @BeforeAll
    static void startDockerdWithNetworks() {
        Root.require();
        docker = DockerDaemon.startInNewNamespace("dapply");
        netns = docker.netns();
        try {
            user = network("--subnet", "10.98.1.0/24", "bw-user");
            network("--subnet", "10.98.12.0/24", "-o", "com.docker.network.bridge.name=bwcustom1", "bw-custom");
            internal = network("--internal", "--subnet", "10.98.23.0/24", "bw-internal");
            noMasquerade = network("--subnet", "10.98.34.0/24", "-o", "com.docker.network.bridge.enable_ip_masquerade=false",
                    "bw-nomasq");
            ipv6 = network("--ipv6", "--subnet", "10.98.45.0/24", "--subnet", "fd00:98::/64", "bw-v6");
        } catch (RuntimeException | Error e) {
            stopDockerd();
            throw e;
        }
    }

    @AfterAll
    static void stopDockerd() {
        if (docker != null) {
            docker.close();
        }
    }

    private static String network(String... args) {
        List<String> command = new ArrayList<>(List.of("network", "create"));
        command.addAll(List.of(args));
        return docker.docker(command.toArray(String[]::new)).orThrow().stdout().strip();
    }

    private static String bridgeOf(String id) {
        return "br-" + id.substring(0, 12);
    }

    private static Shell.Result apply(String dockerHost, String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "--netns", netns.name(), "--docker-host", dockerHost));
        args.addAll(List.of(extra));
        return Bridgewall.run(List.of(), args);
    }

    @Test
    @Order(1)
    void commitsEveryDockerBridgeNetworkInOneGeneration() {
        Shell.Result result;
        int generations;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            result = apply(docker.host());
            generations = monitor.generationsSinceStart();
        }
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(generations).isEqualTo(1);

        NftRuleset kernel = NftRuleset.of(netns);
        assertThat(kernel.elements(TABLE, "bridges")).containsExactlyInAnyOrder("docker0", bridgeOf(user), "bwcustom1",
                bridgeOf(internal), bridgeOf(noMasquerade), bridgeOf(ipv6));
        assertThat(kernel.elements(TABLE, "internal_bridges")).containsExactly(bridgeOf(internal));
        assertThat(kernel.elements(TABLE, "bridge_nets_v4")).containsExactlyInAnyOrder("172.17.0.0/16",
                "10.98.1.0/24", "10.98.12.0/24", "10.98.23.0/24", "10.98.34.0/24", "10.98.45.0/24");
        assertThat(kernel.elements(TABLE, "bridge_nets_v6")).containsExactly("fd00:98::/64");
        // The internal network and the one with masquerade turned off are not masqueraded; the default bridge is.
        assertThat(kernel.elements(TABLE, "masquerade_nets_v4")).containsExactlyInAnyOrder("172.17.0.0/16",
                "10.98.1.0/24", "10.98.12.0/24", "10.98.45.0/24");
        assertThat(kernel.elements(TABLE, "masquerade_nets_v6")).containsExactly("fd00:98::/64");
    }

    @Test
    @Order(2)
    void planNamesEachDockerNetwork() {
        // plan checks the bridges against the namespace it runs in: dockerd's, where bwcustom1 is.
        Shell.Result plan = Bridgewall.run(List.of("ip", "netns", "exec", netns.name()),
                List.of("plan", "--docker-host", docker.host()));
        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stdout())
                .contains("docker network \"bw-user\" (id " + user.substring(0, 12) + ")")
                .contains("docker network \"bw-internal\" (id " + internal.substring(0, 12) + ")")
                .contains("docker network \"bridge\" (id ")
                .containsPattern("\"" + bridgeOf(internal) + "\",? # docker network \"bw-internal\"");
    }

    @Test
    @Order(3)
    void aRemovedNetworkIsGoneAfterTheNextApply() {
        docker.docker("network", "rm", "bw-user").orThrow();
        Shell.Result result = apply(docker.host());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        NftRuleset kernel = NftRuleset.of(netns);
        assertThat(kernel.elements(TABLE, "bridges")).doesNotContain(bridgeOf(user)).contains("bwcustom1");
        assertThat(kernel.elements(TABLE, "bridge_nets_v4")).doesNotContain("10.98.1.0/24");
    }

    @Test
    @Order(4)
    void aManualBridgeOverridesTheDiscoveredOne() {
        Shell.Result result = apply(docker.host(), "--bridge", "bwcustom1=10.98.12.0/24,fd00:97::/64");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(NftRuleset.of(netns).elements(TABLE, "bridge_nets_v6")).contains("fd00:97::/64");
    }

    @Test
    @Order(5)
    void anOverrideOfAnInternalNetworkChangesOnlyItsSubnets() {
        String bridge = bridgeOf(internal);
        List<String> override = List.of("--bridge", bridge + "=10.98.23.0/24,fd00:96::/64");

        Shell.Result result = apply(docker.host(), override.toArray(String[]::new));
        List<String> planArgs = new ArrayList<>(List.of("plan", "--docker-host", docker.host()));
        planArgs.addAll(override);
        Shell.Result plan = Bridgewall.run(List.of("ip", "netns", "exec", netns.name()), planArgs);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        NftRuleset kernel = NftRuleset.of(netns);
        assertThat(kernel.elements(TABLE, "internal_bridges")).containsExactly(bridge);
        assertThat(kernel.elements(TABLE, "bridge_nets_v6")).contains("fd00:96::/64");
        assertThat(kernel.elements(TABLE, "masquerade_nets_v4")).doesNotContain("10.98.23.0/24");
        assertThat(kernel.elements(TABLE, "masquerade_nets_v6")).doesNotContain("fd00:96::/64");
        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stdout()).contains("bridge " + bridge + " [10.98.23.0/24, fd00:96::/64] internal no-masquerade containers-talk - "
                + "docker network \"bw-internal\" (id " + internal.substring(0, 12) + "), subnets given with --bridge "
                + "(Docker has 10.98.23.0/24)");
    }

    @Test
    @Order(6)
    void aDockerThatIsNotThereFailsWithOneLineAndChangesNothing() {
        String before = NftRuleset.text(netns);
        Shell.Result result = apply("unix:///run/bw-no-such-docker.sock");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr().strip()).doesNotContain("\n").contains("does not exist").contains("--docker-host");
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
    }

    @Test
    @Order(7)
    void hostileDockerAnswersFailWithOneLineAndChangeNothing(@TempDir Path tmp) throws Exception {
        String before = NftRuleset.text(netns);
        String garbage = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n"
                + "Content-Length: 24\r\n\r\n[{\"Name\": \"x\", \"Id\": 42";
        try (FakeDockerd fake = FakeDockerd.start(Files.createDirectory(tmp.resolve("garbage")), (line, out) -> {
            FakeDockerd.write(out, garbage);
            return false;
        })) {
            Shell.Result result;
            int generations;
            try (NftMonitor monitor = NftMonitor.start(netns)) {
                result = apply(fake.endpoint().toString());
                generations = monitor.generationsSinceStart();
            }
            assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
            assertThat(result.stderr().strip()).doesNotContain("\n").startsWith("bridgewall: ");
            assertThat(generations).isZero();
        }
        try (FakeDockerd silent = FakeDockerd.start(Files.createDirectory(tmp.resolve("silent")), (line, out) -> {
            Thread.sleep(60_000); // never answers; closing the fake interrupts this
            return false;
        })) {
            long started = System.nanoTime();
            Shell.Result result = apply(silent.endpoint().toString(), "--docker-timeout", "1");
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
            assertThat(result.stderr()).contains("did not answer within 1000 ms");
            assertThat(seconds).as("bounded by the timeout plus JVM start").isLessThan(15);
        }
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
    }
}
