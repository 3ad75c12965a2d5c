package io.bridgewall.docker;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/** Finds Docker's bridge networks: the one call the CLI needs. */
public final class DockerDiscovery {
    private static final Comparator<DockerNetwork> ORDER =
            Comparator.comparing(DockerNetwork::bridge).thenComparing(DockerNetwork::id);

    private DockerDiscovery() {
    }

    /**
     * The bridge networks of the dockerd at {@code endpoint}, sorted by bridge name so the same
     * Docker state always gives the same policy. Each request must complete within {@code timeout}.
     *
     * @throws DockerException with a one-line message when Docker cannot be asked or answers badly
     */
    public static List<DockerNetwork> discover(DockerEndpoint endpoint, Duration timeout) {
        try (DockerClient client = DockerClient.open(endpoint, timeout)) {
            return client.bridgeNetworks().stream().sorted(ORDER).toList();
        }
    }

    /**
     * Runs the network and container parsers once, on a daemon thread, over a sample like
     * Docker's answers, and returns at once. Jackson's first use (its classes, the mapper, the
     * tree model) is cold code that a discovering apply otherwise pays on its critical path; a
     * command that will ask Docker starts this first and builds its command line meanwhile, on
     * the other core. The sample is ours and constant: nothing here talks to Docker, and a
     * failure is dropped (the real parse runs the same code and reports for itself).
     */
    public static void warmUpInBackground() {
        Thread warmUp = new Thread(() -> {
            try {
                parseSamples();
            } catch (RuntimeException | LinkageError ignored) {
                // the real parse reports for itself
            }
        }, "bridgewall-docker-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /** Parses the samples; how many networks and containers they hold (a test checks they parse). */
    static int parseSamples() {
        return DockerNetworkParser.parseList(SAMPLE_NETWORKS, "the warm-up sample").size()
                + DockerContainerParser.parseList(DockerNetworkParser.readTree(SAMPLE_CONTAINERS, "the warm-up sample")).size();
    }

    private static final byte[] SAMPLE_NETWORKS = ("[{\"Name\":\"sample\",\"Id\":\"9c1b5e3d7a2f4b6c\",\"Driver\":\"bridge\","
            + "\"EnableIPv6\":false,\"Internal\":false,\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.0.0/24\"}]},"
            + "\"Options\":{\"com.docker.network.bridge.enable_icc\":\"true\","
            + "\"com.docker.network.bridge.enable_ip_masquerade\":\"true\"}}]")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] SAMPLE_CONTAINERS = ("[{\"Id\":\"4b6c9c1b5e3d7a2f\",\"Names\":[\"/sample\"],"
            + "\"Ports\":[{\"IP\":\"0.0.0.0\",\"PrivatePort\":80,\"PublicPort\":8080,\"Type\":\"tcp\"}]}]")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** The running containers of the dockerd at {@code endpoint}, with their published ports. */
    public static List<DockerContainer> runningContainers(DockerEndpoint endpoint, Duration timeout) {
        try (DockerClient client = DockerClient.open(endpoint, timeout)) {
            return client.runningContainers();
        }
    }
}
