package io.bridgewall.it.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace owned by one test: created with a unique name, loopback up, and deleted
 * on close (and, as a last resort, when the JVM exits). Every rule and packet of a test lives
 * in namespaces like this one, never in the machine's own.
 */
public final class Netns implements AutoCloseable {
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Netns::destroy)));
    }

    private final String name;

    private Netns(String name) {
        this.name = name;
    }

    /** Creates a namespace named {@code bw-<prefix>-<random>}. */
    public static Netns create(String prefix) {
        String name = "bw-" + prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        Shell.run("ip", "netns", "add", name).orThrow();
        LIVE.add(name);
        Netns netns = new Netns(name);
        try {
            netns.exec("ip", "link", "set", "lo", "up").orThrow();
        } catch (RuntimeException | Error e) {
            netns.close();
            throw e;
        }
        return netns;
    }

    /**
     * A handle on a namespace made and deleted by someone else (a {@code NamespaceLab}): it
     * runs commands there like any other, and close() leaves the namespace alone.
     */
    public static Netns existing(String name) {
        return new Netns(name);
    }

    public String name() {
        return name;
    }

    /** The path nsenter and setns take. */
    public String path() {
        return "/var/run/netns/" + name;
    }

    public Shell.Result exec(String... command) {
        return Shell.inNetns(name, command);
    }

    @Override
    public void close() {
        if (LIVE.remove(name)) {
            destroy(name);
        }
    }

    private static void destroy(String name) {
        // Processes left inside would keep the namespace alive; end them first.
        Shell.Result pids = Shell.run("ip", "netns", "pids", name);
        for (String pid : pids.stdout().split("\\s+")) {
            if (!pid.isBlank()) {
                Shell.run("kill", "-9", pid.strip());
            }
        }
        Shell.run("ip", "netns", "delete", name);
    }
}
