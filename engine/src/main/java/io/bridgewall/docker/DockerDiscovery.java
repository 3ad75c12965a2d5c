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

    /** The running containers of the dockerd at {@code endpoint}, with their published ports. */
    public static List<DockerContainer> runningContainers(DockerEndpoint endpoint, Duration timeout) {
        try (DockerClient client = DockerClient.open(endpoint, timeout)) {
            return client.runningContainers();
        }
    }
}
