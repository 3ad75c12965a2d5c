package io.bridgewall.it.lab;

import java.util.Optional;

/**
 * One row of the matrix: who probes what, and what bridgewall's policy says should happen.
 * When {@code expectedPeer} is present, reaching the target is only right if the target saw
 * that source address (masquerade to the host's uplink, for instance).
 */
public record ProbeSpec(String name, ProbeSource from, String address, int port,
                        boolean expectReach, Optional<String> expectedPeer) {

    public static ProbeSpec blocked(String name, ProbeSource from, String address, int port) {
        return new ProbeSpec(name, from, address, port, false, Optional.empty());
    }

    public static ProbeSpec reach(String name, ProbeSource from, String address, int port) {
        return new ProbeSpec(name, from, address, port, true, Optional.empty());
    }

    public static ProbeSpec reachAs(String name, ProbeSource from, String address, int port, String peer) {
        return new ProbeSpec(name, from, address, port, true, Optional.of(peer));
    }

    public boolean holds(ProbeResult observed) {
        if (observed.reached() != expectReach) {
            return false;
        }
        return expectedPeer.isEmpty() || expectedPeer.equals(observed.peer());
    }

    public String expectedCell() {
        return expectReach ? "reach " + expectedPeer.orElse("") : "blocked";
    }
}
