package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.docker.DockerDiscovery;
import io.bridgewall.docker.DockerEndpoint;
import io.bridgewall.docker.DockerException;
import io.bridgewall.docker.DockerNetwork;
import io.bridgewall.it.support.DockerDaemon;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.InterfaceName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Discovery against a real dockerd (Debian's docker.io) running in a namespace of its own. */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerDiscoveryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static Netns netns;
    private static DockerDaemon docker;
    private static Path daemonDir;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startDockerd() {
        Root.require();
        docker = DockerDaemon.startInNewNamespace("disc");
        netns = docker.netns();
        daemonDir = docker.socket().getParent();
    }

    @AfterAll
    static void stopDockerd() {
        if (docker != null) {
            docker.close();
        }
        if (daemonDir != null) {
            // dockerd, containerd and the shims all carry the daemon's private directory in their command line.
            assertThat(Shell.run("pgrep", "-af", daemonDir.toString()).stdout()).as("leftover Docker processes").isBlank();
        }
    }

    private static String create(String... args) {
        List<String> command = new ArrayList<>(List.of("network", "create"));
        command.addAll(List.of(args));
        return docker.docker(command.toArray(String[]::new)).orThrow().stdout().strip();
    }

    private static String inspect(String network, String format) {
        return docker.docker("network", "inspect", "-f", format, network).orThrow().stdout().strip();
    }

    private static List<DockerNetwork> discover() {
        return DockerDiscovery.discover(DockerEndpoint.resolve(Optional.of(docker.host())), TIMEOUT);
    }

    private static DockerNetwork expected(String id, String name, String bridge, boolean internal, boolean ipv6,
                                          boolean masquerade, String... subnets) {
        return new DockerNetwork(id, name, InterfaceName.of(bridge), Arrays.stream(subnets).map(Cidr::parse).toList(),
                internal, ipv6, masquerade, true, name.equals("bridge"), List.of());
    }

    @Test
    @Order(1)
    void findsEveryBridgeNetworkWithItsInterfaceSubnetsAndOptions() {
        String user = create("--subnet", "10.99.1.0/24", "bw-user");
        String custom = create("--subnet", "10.99.2.0/24", "-o", "com.docker.network.bridge.name=bwcustom0", "bw-custom");
        String internal = create("--internal", "--subnet", "10.99.3.0/24", "bw-internal");
        String v6 = create("--ipv6", "--subnet", "10.99.4.0/24", "--subnet", "fd00:99::/64", "bw-v6");
        String nomasq = create("--subnet", "10.99.5.0/24", "-o", "com.docker.network.bridge.enable_ip_masquerade=false",
                "bw-nomasq");
        String defaultId = inspect("bridge", "{{.Id}}");
        String defaultSubnet = inspect("bridge", "{{range .IPAM.Config}}{{.Subnet}}{{end}}");

        List<DockerNetwork> networks = discover();

        assertThat(networks).containsExactlyInAnyOrder(
                // dockerd runs with --iptables=false, as on hosts bridgewall protects, and then reports
                // enable_ip_masquerade=false on its default bridge: Docker itself masquerades nothing.
                expected(defaultId, "bridge", "docker0", false, false, false, defaultSubnet),
                expected(user, "bw-user", "br-" + user.substring(0, 12), false, false, true, "10.99.1.0/24"),
                expected(custom, "bw-custom", "bwcustom0", false, false, true, "10.99.2.0/24"),
                expected(internal, "bw-internal", "br-" + internal.substring(0, 12), true, false, true, "10.99.3.0/24"),
                expected(v6, "bw-v6", "br-" + v6.substring(0, 12), false, true, true, "10.99.4.0/24", "fd00:99::/64"),
                expected(nomasq, "bw-nomasq", "br-" + nomasq.substring(0, 12), false, false, false, "10.99.5.0/24"));
        assertThat(networks).extracting(DockerNetwork::bridge).isSorted();
        // Each discovered name is a bridge that really exists in the daemon's namespace.
        String links = netns.exec("ip", "-o", "link", "show", "type", "bridge").orThrow().stdout();
        assertThat(networks).allSatisfy(n -> assertThat(links).contains(": " + n.bridge() + ":"));
    }

    @Test
    @Order(2)
    void bridgesCarryMasqueradeExactlyWhereDockerSaysSo() {
        List<DockerNetwork> networks = discover();

        assertThat(networks).filteredOn(n -> n.name().equals("bw-internal")).singleElement()
                .satisfies(n -> assertThat(n.toBridge().masquerade()).isFalse())
                .satisfies(n -> assertThat(n.toBridge().internal()).isTrue());
        assertThat(networks).filteredOn(n -> n.name().equals("bw-nomasq")).singleElement()
                .satisfies(n -> assertThat(n.toBridge().masquerade()).isFalse());
        assertThat(networks).filteredOn(n -> n.name().equals("bridge")).singleElement()
                .satisfies(n -> assertThat(n.toBridge().origin().describe()).startsWith("docker network \"bridge\" (id "))
                .satisfies(n -> assertThat(n.defaultBridge()).isTrue())
                // Docker reports masquerade off only because its own iptables handling is off; we masquerade.
                .satisfies(n -> assertThat(n.ipMasquerade()).isFalse())
                .satisfies(n -> assertThat(n.toBridge().masquerade()).isTrue());
        assertThat(networks).filteredOn(n -> n.name().equals("bw-user")).singleElement()
                .satisfies(n -> assertThat(n.toBridge().masquerade()).isTrue());
    }

    @Test
    @Order(3)
    void aRemovedNetworkDisappears() {
        docker.docker("network", "rm", "bw-nomasq").orThrow();

        assertThat(discover()).extracting(DockerNetwork::name).doesNotContain("bw-nomasq").contains("bw-user");
    }

    @Test
    @Order(4)
    void discoveryIsQuickOnceTheJvmIsWarm() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            discover();
            best = Math.min(best, System.nanoTime() - start);
        }
        System.out.printf("[bridgewall] warm discovery against dockerd 20.10: best of 20 = %.2f ms%n", best / 1e6);
        assertThat(Duration.ofNanos(best)).isLessThan(Duration.ofMillis(200));
    }

    @Test
    @Order(5)
    void aSocketThatDoesNotExistSaysToStartDocker() {
        Path missing = tmp.resolve("nowhere/docker.sock");

        assertThatThrownBy(() -> DockerDiscovery.discover(new DockerEndpoint(missing), TIMEOUT))
                .isInstanceOf(DockerException.class)
                .hasMessage("Docker is not running or the socket path is wrong: " + missing
                        + " does not exist; start dockerd or pass --docker-host unix:///path");
    }

    @Test
    @Order(6)
    void aUserWithoutAccessToTheSocketIsToldToUseRootOrTheDockerGroup() throws Exception {
        // Root passes every permission check, so the attempt runs in a JVM of its own as nobody.
        Path open = Files.createDirectory(tmp.resolve("open"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = open.resolve("docker.sock");
        Files.createLink(socket, docker.socket()); // same inode, so the daemon answers on it
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        Path classpath = readableClasspath(tmp.resolve("cp"));

        Shell.Result asNobody = Shell.run(Duration.ofSeconds(30), null, List.of("setpriv", "--reuid=65534",
                "--regid=65534", "--clear-groups", javaBinary(), "-cp", classpath + "/*:" + classpath + "/classes",
                DiscoverOnce.class.getName(), "unix://" + socket));
        Shell.Result asRoot = Shell.run(Duration.ofSeconds(30), null, List.of(javaBinary(), "-cp",
                classpath + "/*:" + classpath + "/classes", DiscoverOnce.class.getName(), "unix://" + socket));

        assertThat(asNobody.stdout().strip()).isEqualTo("permission denied on " + socket
                + ": run bridgewall as root or as a member of the docker group");
        assertThat(asNobody.exitCode()).isEqualTo(3);
        assertThat(asRoot.stdout()).contains("bw-user");
        System.out.println("[bridgewall] " + asRoot.stderr().strip());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The test's classpath copied where nobody can read it (the originals sit under /root): jars
     * flat in {@code dir}, class directories merged into {@code dir/classes}.
     */
    private static Path readableClasspath(Path dir) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        for (String entry : cp.split(":")) {
            Path source = Path.of(entry);
            if (Files.isDirectory(source)) {
                try (Stream<Path> walk = Files.walk(source)) {
                    for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                        Path target = classes.resolve(source.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(target);
                        } else if (!Files.exists(target)) {
                            Files.copy(p, target);
                        }
                    }
                }
            } else if (entry.endsWith(".jar") && Files.exists(source)) {
                Files.copy(source, dir.resolve(source.getFileName()));
            }
        }
        Shell.run("chmod", "-R", "a+rX", dir.toString()).orThrow();
        return dir;
    }

    /** Runs one discovery in a fresh JVM: prints the networks, or the error and exits with 3. */
    public static final class DiscoverOnce {
        public static void main(String[] args) {
            long start = System.nanoTime();
            try {
                List<DockerNetwork> networks = DockerDiscovery.discover(DockerEndpoint.resolve(Optional.of(args[0])),
                        TIMEOUT);
                networks.forEach(n -> System.out.println(n.name() + " " + n.bridge() + " " + n.subnets()));
                System.err.printf("cold discovery in a fresh JVM: %.1f ms (JVM start excluded)%n",
                        (System.nanoTime() - start) / 1e6);
            } catch (DockerException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }
}
