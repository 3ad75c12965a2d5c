package io.bridgewall.it.lab;

import io.bridgewall.cli.demo.NamespaceLab;
import io.bridgewall.it.support.DockerDaemon;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real-packet lab: a docker host namespace running a real dockerd, a "public" host behind
 * its uplink, a LAN behind a second link, and containers on the default bridge, a
 * user-defined network and an --internal network. Every node runs the who-service, so a probe
 * tells both whether it got through and which source address the far side saw.
 * One lab per test class: setup costs seconds (dockerd, image import, containers).
 */
public final class Lab implements AutoCloseable {
    private final List<AutoCloseable> owned = new ArrayList<>();
    private Netns host;
    private Netns pub;
    private Netns lan;
    private DockerDaemon docker;
    private Path docroot;
    private Map<String, LabContainer> containers = Map.of();
    private Prober prober;
    private Duration setupTime = Duration.ZERO;
    private final boolean dockerFirewall;
    private String daemonJson = "{}";

    private Lab(boolean dockerFirewall) {
        this.dockerFirewall = dockerFirewall;
    }

    /** Builds the whole lab; on any failure tears down whatever was already made. */
    public static Lab start() {
        return start(false, "{}");
    }

    /** The lab with Docker's own firewall on (its DOCKER chains and DNAT for published ports), as on hosted CI runners. */
    public static Lab startWithDockerFirewall() {
        return start(true, "{}");
    }

    /** As {@link #start()}, with {@code daemonJson} as the lab dockerd's configuration (e.g. its "dns" list). */
    public static Lab start(String daemonJson) {
        return start(false, daemonJson);
    }

    private static Lab start(boolean dockerFirewall, String daemonJson) {
        long started = System.nanoTime();
        Lab lab = new Lab(dockerFirewall);
        lab.daemonJson = daemonJson;
        try {
            lab.build();
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
        lab.setupTime = Duration.ofNanos(System.nanoTime() - started);
        return lab;
    }

    private void build() {
        // The namespaces go last (own() closes in reverse order), with every process left inside.
        NamespaceLab namespaces = own(NamespaceLab.create("bw-lab"));
        host = Netns.existing(namespaces.add("host"));
        pub = Netns.existing(namespaces.add("pub"));
        lan = Netns.existing(namespaces.add("lan"));
        LabWiring.wire(namespaces, host, pub, lan);
        try {
            docroot = WhoService.writeDocroot(Files.createTempDirectory("bw-who-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        owned.add(() -> Shell.run("rm", "-rf", docroot.toString()));
        WhoService.start(pub, docroot, LabAddresses.WHO_PORT);
        WhoService.start(lan, docroot, LabAddresses.WHO_PORT);
        WhoService.start(host, docroot, LabAddresses.SSH_PORT);
        WhoService.start(host, docroot, LabAddresses.OTHER_PORT);
        // dockerd must stop before its namespace goes: own() closes in reverse order
        docker = own(dockerFirewall ? DockerDaemon.startWithOwnFirewall(host, daemonJson) : DockerDaemon.start(host, daemonJson));
        BusyboxImage.importInto(docker);
        // httpd as a container's PID 1 ignores SIGTERM: without this, stopping dockerd waits 10 s per container
        owned.add(this::removeContainers);
        containers = LabContainers.start(docker);
        prober = new Prober(docker);
    }

    private void removeContainers() {
        String[] ids = docker.docker("ps", "-aq").stdout().strip().split("\\s+");
        if (ids.length > 0 && !ids[0].isEmpty()) {
            docker.docker(Stream.concat(Stream.of("rm", "-f"), Stream.of(ids)).toArray(String[]::new));
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    /** The docker host's namespace: where a firewall under test must be loaded. */
    public Netns host() {
        return host;
    }

    public Netns pub() {
        return pub;
    }

    public Netns lan() {
        return lan;
    }

    /** The real dockerd on the host; {@code docker().host()} is its unix:// address. */
    public DockerDaemon docker() {
        return docker;
    }

    public LabContainer container(String name) {
        LabContainer container = containers.get(name);
        if (container == null) {
            throw new IllegalArgumentException("no lab container " + name + "; have " + containers.keySet());
        }
        return container;
    }

    /**
     * A network created now ({@code docker network create --subnet}) with one container on it,
     * as a user would while bridgewall runs; the container is a probe source and target like the others.
     */
    public LabContainer startOnNewNetwork(String container, String network, String subnet) {
        docker.docker("network", "create", "--subnet", subnet, network).orThrow();
        return startOnNetwork(container, network);
    }

    /** One more container on a Docker network that exists already; a probe source and target like the others. */
    public LabContainer startOnNetwork(String container, String network) {
        LabContainer started = LabContainers.run(docker, container, LabContainers.inspect(docker, network));
        Map<String, LabContainer> all = new java.util.LinkedHashMap<>(containers);
        all.put(container, started);
        containers = all;
        return started;
    }

    /** The bridges `bridgewall apply` would find: the lab's networks, as its dockerd's Engine API lists them. */
    public List<io.bridgewall.policy.Bridge> discoveredBridges() {
        return io.bridgewall.docker.DockerDiscovery.discover(new io.bridgewall.docker.DockerEndpoint(docker.socket()),
                Duration.ofSeconds(5)).stream().map(io.bridgewall.docker.DockerNetwork::toBridge).toList();
    }

    /** The lab's Docker networks (default bridge, user-defined, internal), once each. */
    public List<LabNetwork> networks() {
        return containers.values().stream().map(LabContainer::network).distinct().toList();
    }

    public ProbeSource fromContainer(String name) {
        return new ProbeSource.FromContainer(container(name));
    }

    public ProbeSource fromHost() {
        return new ProbeSource.FromNamespace("host", host);
    }

    public ProbeSource fromLan() {
        return new ProbeSource.FromNamespace("lan", lan);
    }

    public ProbeResult probe(ProbeSource from, String address, int port) {
        return prober.probe(from, address, port);
    }

    /** Loads a firewall into the host namespace, after clearing whatever was there. */
    public Duration apply(Firewall firewall) {
        resetFirewall();
        long started = System.nanoTime();
        firewall.apply(this);
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Loads an nftables script into the host namespace in one {@code nft -f} transaction. */
    public void loadNft(String ruleset) {
        Shell.run(Shell.DEFAULT_TIMEOUT, ruleset, List.of("ip", "netns", "exec", host.name(), "nft", "-f", "-")).orThrow();
    }

    /** Sets the per-namespace br_netfilter switch: whether bridged IPv4 frames pass the IP hooks. */
    public void bridgeNetfilter(boolean on) {
        host.exec("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=" + (on ? 1 : 0)).orThrow();
    }

    /**
     * Back to no firewall: flushes every nftables table in the host namespace (iptables here
     * is iptables-nft, so its tables go too) and restores the per-namespace br_netfilter switch.
     */
    public void resetFirewall() {
        host.exec("nft", "flush", "ruleset").orThrow();
        bridgeNetfilter(true);
    }

    public Duration setupTime() {
        return setupTime;
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // keep tearing down: one stuck resource must not leave the others behind
                System.err.println("lab teardown: " + e);
            }
        }
        owned.clear();
    }
}
