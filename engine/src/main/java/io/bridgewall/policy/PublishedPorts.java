package io.bridgewall.policy;

import java.util.List;
import java.util.TreeSet;

/**
 * The published ports of running containers the input chain accepts (when bridgewall manages
 * the host's input).
 *
 * @param open  false with --no-published-ports: nothing is opened for Docker's published ports
 * @param ports what Docker publishes now, sorted
 */
public record PublishedPorts(boolean open, List<PublishedPort> ports) {
    public PublishedPorts {
        ports = List.copyOf(new TreeSet<>(ports));
        if (!open && !ports.isEmpty()) {
            throw new IllegalArgumentException("published ports that are turned off hold no ports");
        }
    }

    /** Open, and nothing published (no Docker, or no container publishes a port). */
    public static PublishedPorts none() {
        return new PublishedPorts(true, List.of());
    }

    /** --no-published-ports. */
    public static PublishedPorts off() {
        return new PublishedPorts(false, List.of());
    }

    public static PublishedPorts of(List<PublishedPort> ports) {
        return new PublishedPorts(true, ports);
    }

    /** The ports the input chain must accept: loopback-only ones need nothing (lo is accepted). */
    public List<PublishedPort> toOpen() {
        return ports.stream().filter(p -> !p.loopbackOnly()).toList();
    }
}
