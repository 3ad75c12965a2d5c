package io.bridgewall.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throwaway network made of namespaces: a "host" with a bridge and two "containers", a
 * public host with documentation addresses and no route back to the containers, and a LAN
 * host that also holds the cloud metadata address. Deleted on close, on Ctrl-C too.
 */
final class DemoLab implements AutoCloseable {
    static final String BRIDGE = "bwdemo0";
    static final String SUBNET = "10.213.0.0/24";
    static final String GATEWAY = "10.213.0.1";
    static final String C1 = "10.213.0.2";
    static final String C2 = "10.213.0.3";
    static final String PUBLIC = "203.0.113.1";
    static final String UPLINK = "203.0.113.2";
    static final String LAN = "192.168.77.2";
    static final String HOST_ON_LAN = "192.168.77.1";
    static final String METADATA = "169.254.169.254";
    // IPv6: a unique-local container subnet, the documentation prefix as the public side, and a
    // unique-local LAN host (fc00::/7 is blocked like the private IPv4 ranges).
    static final String SUBNET6 = "fd00:213::/64";
    static final String GATEWAY6 = "fd00:213::1";
    static final String C1_V6 = "fd00:213::2";
    static final String C2_V6 = "fd00:213::3";
    static final String PUBLIC6 = "2001:db8:77::1";
    static final String UPLINK6 = "2001:db8:77::2";
    static final String LAN6 = "fd77::2";
    static final String HOST_ON_LAN6 = "fd77::1";
    static final int SERVICE_PORT = 80;
    static final int SSH_PORT = 22;
    static final int OTHER_HOST_PORT = 8080;

    final String host;
    final String pub;
    final String lan;
    final String c1;
    final String c2;
    private final List<String> created = new ArrayList<>();
    private final List<PeerServer> servers = new ArrayList<>();
    private final Thread cleanupOnExit = new Thread(this::destroy, "bridgewall-demo-cleanup");

    private DemoLab() {
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        host = "bwdemo-host-" + id;
        pub = "bwdemo-pub-" + id;
        lan = "bwdemo-lan-" + id;
        c1 = "bwdemo-c1-" + id;
        c2 = "bwdemo-c2-" + id;
    }

    /** The lab's network namespaces, by name: all of them carry the lab's random id. */
    List<String> namespaces() {
        return List.of(host, pub, lan, c1, c2);
    }

    static DemoLab create() {
        DemoLab lab = new DemoLab();
        Runtime.getRuntime().addShutdownHook(lab.cleanupOnExit);
        try {
            lab.build();
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build() {
        for (String ns : namespaces()) {
            IpCommands.run("ip", "netns", "add", ns);
            created.add(ns);
            IpCommands.run("ip", "-n", ns, "link", "set", "lo", "up");
            // No duplicate address detection: fresh link-local addresses would stall neighbour
            // discovery for a second, longer than a probe waits.
            IpCommands.run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0");
        }
        IpCommands.run("ip", "-n", host, "link", "add", BRIDGE, "type", "bridge");
        IpCommands.run("ip", "-n", host, "addr", "add", GATEWAY + "/24", "dev", BRIDGE);
        IpCommands.run("ip", "-n", host, "addr", "add", GATEWAY6 + "/64", "dev", BRIDGE, "nodad");
        IpCommands.run("ip", "-n", host, "link", "set", BRIDGE, "up");
        container(c1, C1, C1_V6, "vc1");
        container(c2, C2, C2_V6, "vc2");
        link(host, "up0", UPLINK + "/24", pub, "eth0", PUBLIC + "/24");
        IpCommands.run("ip", "-n", host, "addr", "add", UPLINK6 + "/64", "dev", "up0", "nodad");
        IpCommands.run("ip", "-n", pub, "addr", "add", PUBLIC6 + "/64", "dev", "eth0", "nodad");
        IpCommands.run("ip", "-n", host, "route", "add", "default", "via", PUBLIC);
        IpCommands.run("ip", "-n", host, "-6", "route", "add", "default", "via", PUBLIC6);
        link(host, "lan0", HOST_ON_LAN + "/24", lan, "eth0", LAN + "/24");
        IpCommands.run("ip", "-n", host, "addr", "add", HOST_ON_LAN6 + "/64", "dev", "lan0", "nodad");
        IpCommands.run("ip", "-n", lan, "addr", "add", LAN6 + "/64", "dev", "eth0", "nodad");
        IpCommands.run("ip", "-n", lan, "-6", "route", "add", SUBNET6, "via", HOST_ON_LAN6);
        IpCommands.run("ip", "-n", lan, "addr", "add", METADATA + "/32", "dev", "eth0");
        IpCommands.run("ip", "-n", host, "route", "add", METADATA + "/32", "via", LAN);
        // The LAN would answer the containers: only the firewall stands in the way.
        IpCommands.run("ip", "-n", lan, "route", "add", SUBNET, "via", HOST_ON_LAN);
        IpCommands.run("ip", "netns", "exec", host, "sysctl", "-qw", "net.ipv4.ip_forward=1",
                "net.ipv6.conf.all.forwarding=1");
        // Bridged frames between containers must pass the IP hooks (br_netfilter), per namespace.
        IpCommands.run("ip", "netns", "exec", host, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1",
                "net.bridge.bridge-nf-call-ip6tables=1");

        servers.add(PeerServer.start(pub, PUBLIC, SERVICE_PORT));
        servers.add(PeerServer.start(lan, LAN, SERVICE_PORT));
        servers.add(PeerServer.start(lan, METADATA, SERVICE_PORT));
        servers.add(PeerServer.start(c2, C2, SERVICE_PORT));
        servers.add(PeerServer.start(pub, PUBLIC6, SERVICE_PORT));
        servers.add(PeerServer.start(lan, LAN6, SERVICE_PORT));
        servers.add(PeerServer.start(c2, C2_V6, SERVICE_PORT));
        servers.add(PeerServer.start(host, "0.0.0.0", SSH_PORT));
        servers.add(PeerServer.start(host, "0.0.0.0", OTHER_HOST_PORT));
    }

    private void container(String ns, String address, String address6, String hostSide) {
        IpCommands.run("ip", "-n", host, "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", ns);
        IpCommands.run("ip", "-n", host, "link", "set", hostSide, "master", BRIDGE, "up");
        IpCommands.run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        IpCommands.run("ip", "-n", ns, "addr", "add", address6 + "/64", "dev", "eth0", "nodad");
        IpCommands.run("ip", "-n", ns, "link", "set", "eth0", "up");
        IpCommands.run("ip", "-n", ns, "route", "add", "default", "via", GATEWAY);
        IpCommands.run("ip", "-n", ns, "-6", "route", "add", "default", "via", GATEWAY6);
    }

    private static void link(String leftNs, String left, String leftAddress, String rightNs, String right,
                             String rightAddress) {
        IpCommands.run("ip", "-n", leftNs, "link", "add", left, "type", "veth", "peer", "name", right, "netns", rightNs);
        IpCommands.run("ip", "-n", leftNs, "addr", "add", leftAddress, "dev", left);
        IpCommands.run("ip", "-n", rightNs, "addr", "add", rightAddress, "dev", right);
        IpCommands.run("ip", "-n", leftNs, "link", "set", left, "up");
        IpCommands.run("ip", "-n", rightNs, "link", "set", right, "up");
    }

    private synchronized void destroy() {
        servers.forEach(PeerServer::close);
        servers.clear();
        for (String ns : created) {
            IpCommands.runAllowingFailure("ip", "netns", "delete", ns);
        }
        created.clear();
    }

    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // the hook is running or has run: it cleans up
        }
    }
}
