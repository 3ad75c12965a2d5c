package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.HOST_UPLINK;
import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.PUB;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Isolation per network (issue 10), with a real dockerd and real packets: containers of one
 * user-defined network talk; a network created with enable_icc=false, docker0, different
 * networks and a network nobody has named yet do not; --isolation strict closes the user
 * network too; a config file's isolation per network name opens or closes just that network.
 * The lab's usernet (user-a, user-b) talks by Docker's default; quietnet (quiet-a, quiet-b) is
 * created with -o com.docker.network.bridge.enable_icc=false.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class IsolationLabTest {
    private static final String QUIET_NET = "quietnet";
    private static final String QUIET_SUBNET = "172.30.5.0/24";

    private Lab lab;

    @BeforeAll
    void startLab() {
        Root.require();
        lab = Lab.start();
        lab.docker().docker("network", "create", "--subnet", QUIET_SUBNET,
                "-o", "com.docker.network.bridge.enable_icc=false", QUIET_NET).orThrow();
        lab.startOnNetwork("quiet-a", QUIET_NET);
        lab.startOnNetwork("quiet-b", QUIET_NET);
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private Shell.Result apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "--netns", lab.host().name(), "--docker-host", lab.docker().host()));
        args.addAll(List.of(extra));
        return Bridgewall.run(List.of(), args);
    }

    private ProbeResult probe(String from, String to) {
        return lab.probe(lab.fromContainer(from), lab.container(to).ip(), WHO_PORT);
    }

    @Test
    @Order(1)
    void withoutFirewallEveryPairTalks() {
        // The control: Docker enforces enable_icc=false only with its own iptables, which the lab turns off.
        lab.resetFirewall();
        assertThat(probe("quiet-a", "quiet-b").reached()).as("quiet-a -> quiet-b, no firewall").isTrue();
        assertThat(probe("bridge-a", "bridge-b").reached()).as("bridge-a -> bridge-b, no firewall").isTrue();
        assertThat(probe("user-a", "quiet-a").reached()).as("user-a -> quiet-a, no firewall").isTrue();
    }

    @Test
    @Order(2)
    void dockersSemanticsByDefault() {
        Shell.Result applied = apply();
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();

        assertThat(probe("user-a", "user-b").peer()).as("user-a -> user-b (one user network), unmasqueraded")
                .isEqualTo(Optional.of(lab.container("user-a").ip()));
        assertThat(probe("user-b", "user-a").reached()).as("user-b -> user-a").isTrue();
        assertThat(probe("quiet-a", "quiet-b").reached()).as("quiet-a -> quiet-b (enable_icc=false)").isFalse();
        assertThat(probe("quiet-b", "quiet-a").reached()).as("quiet-b -> quiet-a (enable_icc=false)").isFalse();
        assertThat(probe("bridge-a", "bridge-b").reached()).as("bridge-a -> bridge-b (docker0)").isFalse();
        for (String[] pair : new String[][] {{"user-a", "quiet-a"}, {"quiet-a", "user-a"}, {"user-a", "bridge-a"},
                {"bridge-a", "user-a"}, {"quiet-a", "bridge-a"}}) {
            assertThat(probe(pair[0], pair[1]).reached()).as(pair[0] + " -> " + pair[1] + " (across networks)").isFalse();
        }
        // The same-bridge accept opens nothing routed: the LAN stays closed, the public side masqueraded.
        assertThat(lab.probe(lab.fromContainer("user-a"), LAN, WHO_PORT).reached()).as("user-a -> lan").isFalse();
        assertThat(lab.probe(lab.fromContainer("user-a"), PUB, WHO_PORT).peer()).as("user-a -> pub")
                .isEqualTo(Optional.of(HOST_UPLINK));
    }

    @Test
    @Order(3)
    void planSaysPerNetworkWhichApplies() {
        Shell.Result plan = Bridgewall.run(List.of("ip", "netns", "exec", lab.host().name()),
                List.of("plan", "--docker-host", lab.docker().host()));
        assertThat(plan.exitCode()).as(plan.stderr()).isZero();

        assertThat(plan.stdout().lines().filter(l -> l.startsWith("#   bridge ")).toList())
                .anySatisfy(l -> assertThat(l).contains(lab.container("user-a").network().bridge()).contains("containers-talk"))
                .anySatisfy(l -> assertThat(l).contains(lab.container("quiet-a").network().bridge())
                        .contains("containers-isolated (enable_icc=false)"))
                .anySatisfy(l -> assertThat(l).contains("docker0").contains("containers-isolated (docker0, as in the seed)"));
    }

    @Test
    @Order(4)
    void strictIsolationClosesTheUserNetworkToo() {
        Shell.Result applied = apply("--isolation", "strict");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();

        assertThat(probe("user-a", "user-b").reached()).as("user-a -> user-b under --isolation strict").isFalse();
        assertThat(probe("quiet-a", "quiet-b").reached()).as("quiet-a -> quiet-b").isFalse();
        assertThat(lab.probe(lab.fromContainer("user-a"), PUB, WHO_PORT).peer()).as("user-a -> pub")
                .isEqualTo(Optional.of(HOST_UPLINK));
    }

    @Test
    @Order(5)
    void aNetworkNobodyHasNamedYetStaysFullyIsolated() {
        Shell.Result applied = apply();
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        // Created after the apply: only the containment patterns hold its bridge; Docker's default ICC does not apply yet.
        lab.docker().docker("network", "create", "--subnet", "172.30.7.0/24", "latenet").orThrow();
        lab.startOnNetwork("late-a", "latenet");
        lab.startOnNetwork("late-b", "latenet");

        assertThat(probe("late-a", "late-b").reached()).as("late-a -> late-b before any apply names latenet").isFalse();
        assertThat(probe("user-a", "user-b").reached()).as("user-a -> user-b still").isTrue();

        Shell.Result again = apply();
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(probe("late-a", "late-b").reached()).as("late-a -> late-b once the apply knows latenet").isTrue();
    }

    /** The config file's isolation per network name: strict everywhere but one network. */
    @Test
    @Order(6)
    void aConfigFileOpensOnlyTheNetworkItNamesUnderStrictIsolation() throws Exception {
        Path config = configFile("isolation:\n  default: strict\n  networks:\n    latenet: docker\n");
        Shell.Result applied = apply("--config", config.toString());
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();

        assertThat(probe("late-a", "late-b").reached()).as("late-a -> late-b (latenet: docker)").isTrue();
        assertThat(probe("user-a", "user-b").reached()).as("user-a -> user-b (default: strict)").isFalse();
        assertThat(probe("quiet-a", "quiet-b").reached()).as("quiet-a -> quiet-b").isFalse();
        assertThat(probe("late-a", "user-a").reached()).as("late-a -> user-a (across networks)").isFalse();
        // The kernel holds exactly latenet's pair, whatever bridgewall says of itself.
        assertThat(iccPairs()).containsExactly(lab.container("late-a").network().bridge());
    }

    /** ... and one network strict while the others keep Docker's semantics; a typed --isolation wins over the file. */
    @Test
    @Order(7)
    void aConfigFileClosesOneNetworkAndATypedIsolationWinsOverIt() throws Exception {
        Path config = configFile("isolation:\n  networks:\n    usernet: strict\n");
        Shell.Result applied = apply("--config", config.toString());
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();

        assertThat(probe("user-a", "user-b").reached()).as("user-a -> user-b (usernet: strict)").isFalse();
        assertThat(probe("late-a", "late-b").reached()).as("late-a -> late-b (Docker's default)").isTrue();
        assertThat(iccPairs()).contains(lab.container("late-a").network().bridge())
                .doesNotContain(lab.container("user-a").network().bridge());

        Shell.Result typed = apply("--config", config.toString(), "--isolation", "docker");
        assertThat(typed.exitCode()).as(typed.stderr()).isZero();
        assertThat(probe("user-a", "user-b").reached()).as("user-a -> user-b (--isolation docker typed)").isTrue();
    }

    private Path configFile(String yaml) throws Exception {
        Path file = Files.createTempFile("bridgewall-isolation", ".yaml");
        file.toFile().deleteOnExit();
        Files.writeString(file, yaml);
        return file;
    }

    /** The bridges whose pair is in our icc_pairs set, read from the kernel with nft. */
    private List<String> iccPairs() {
        String ruleset = NftRuleset.text(lab.host());
        int start = ruleset.indexOf("set icc_pairs {");
        assertThat(start).as("set icc_pairs in\n" + ruleset).isNotNegative();
        Matcher pair = Pattern.compile("\"([^\"]+)\" \\. \"\\1\"").matcher(ruleset.substring(start, ruleset.indexOf('}', start)));
        List<String> bridges = new ArrayList<>();
        while (pair.find()) {
            bridges.add(pair.group(1));
        }
        return bridges;
    }
}
