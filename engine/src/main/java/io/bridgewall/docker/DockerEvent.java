package io.bridgewall.docker;

import java.util.Map;

/**
 * One event from Docker's {@code GET /events} stream, as far as bridgewall reads it.
 *
 * @param type         "network", "container", ...; empty when Docker sent none
 * @param action       "create", "destroy", "connect", "start", "die", ...
 * @param actorId      the network's or container's id (checked to be hex before it is ever
 *                     put into a request); empty when absent
 * @param attributes   the actor's string attributes (a network's "name" and "type", its driver)
 * @param timeNano     dockerd's timestamp of the event (Unix epoch, ns), 0 when absent
 * @param receivedNanos {@link System#nanoTime()} when bridgewall had read the event off the socket
 */
public record DockerEvent(String type, String action, String actorId, Map<String, String> attributes, long timeNano,
                          long receivedNanos) {
    public DockerEvent {
        attributes = Map.copyOf(attributes);
    }

    public boolean isNetwork() {
        return type.equals("network");
    }

    public String attribute(String name) {
        return attributes.getOrDefault(name, "");
    }

    /** Whether the id can name a Docker object in a request path: hex digits, as dockerd makes them. */
    public boolean hasHexId() {
        return !actorId.isEmpty() && actorId.length() <= 64 && actorId.chars().allMatch(c -> c >= '0' && c <= '9'
                || c >= 'a' && c <= 'f');
    }
}
