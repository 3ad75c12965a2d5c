package io.bridgewall.it.lab;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The ruleset bridgewall's engine is meant to generate, written by hand with the sets filled
 * from the lab's Docker networks, loaded in one {@code nft -f} transaction. It proves the lab
 * end to end before the real engine exists, and pins down the ruleset the engine must match.
 */
public final class HandWrittenNftFirewall implements Firewall {
    @Override
    public String name() {
        return "hand-written nft";
    }

    @Override
    public void apply(Lab lab) {
        lab.loadNft(ruleset(lab.networks()));
    }

    static String ruleset(List<LabNetwork> networks) {
        String bridges = elements(networks, n -> "\"" + n.bridge() + "\"");
        String internal = elements(networks.stream().filter(LabNetwork::internal).toList(), n -> "\"" + n.bridge() + "\"");
        String subnets = elements(networks, LabNetwork::subnet);
        // Containers of one user-defined network talk (Docker's enable_icc default); docker0's do not.
        String talking = elements(networks.stream().filter(n -> !n.name().equals(LabContainers.DEFAULT_NET)).toList(),
                n -> "\"" + n.bridge() + "\" . \"" + n.bridge() + "\"");
        // "add table; delete table; table {...}" replaces any earlier copy in the same transaction
        return """
                add table inet bridgewall
                delete table inet bridgewall
                table inet bridgewall {
                  set icc_pairs { type ifname . ifname; %s }
                  set bridge_ifaces { type ifname; %s }
                  set internal_ifaces { type ifname; %s }
                  set bridge_nets4 { type ipv4_addr; flags interval; %s }
                  set blocked4 { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, 100.64.0.0/10 } }
                  set tcp_ports { type inet_service; elements = { 22 } }
                  chain input { type filter hook input priority filter; policy drop;
                    ct state established,related accept
                    ct state invalid drop
                    iifname "lo" accept
                    tcp dport @tcp_ports accept
                  }
                  chain forward { type filter hook forward priority filter; policy accept;
                    iifname . oifname @icc_pairs counter accept
                    iifname @bridge_ifaces ip daddr @blocked4 counter drop
                    iifname @bridge_ifaces ip daddr @bridge_nets4 counter drop
                    iifname @internal_ifaces counter drop
                    oifname @internal_ifaces counter drop
                  }
                  chain postrouting { type nat hook postrouting priority srcnat; policy accept;
                    oifname != @bridge_ifaces ip saddr @bridge_nets4 masquerade
                  }
                }
                """.formatted(talking, bridges, internal, subnets);
    }

    /** An nft set body; an empty set must omit the elements clause altogether. */
    private static String elements(List<LabNetwork> networks, Function<LabNetwork, String> element) {
        return networks.isEmpty() ? ""
                : "elements = { " + networks.stream().map(element).collect(Collectors.joining(", ")) + " }";
    }
}
