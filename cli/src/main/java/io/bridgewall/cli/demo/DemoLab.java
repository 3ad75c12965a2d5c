package io.bridgewall.cli.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway network made of namespaces: a "host" with a bridge standing for docker0 and two
 * "containers", a compose-style user network with two more (web and db), a public host with documentation addresses and no route back to the containers, and a LAN
 * host that also holds the cloud metadata address, built with {@link NamespaceLab}. Deleted
 * on close, on Ctrl-C too.
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
    /** The LAN host's database port: the one exception the demo's policy makes (--allow 192.168.77.2:5432/tcp). */
    static final int LAN_DATABASE_PORT = 5432;
    static final String EXCEPTION = LAN + ":" + LAN_DATABASE_PORT + "/tcp";
    // A compose-style user network (what `docker compose up` makes: a bridge of its own, enable_icc
    // left at Docker's default): its two containers, web and db, talk to each other.
    static final String COMPOSE_NETWORK = "shop_default";
    static final String COMPOSE_BRIDGE = "bwdemo1";
    static final String COMPOSE_SUBNET = "10.213.1.0/24";
    static final String COMPOSE_GATEWAY = "10.213.1.1";
    static final String WEB = "10.213.1.2";
    static final String DB = "10.213.1.3";
    static final int DB_PORT = 5432;

    final String host;
    final String pub;
    final String lan;
    final String c1;
    final String c2;
    final String web;
    final String db;
    private final NamespaceLab namespaces;
    private final List<PeerServer> servers = new ArrayList<>();

    private DemoLab(NamespaceLab namespaces) {
        this.namespaces = namespaces;
        host = namespaces.add("host");
        pub = namespaces.add("pub");
        lan = namespaces.add("lan");
        c1 = namespaces.add("c1");
        c2 = namespaces.add("c2");
        web = namespaces.add("web");
        db = namespaces.add("db");
    }

    /** The lab's network namespaces, by name: all of them carry the lab's random id. */
    List<String> namespaces() {
        return namespaces.namespaces();
    }

    static DemoLab create() {
        NamespaceLab namespaces = NamespaceLab.create("bwdemo");
        DemoLab lab = null;
        try {
            lab = new DemoLab(namespaces);
            lab.build();
            return lab;
        } catch (RuntimeException e) {
            if (lab != null) {
                lab.close();
            }
            namespaces.close();
            throw e;
        }
    }

    private void build() {
        namespaces.ip(host, "link", "add", BRIDGE, "type", "bridge");
        namespaces.ip(host, "addr", "add", GATEWAY + "/24", "dev", BRIDGE);
        namespaces.ip(host, "addr", "add", GATEWAY6 + "/64", "dev", BRIDGE, "nodad");
        namespaces.ip(host, "link", "set", BRIDGE, "up");
        container(c1, C1, C1_V6, "vc1");
        container(c2, C2, C2_V6, "vc2");
        namespaces.ip(host, "link", "add", COMPOSE_BRIDGE, "type", "bridge");
        namespaces.ip(host, "addr", "add", COMPOSE_GATEWAY + "/24", "dev", COMPOSE_BRIDGE);
        namespaces.ip(host, "link", "set", COMPOSE_BRIDGE, "up");
        composeContainer(web, WEB, "vweb");
        composeContainer(db, DB, "vdb");
        link(host, "up0", UPLINK + "/24", pub, "eth0", PUBLIC + "/24");
        namespaces.ip(host, "addr", "add", UPLINK6 + "/64", "dev", "up0", "nodad");
        namespaces.ip(pub, "addr", "add", PUBLIC6 + "/64", "dev", "eth0", "nodad");
        namespaces.ip(host, "route", "add", "default", "via", PUBLIC);
        namespaces.ip(host, "-6", "route", "add", "default", "via", PUBLIC6);
        link(host, "lan0", HOST_ON_LAN + "/24", lan, "eth0", LAN + "/24");
        namespaces.ip(host, "addr", "add", HOST_ON_LAN6 + "/64", "dev", "lan0", "nodad");
        namespaces.ip(lan, "addr", "add", LAN6 + "/64", "dev", "eth0", "nodad");
        namespaces.ip(lan, "-6", "route", "add", SUBNET6, "via", HOST_ON_LAN6);
        namespaces.ip(lan, "addr", "add", METADATA + "/32", "dev", "eth0");
        namespaces.ip(host, "route", "add", METADATA + "/32", "via", LAN);
        // The LAN would answer the containers: only the firewall stands in the way.
        namespaces.ip(lan, "route", "add", SUBNET, "via", HOST_ON_LAN);
        namespaces.sysctl(host, "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        // Bridged frames between containers must pass the IP hooks (br_netfilter), per namespace.
        namespaces.sysctl(host, "net.bridge.bridge-nf-call-iptables=1", "net.bridge.bridge-nf-call-ip6tables=1");

        servers.add(PeerServer.start(pub, PUBLIC, SERVICE_PORT));
        servers.add(PeerServer.start(lan, LAN, SERVICE_PORT));
        servers.add(PeerServer.start(lan, LAN, LAN_DATABASE_PORT));
        servers.add(PeerServer.start(lan, METADATA, SERVICE_PORT));
        servers.add(PeerServer.start(c2, C2, SERVICE_PORT));
        servers.add(PeerServer.start(pub, PUBLIC6, SERVICE_PORT));
        servers.add(PeerServer.start(lan, LAN6, SERVICE_PORT));
        servers.add(PeerServer.start(c2, C2_V6, SERVICE_PORT));
        servers.add(PeerServer.start(db, DB, DB_PORT));
        servers.add(PeerServer.start(host, "0.0.0.0", SSH_PORT));
        servers.add(PeerServer.start(host, "0.0.0.0", OTHER_HOST_PORT));
    }

    private void container(String ns, String address, String address6, String hostSide) {
        namespaces.veth(host, hostSide, ns, "eth0");
        namespaces.ip(host, "link", "set", hostSide, "master", BRIDGE, "up");
        namespaces.ip(ns, "addr", "add", address + "/24", "dev", "eth0");
        namespaces.ip(ns, "addr", "add", address6 + "/64", "dev", "eth0", "nodad");
        namespaces.ip(ns, "link", "set", "eth0", "up");
        namespaces.ip(ns, "route", "add", "default", "via", GATEWAY);
        namespaces.ip(ns, "-6", "route", "add", "default", "via", GATEWAY6);
    }

    /** A container on the compose network: IPv4 only, like most compose networks. */
    private void composeContainer(String ns, String address, String hostSide) {
        namespaces.veth(host, hostSide, ns, "eth0");
        namespaces.ip(host, "link", "set", hostSide, "master", COMPOSE_BRIDGE, "up");
        namespaces.ip(ns, "addr", "add", address + "/24", "dev", "eth0");
        namespaces.ip(ns, "link", "set", "eth0", "up");
        namespaces.ip(ns, "route", "add", "default", "via", COMPOSE_GATEWAY);
    }

    private void link(String leftNs, String left, String leftAddress, String rightNs, String right, String rightAddress) {
        namespaces.veth(leftNs, left, rightNs, right);
        namespaces.ip(leftNs, "addr", "add", leftAddress, "dev", left);
        namespaces.ip(rightNs, "addr", "add", rightAddress, "dev", right);
        namespaces.ip(leftNs, "link", "set", left, "up");
        namespaces.ip(rightNs, "link", "set", right, "up");
    }

    @Override
    public void close() {
        // The servers' sockets first, then the namespaces (on Ctrl-C, the lab's own hook does both).
        servers.forEach(PeerServer::close);
        servers.clear();
        namespaces.close();
    }
}
