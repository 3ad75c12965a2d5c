package io.bridgewall.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.bridgewall.dns.ContainerDns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Running containers as the DNS exception needs them: each one's resolv.conf on the host and its
 * {@code --dns} servers. One list request ({@link DockerClient#runningContainers()}, the one
 * published ports use), then one inspect per container (the list does not carry
 * {@code ResolvConfPath}); a container gone in between is skipped. {@link ContainerDnsCache}
 * keeps the inspects for containers already seen.
 */
public final class DockerContainers {
    private DockerContainers() {
    }

    /** Opens a client of its own: lists the running containers and inspects each once. */
    public static List<ContainerDns> resolvConfPaths(DockerEndpoint endpoint, Duration timeout) {
        try (DockerClient client = DockerClient.open(endpoint, timeout)) {
            return new ContainerDnsCache().of(client.runningContainers(), client);
        }
    }

    /** One container's inspect answer: its name, ResolvConfPath (absent or empty: none) and HostConfig.Dns. */
    static ContainerDns parseInspect(JsonNode node, String id) {
        String fallback = id.length() > 12 ? id.substring(0, 12) : id;
        if (!node.isObject()) {
            throw new DockerException("Docker's answer about container " + fallback + " is not a JSON object; this is not "
                    + "an answer bridgewall can trust");
        }
        JsonNode nameNode = node.get("Name");
        String name = nameNode != null && nameNode.isTextual() && !nameNode.textValue().isBlank()
                ? nameNode.textValue().replaceFirst("^/", "") : fallback;
        JsonNode pathNode = node.get("ResolvConfPath");
        Optional<Path> path = Optional.empty();
        if (pathNode != null && !pathNode.isNull()) {
            if (!pathNode.isTextual() || (!pathNode.textValue().isEmpty() && !pathNode.textValue().startsWith("/"))
                    || pathNode.textValue().indexOf('\0') >= 0) {
                throw new DockerException("Docker's ResolvConfPath of container " + name + " is not an absolute path; "
                        + "this is not an answer bridgewall can trust");
            }
            if (!pathNode.textValue().isEmpty()) {
                path = Optional.of(Path.of(pathNode.textValue()));
            }
        }
        List<String> dns = new ArrayList<>();
        JsonNode given = node.path("HostConfig").get("Dns");
        if (given != null && !given.isNull()) {
            if (!given.isArray()) {
                throw new DockerException("Docker's HostConfig.Dns of container " + name + " is not a list; this is not "
                        + "an answer bridgewall can trust");
            }
            given.forEach(entry -> {
                if (!entry.isTextual()) {
                    throw new DockerException("Docker's HostConfig.Dns of container " + name + " holds a non-text entry; "
                            + "this is not an answer bridgewall can trust");
                }
                dns.add(entry.textValue());
            });
        }
        return new ContainerDns(name, path, dns);
    }
}
