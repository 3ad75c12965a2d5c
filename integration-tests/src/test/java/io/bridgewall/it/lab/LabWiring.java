package io.bridgewall.it.lab;

import io.bridgewall.it.support.Netns;

import static io.bridgewall.it.lab.LabAddresses.HOST_LAN;
import static io.bridgewall.it.lab.LabAddresses.HOST_UPLINK;
import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.LAN_10;
import static io.bridgewall.it.lab.LabAddresses.LAN_172;
import static io.bridgewall.it.lab.LabAddresses.METADATA;
import static io.bridgewall.it.lab.LabAddresses.PUB;
import static io.bridgewall.it.lab.LabAddresses.PUB_OTHER;

/**
 * Cables and routes between the lab's namespaces. Veths are created directly inside the
 * namespaces ({@code ip -n}), so nothing ever appears in the machine's own namespace.
 * pub gets no route back to container subnets: a container only hears from it if masqueraded.
 * lan routes everything back via the host: it would answer unmasqueraded containers.
 */
final class LabWiring {
    private LabWiring() {
    }

    static void wire(Netns host, Netns pub, Netns lan) {
        ip(host, "link", "add", "uplink", "type", "veth", "peer", "name", "uplink", "netns", pub.name());
        ip(host, "link", "add", "lan0", "type", "veth", "peer", "name", "lan0", "netns", lan.name());

        ip(pub, "addr", "add", PUB + "/24", "dev", "uplink");
        ip(pub, "addr", "add", PUB_OTHER + "/32", "dev", "lo");
        ip(pub, "link", "set", "uplink", "up");

        ip(lan, "addr", "add", LAN + "/24", "dev", "lan0");
        for (String address : new String[] {LAN_10, LAN_172, METADATA}) {
            ip(lan, "addr", "add", address + "/32", "dev", "lo");
        }
        ip(lan, "link", "set", "lan0", "up");
        ip(lan, "route", "add", "default", "via", HOST_LAN);

        ip(host, "addr", "add", HOST_UPLINK + "/24", "dev", "uplink");
        ip(host, "addr", "add", HOST_LAN + "/24", "dev", "lan0");
        ip(host, "link", "set", "uplink", "up");
        ip(host, "link", "set", "lan0", "up");
        ip(host, "route", "add", "default", "via", PUB);
        for (String address : new String[] {LAN_10, LAN_172, METADATA}) {
            ip(host, "route", "add", address + "/32", "via", LAN);
        }
        host.exec("sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
    }

    private static void ip(Netns netns, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "ip";
        command[1] = "-n";
        command[2] = netns.name();
        System.arraycopy(args, 0, command, 3, args.length);
        io.bridgewall.it.support.Shell.run(command).orThrow();
    }
}
