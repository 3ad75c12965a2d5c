package io.bridgewall.policy;

import java.util.List;
import java.util.TreeSet;

/**
 * What bridgewall does with traffic addressed to the host itself.
 *
 * @param managed      false leaves the host's input path alone (hosts with their own firewall)
 * @param allowedPorts ports opened to everyone when managed
 */
public record HostInput(boolean managed, List<Port> allowedPorts) {
    public static final List<Port> DEFAULT_PORTS = List.of(new Port(22, Protocol.TCP));

    public HostInput {
        // Sorted and unique: the same policy always plans to the same ruleset.
        allowedPorts = List.copyOf(new TreeSet<>(allowedPorts));
    }

    public static HostInput defaults() {
        return new HostInput(true, DEFAULT_PORTS);
    }

    public static HostInput unmanaged() {
        return new HostInput(false, List.of());
    }
}
