package io.bridgewall.it.lab;

import io.bridgewall.it.support.DockerDaemon;
import io.bridgewall.it.support.Shell;

import java.time.Duration;
import java.util.List;

/**
 * Sends one who-service request from a container (docker exec) or a namespace (ip netns exec)
 * with busybox nc. Three bounds, innermost first: nc's connect timeout, busybox timeout around
 * the whole exchange, and the Shell timeout around docker exec itself.
 */
public final class Prober {
    static final int CONNECT_TIMEOUT_SECONDS = 1;
    private static final int EXCHANGE_TIMEOUT_SECONDS = 2;
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(10);

    private final DockerDaemon docker;

    public Prober(DockerDaemon docker) {
        this.docker = docker;
    }

    public ProbeResult probe(ProbeSource from, String address, int port) {
        String exchange = String.valueOf(EXCHANGE_TIMEOUT_SECONDS);
        String connect = String.valueOf(CONNECT_TIMEOUT_SECONDS);
        String target = String.valueOf(port);
        // Java 17: no pattern switch yet; the source type is sealed, so this is exhaustive
        List<String> command = from instanceof ProbeSource.FromContainer c
                // the lab image has busybox applets as /bin symlinks: absolute paths need no PATH
                ? List.of("docker", "-H", docker.host(), "exec", "-i", c.container().name(),
                        "/bin/timeout", exchange, "/bin/nc", "-w", connect, address, target)
                : List.of("ip", "netns", "exec", ((ProbeSource.FromNamespace) from).netns().name(),
                        "busybox", "timeout", exchange, "busybox", "nc", "-w", connect, address, target);
        Shell.Result result = Shell.run(PROCESS_TIMEOUT, WhoService.REQUEST, command);
        return ProbeResult.parse(result.exitCode(), result.stdout(), result.stderr());
    }
}
