package io.bridgewall.policy;

/**
 * Whether Docker runs its own firewall on this host ("iptables": true, Docker's default and
 * what hosted CI runners have). With it, Docker DNATs published ports to containers through
 * the forward hook and masquerades on its own; bridgewall then adds containment on top and
 * lets exactly those DNAT'd connections through. Without it, published ports are served by
 * docker-proxy on the host's own addresses (the input hook).
 *
 * @param present   Docker's chains are there (or the admin said so)
 * @param evidence  why we think so, for plan and apply to print: the chains found, or "given"
 */
public record DockerFirewall(boolean present, String evidence) {
    public DockerFirewall {
        if (evidence == null || evidence.isBlank()) {
            throw new InvalidInputException("the evidence for Docker's firewall mode is missing");
        }
    }

    public static DockerFirewall absent(String evidence) {
        return new DockerFirewall(false, evidence);
    }

    public static DockerFirewall present(String evidence) {
        return new DockerFirewall(true, evidence);
    }

    /** Docker's own firewall off (the setup bridgewall replaces), as everywhere before coexistence. */
    public static DockerFirewall off() {
        return absent("assumed off");
    }

    public String describe() {
        return present ? "Docker's own firewall is on (" + evidence + "): coexistence mode, bridgewall adds containment "
                + "on top of Docker's rules and lets connections Docker DNAT'd to published ports through"
                : "Docker's own firewall is off (" + evidence + "): bridgewall is the firewall of Docker's bridges";
    }
}
