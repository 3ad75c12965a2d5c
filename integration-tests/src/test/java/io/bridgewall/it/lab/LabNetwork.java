package io.bridgewall.it.lab;

/**
 * A Docker bridge network of the lab as the host kernel sees it: Docker's name, the bridge
 * interface (docker0 or br-&lt;id12&gt;), its IPv4 subnet, and whether it is --internal.
 */
public record LabNetwork(String name, String bridge, String subnet, boolean internal) {
}
