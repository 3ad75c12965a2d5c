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
 * {@code --dns} servers. One list request, then one inspect per container (the list does not
 * carry {@code ResolvConfPath}); a container gone in between is skipped.
 */
public final class DockerContainers {
    private DockerContainers() {
    }

    /** Opens a client of its own: the one query the CLI needs for DNS. */
    public static List<ContainerDns> resolvConfPaths(DockerEndpoint endpoint, Duration timeout) {
        try (DockerClient client = DockerClient.open(endpoint, timeout)) {
            return resolvConfPaths(client);
        }
    }

    public static List<ContainerDns> resolvConfPaths(DockerClient client) {
        JsonNode list = client.getJson("/containers/json").orElseThrow(() -> new DockerException(
                "Docker answered 404 to the container list; this is not an answer bridgewall can trust"));
        List<ContainerDns> out = new ArrayList<>();
        for (String id : ids(list)) {
            client.getJson("/containers/" + id + "/json").ifPresent(node -> out.add(parseInspect(node, id)));
        }
        return out;
    }

    /** The ids in {@code GET /containers/json}, each checked to be hex before it goes into a path. */
    static List<String> ids(JsonNode list) {
        if (!list.isArray()) {
            throw new DockerException("Docker's container list is not a JSON array; this is not an answer bridgewall "
                    + "can trust");
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode id = list.get(i).get("Id");
            if (id == null || !id.isTextual() || !id.textValue().matches("[0-9a-f]{1,64}")) {
                throw new DockerException("container #" + i + " in Docker's container list has no valid Id; this is not "
                        + "an answer bridgewall can trust");
            }
            ids.add(id.textValue());
        }
        return ids;
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
