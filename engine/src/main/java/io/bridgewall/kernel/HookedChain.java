package io.bridgewall.kernel;

import io.bridgewall.ruleset.Family;
import java.util.List;

/**
 * A chain of any table in the namespace, ours or not, as the kernel lists it: enough to tell
 * who else filters or rewrites packets on the hooks we use (Docker's own chains, firewalld,
 * ufw, iptables-nft).
 *
 * @param family   NFPROTO_* of its table
 * @param base     hooked into the packet path (a base chain); regular chains are only jumped to
 * @param hook     NF_INET_* hook number of a base chain, else -1
 * @param policy   a base chain's policy ("accept", "drop"), else empty
 */
public record HookedChain(int family, String table, String name, boolean base, String type, int hook, int priority,
                          String policy) {
    /** The chains Docker's own firewall (dockerd with "iptables": true) creates through iptables. */
    static final List<String> DOCKER_CHAINS = List.of("DOCKER", "DOCKER-USER", "DOCKER-ISOLATION-STAGE-1");

    public String familyName() {
        return Family.nameOf(family);
    }

    /** The hook as nft names it ("forward"); netdev's are ingress and egress. Empty for a regular chain. */
    public String hookName() {
        if (!base) {
            return "";
        }
        if (family == 5) {
            return hook == 0 ? "ingress" : hook == 1 ? "egress" : "hook " + hook;
        }
        return switch (hook) {
            case 0 -> "prerouting";
            case 1 -> "input";
            case 2 -> "forward";
            case 3 -> "output";
            case 4 -> "postrouting";
            default -> "hook " + hook;
        };
    }

    /** "ip filter DOCKER-USER", as nft names it. */
    public String describe() {
        return familyName() + " " + table + " " + name;
    }

    /** Docker's own chains among {@code chains}: present when Docker manages its iptables rules here. */
    public static List<HookedChain> dockerChains(List<HookedChain> chains) {
        return chains.stream().filter(c -> (c.family() == 2 || c.family() == 10) && DOCKER_CHAINS.contains(c.name()))
                .toList();
    }
}
