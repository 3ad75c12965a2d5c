package io.bridgewall.it;

import static io.bridgewall.docker.FakeDockerd.response;
import static io.bridgewall.docker.FakeDockerd.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.docker.FakeDockerd;
import io.bridgewall.it.support.BadInput;
import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bridges are checked against the target namespace's real interfaces before anything is sent:
 * the namespace has a veth named eth0 on a LAN (192.168.77.1/24, its peer in a namespace of
 * its own), and a policy already installed. A Docker answer or a --bridge naming eth0, or a
 * subnet holding the host's own address, is refused with one line, exit 2, and the kernel
 * exactly as it was: same `nft list ruleset`, not one new generation. A real dockerd refuses
 * to create such a network ("existing interface eth0 is not a bridge"), so a fake one answers.
 */
@Timeout(120)
class HostInterfaceInputTest {
    private static final String ID = "6e0f1d2c3b4a5968778695a4b3c2d1e0f1e2d3c4b5a69788796a5b4c3d2e1f00";
    private static Netns netns;
    private static Netns lan;
    private static Path dir;

    @BeforeAll
    static void namespaceWithAnEth0AndAPolicy() throws Exception {
        Root.require();
        netns = Netns.create("hostif");
        lan = Netns.create("hostif-lan");
        dir = Files.createTempDirectory("bw-hostif-");
        Shell.run("ip", "link", "add", "eth0", "netns", netns.name(), "type", "veth", "peer", "name", "lan0",
                "netns", lan.name()).orThrow();
        netns.exec("ip", "addr", "add", "192.168.77.1/24", "dev", "eth0").orThrow();
        netns.exec("ip", "link", "set", "eth0", "up").orThrow();
        Shell.Result applied = Bridgewall.run("apply", "--no-docker", "--netns", netns.name(),
                "--bridge", "docker0=172.17.0.0/16");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    }

    @AfterAll
    static void deleteNamespaces() {
        if (netns != null) {
            netns.close();
        }
        if (lan != null) {
            lan.close();
        }
        if (dir != null) {
            Shell.run("rm", "-rf", dir.toString());
        }
    }

    static Stream<Arguments> bridgesThatAreNotContainerBridges() {
        return Stream.of(
                Arguments.of("eth0 given as a bridge", List.of("--bridge", "eth0=10.99.0.0/24"),
                        "--bridge eth0: eth0 is a veth interface in network namespace %s, not a bridge"),
                Arguments.of("lo given as a bridge", List.of("--bridge", "lo=10.99.0.0/24"),
                        "--bridge lo: lo is a device without a link kind"),
                Arguments.of("a subnet holding eth0's address", List.of("--bridge", "br-0123456789ab=192.168.0.0/16"),
                        "subnet 192.168.0.0/16 of bridge br-0123456789ab (given with --bridge) contains 192.168.77.1/24 "
                                + "of eth0 in network namespace %s"),
                Arguments.of("the IPv4 default route", List.of("--bridge", "docker0=0.0.0.0/0"),
                        "subnet 0.0.0.0/0 of bridge docker0 is the default route"),
                Arguments.of("the IPv6 default route", List.of("--bridge", "docker0=172.17.0.0/16,::/0"),
                        "subnet ::/0 of bridge docker0 is the default route"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bridgesThatAreNotContainerBridges")
    void isRefusedWithOneLineAndLeavesTheKernelAsItWas(String what, List<String> options, String message) {
        List<String> args = new ArrayList<>(List.of("apply", "--no-docker", "--netns", netns.name()));
        args.addAll(options);

        refusedLeavingTheKernelAsItWas(args, message.formatted(netns.name()));
    }

    @Test
    void dockerNamingEth0AsANetworksBridgeIsRefused() throws Exception {
        String networks = "[{\"Name\":\"hostile\",\"Id\":\"" + ID + "\",\"Driver\":\"bridge\","
                + "\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.1.0/24\"}]},"
                + "\"Options\":{\"com.docker.network.bridge.name\":\"eth0\"}}]";
        try (FakeDockerd docker = FakeDockerd.start(dir, (line, out) -> {
            write(out, line.startsWith("GET /_ping") ? response(200, "Api-Version: 1.41\r\n", "OK")
                    : response(200, "Content-Type: application/json\r\n", networks));
            return true;
        })) {
            refusedLeavingTheKernelAsItWas(List.of("apply", "--netns", netns.name(), "--docker-host",
                            docker.endpoint().toString()),
                    "docker network \"hostile\" (id 6e0f1d2c3b4a) names eth0 as its bridge, but eth0 is a veth interface "
                            + "in network namespace " + netns.name() + ", not a bridge; remove the network "
                            + "(docker network rm hostile) or recreate it with a bridge name of its own");
            assertThat(docker.requests()).as("Docker was asked").anyMatch(r -> r.contains("/networks"));
        }
    }

    private static void refusedLeavingTheKernelAsItWas(List<String> args, String message) {
        BadInput.assertRefused(netns, args, String.join(" ", args), message);
        // The policy installed before still names only its own bridge.
        assertThat(NftRuleset.of(netns).elements("bridgewall", "bridges")).containsExactly("docker0");
    }
}
