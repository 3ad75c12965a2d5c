package io.bridgewall.docker;

import io.bridgewall.policy.PublishedPort;
import java.util.List;

/**
 * A running container, as far as the firewall cares: who it is (for plan comments and logs)
 * and the host ports Docker publishes for it ({@code GET /containers/json}).
 *
 * @param id             Docker's container id (hex digits)
 * @param name           its name without Docker's leading '/', or its short id when it has none
 * @param publishedPorts its published ports, one per host address family or address
 * @param warnings       one line each about a port entry bridgewall could not read: that port
 *                       stays closed (reported, never fatal)
 */
public record DockerContainer(String id, String name, List<PublishedPort> publishedPorts, List<String> warnings) {
    public DockerContainer {
        if (id == null || id.isEmpty() || name == null) {
            throw new IllegalArgumentException("a Docker container needs an id and a name");
        }
        publishedPorts = List.copyOf(publishedPorts);
        warnings = List.copyOf(warnings);
    }

    /** Docker's short id, as `docker ps` shows it. */
    public String shortId() {
        return shortId(id);
    }

    static String shortId(String id) {
        return id.length() <= 12 ? id : id.substring(0, 12);
    }

    /** For messages: {@code container web (id 0123456789ab)}. */
    public String description() {
        return "container " + name + " (id " + shortId() + ")";
    }
}
