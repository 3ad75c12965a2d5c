package io.bridgewall.it.lab;

import io.bridgewall.it.support.Shell;

import java.util.List;

/**
 * The seed blog post's last full ruleset, command for command, as the reference bridgewall
 * must beat. Run by one shell inside the lab's host namespace, never the machine's own; the
 * post loads br_netfilter, which here means the per-namespace bridge-nf-call-iptables switch.
 */
public final class SeedFirewall implements Firewall {
    /** Verbatim from seed/000_d98bc2ead65f5da9.txt, final block (comments translated). */
    static final String SCRIPT = """
            set -e
            # reset
            iptables -t filter -F
            iptables -t filter -X
            iptables -t nat -F
            iptables -t nat -X
            # policies
            iptables -t filter -P INPUT DROP
            iptables -t filter -P OUTPUT ACCEPT
            iptables -t filter -P FORWARD ACCEPT
            # let RELATED, ESTABLISHED through
            iptables -t filter -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            # local packets
            iptables -t filter -A INPUT -i lo -j ACCEPT
            # SSH
            iptables -t filter -A INPUT -p tcp --dport 22 -j ACCEPT
            # containers out to the world
            iptables -t nat -A POSTROUTING ! -o docker0 -s 172.17.0.0/16 -j MASQUERADE
            # containers to private addresses
            iptables -t filter -A FORWARD -i docker0 -d 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16 -j DROP
            """;

    @Override
    public String name() {
        return "seed iptables";
    }

    @Override
    public void apply(Lab lab) {
        lab.bridgeNetfilter(true);
        Shell.run(Shell.DEFAULT_TIMEOUT, SCRIPT, List.of("ip", "netns", "exec", lab.host().name(), "sh", "-s"))
                .orThrow();
    }
}
