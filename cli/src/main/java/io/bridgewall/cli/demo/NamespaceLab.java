package io.bridgewall.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one builder for throwaway networks made of namespaces, shared by `bridgewall demo` and
 * the integration tests' lab: named namespaces with one random id, veth cables created
 * directly inside them (nothing ever appears in this machine's own namespace), addresses,
 * routes and sysctls, and, on close (also on Ctrl-C, through a shutdown hook), every process
 * left inside killed and every namespace deleted.
 */
public final class NamespaceLab implements AutoCloseable {
    private final String prefix;
    private final String id;
    private final List<String> namespaces = new ArrayList<>();
    private final Thread cleanupOnExit = new Thread(this::destroy, "namespace-lab-cleanup");

    private NamespaceLab(String prefix) {
        this.prefix = prefix;
        this.id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    /** A lab whose namespaces are named {@code <prefix>-<role>-<id>}. */
    public static NamespaceLab create(String prefix) {
        return new NamespaceLab(prefix);
    }

    /**
     * Creates the namespace for {@code role}, with loopback up and no duplicate address detection
     * (fresh addresses would otherwise stall neighbour discovery longer than a probe waits), and
     * returns its name.
     */
    public String add(String role) {
        String name = prefix + "-" + role + "-" + id;
        IpCommands.run("ip", "netns", "add", name);
        synchronized (this) {
            namespaces.add(name);
        }
        ip(name, "link", "set", "lo", "up");
        sysctl(name, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        return name;
    }

    /** The namespaces made so far, in order. */
    public synchronized List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    /** A veth cable from {@code leftName} in {@code leftNs} to {@code rightName} in {@code rightNs}, both down. */
    public void veth(String leftNs, String leftName, String rightNs, String rightName) {
        ip(leftNs, "link", "add", leftName, "type", "veth", "peer", "name", rightName, "netns", rightNs);
    }

    /** {@code ip -n NS ARGS...}; a failure is an exception naming the command and what it printed. */
    public void ip(String netns, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", netns));
        command.addAll(List.of(args));
        IpCommands.run(command.toArray(String[]::new));
    }

    public void sysctl(String netns, String... assignments) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns, "sysctl", "-qw"));
        command.addAll(List.of(assignments));
        IpCommands.run(command.toArray(String[]::new));
    }

    private synchronized void destroy() {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            String netns = namespaces.get(i);
            // Processes left inside would keep the namespace alive; end them first.
            String pids = IpCommands.output("ip", "netns", "pids", netns);
            for (String pid : pids.split("\\s+")) {
                if (!pid.isBlank()) {
                    IpCommands.runAllowingFailure("kill", "-9", pid.strip());
                }
            }
            IpCommands.runAllowingFailure("ip", "netns", "delete", netns);
        }
        namespaces.clear();
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
