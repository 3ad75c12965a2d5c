package io.bridgewall.it.lab;

import io.bridgewall.cli.demo.NamespaceLab;
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
 * Cables and routes between the lab's namespaces, laid with the one namespace-lab builder the
 * demo uses too ({@link NamespaceLab}): veths are created directly inside the namespaces, so
 * nothing ever appears in the machine's own namespace.
 * pub gets no route back to container subnets: a container only hears from it if masqueraded.
 * lan routes everything back via the host: it would answer unmasqueraded containers.
 */
final class LabWiring {
    private LabWiring() {
    }

    static void wire(NamespaceLab lab, Netns host, Netns pub, Netns lan) {
        String h = host.name();
        String p = pub.name();
        String l = lan.name();
        lab.veth(h, "uplink", p, "uplink");
        lab.veth(h, "lan0", l, "lan0");

        lab.ip(p, "addr", "add", PUB + "/24", "dev", "uplink");
        lab.ip(p, "addr", "add", PUB_OTHER + "/32", "dev", "lo");
        lab.ip(p, "link", "set", "uplink", "up");

        lab.ip(l, "addr", "add", LAN + "/24", "dev", "lan0");
        for (String address : new String[] {LAN_10, LAN_172, METADATA}) {
            lab.ip(l, "addr", "add", address + "/32", "dev", "lo");
        }
        lab.ip(l, "link", "set", "lan0", "up");
        lab.ip(l, "route", "add", "default", "via", HOST_LAN);

        lab.ip(h, "addr", "add", HOST_UPLINK + "/24", "dev", "uplink");
        lab.ip(h, "addr", "add", HOST_LAN + "/24", "dev", "lan0");
        lab.ip(h, "link", "set", "uplink", "up");
        lab.ip(h, "link", "set", "lan0", "up");
        lab.ip(h, "route", "add", "default", "via", PUB);
        for (String address : new String[] {LAN_10, LAN_172, METADATA}) {
            lab.ip(h, "route", "add", address + "/32", "via", LAN);
        }
        lab.sysctl(h, "net.ipv4.ip_forward=1");
    }
}
