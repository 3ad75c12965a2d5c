package io.bridgewall.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real dockerd (Debian's docker.io) started by a test inside the test's namespace, with
 * Docker's own firewalling off and nothing shared with the machine or with another test's
 * daemon: its own data root, exec root, pidfile and socket, its own configuration file
 * (never the machine's /etc/docker/daemon.json), and its own containerd (dockerd would
 * otherwise use the machine's containerd whenever /run/containerd/containerd.sock exists).
 * So a system dockerd running on the same machine changes nothing for the tests.
 * Started through nsenter, not `ip netns exec`, which remounts /sys and breaks dockerd's
 * cgroup detection.
 */
public final class DockerDaemon implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Netns netns;
    private final Path dir;
    private final Process containerd;
    private Process process;
    private List<String> wrapper = List.of();
    private boolean ownsNetns;
    /** Docker's own iptables rules ("iptables": true, Docker's default and hosted CI runners'); off unless asked. */
    private boolean ownFirewall;

    private DockerDaemon(Netns netns, Path dir, Process containerd) {
        this.netns = netns;
        this.dir = dir;
        this.containerd = containerd;
    }

    /** A daemon in a namespace of its own, made for it and deleted when the daemon is closed. */
    public static DockerDaemon startInNewNamespace(String prefix) {
        Netns netns = Netns.create(prefix);
        try {
            DockerDaemon daemon = start(netns);
            daemon.ownsNetns = true;
            return daemon;
        } catch (RuntimeException | Error e) {
            netns.close();
            throw e;
        }
    }

    public static DockerDaemon start(Netns netns) {
        return start(netns, List.of());
    }

    /**
     * A daemon with Docker's own firewall on, as on a stock install or a hosted CI runner: it
     * writes its DOCKER chains and DNAT rules for published ports into the namespace's ruleset
     * (iptables-nft), IPv4 only.
     */
    public static DockerDaemon startWithOwnFirewall(Netns netns) {
        return startWithOwnFirewall(netns, "{}");
    }

    /** As {@link #startWithOwnFirewall(Netns)}, with {@code daemonJson} as dockerd's configuration file. */
    public static DockerDaemon startWithOwnFirewall(Netns netns, String daemonJson) {
        return start(netns, List.of(), true, daemonJson);
    }

    /**
     * Like {@link #start(Netns)}, with dockerd launched through {@code wrapper}: for the test
     * that puts it in a private mount namespace standing for a machine with its own Docker setup.
     */
    static DockerDaemon start(Netns netns, List<String> wrapper) {
        return start(netns, wrapper, false, "{}");
    }

    /** Like {@link #start(Netns)}, with {@code daemonJson} as dockerd's configuration file (e.g. a "dns" list). */
    public static DockerDaemon start(Netns netns, String daemonJson) {
        return start(netns, List.of(), false, daemonJson);
    }

    private static DockerDaemon start(Netns netns, List<String> wrapper, boolean ownFirewall, String daemonJson) {
        Path dir;
        try {
            dir = Files.createTempDirectory("bw-dockerd-");
            // What dockerd's own supervisor writes for the containerd it starts, minus the machine's paths.
            Files.writeString(dir.resolve("containerd.toml"), String.join("\n",
                    "version = 2",
                    "root = \"" + dir.resolve("containerd-root") + "\"",
                    "state = \"" + dir.resolve("containerd-state") + "\"",
                    "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
                    "[grpc]",
                    "  address = \"" + dir.resolve("containerd.sock") + "\"",
                    ""));
            Files.writeString(dir.resolve("daemon.json"), daemonJson + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process containerd = launch(dir, "containerd.log", "nsenter", "--net=" + netns.path(),
                "containerd", "--config", dir.resolve("containerd.toml").toString());
        DockerDaemon daemon = new DockerDaemon(netns, dir, containerd);
        try {
            daemon.await("containerd", containerd, "containerd.log",
                    () -> Files.exists(dir.resolve("containerd.sock")));
            daemon.wrapper = wrapper;
            daemon.ownFirewall = ownFirewall;
            daemon.startDockerd();
        } catch (RuntimeException | Error e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    /** Starts dockerd (again, after {@link #stopDockerd}): same data, same socket; returns once it answers. */
    public void startDockerd() {
        List<String> dockerd = new ArrayList<>(wrapper);
        dockerd.addAll(List.of("nsenter", "--net=" + netns.path(), "dockerd",
                "--config-file", dir.resolve("daemon.json").toString(),
                "--containerd", dir.resolve("containerd.sock").toString(),
                "--iptables=" + ownFirewall, "--ip6tables=false",
                "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("dockerd.pid").toString(),
                "-H", "unix://" + dir.resolve("docker.sock")));
        process = launch(dir, "dockerd.log", dockerd.toArray(String[]::new));
        await("dockerd", process, "dockerd.log", () -> Files.exists(socket())
                && docker("version", "--format", "{{.Server.APIVersion}}").ok());
    }

    /** Stops dockerd as its service manager would (SIGTERM), leaving containerd and the data; its socket goes away. */
    public void stopDockerd() {
        if (process != null) {
            stop(process);
        }
    }

    /**
     * Stops dockerd (which stops its containers; containerd stays), runs {@code whileStopped},
     * and starts dockerd again on the same data root, as a reboot would: containers with a
     * restart policy are started again by dockerd itself, before anyone asks its API anything.
     */
    public void restart(Runnable whileStopped) {
        List<ProcessHandle> helpers = process.descendants().toList();
        stopDockerd();
        helpers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        whileStopped.run();
        startDockerd();
    }

    private static Process launch(Path dir, String log, String... command) {
        try {
            // Appended: a restarted dockerd keeps the log of the one before.
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command) + " (apt-get install docker.io)", e);
        }
    }

    private void await(String what, Process started, String log, java.util.function.BooleanSupplier ready) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                throw new AssertionError(what + " exited with " + started.exitValue() + ": " + log(log));
            }
            if (ready.getAsBoolean()) {
                return;
            }
            Shell.sleep(200);
        }
        throw new AssertionError(what + " did not answer within " + START_TIMEOUT + ": " + log(log));
    }

    /** dockerd's own configuration file (what /etc/docker/daemon.json is on a host). */
    public Path configFile() {
        return dir.resolve("daemon.json");
    }

    public Path socket() {
        return dir.resolve("docker.sock");
    }

    /** The value for DOCKER_HOST or --docker-host. */
    public String host() {
        return "unix://" + socket();
    }

    public Netns netns() {
        return netns;
    }

    /** Runs the docker CLI against this daemon. */
    public Shell.Result docker(String... args) {
        return docker(Shell.DEFAULT_TIMEOUT, args);
    }

    public Shell.Result docker(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("docker", "-H", host()));
        command.addAll(List.of(args));
        return Shell.run(timeout, null, command);
    }

    public String log() {
        return log("dockerd.log");
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        // dockerd first (it stops its containers), then containerd; the shims are containerd's
        // children (it is their subreaper): remember them now, before they are orphaned.
        List<ProcessHandle> children = new ArrayList<>(containerd.descendants().toList());
        if (process != null) {
            children.addAll(process.descendants().toList());
            stop(process);
        }
        stop(containerd);
        // None of their helpers may outlive the test.
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        Shell.run("sh", "-c", "grep -o ' " + dir + "[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l");
        deleteRecursively(dir);
        if (ownsNetns) {
            netns.close();
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir left behind is harmless, a failing close() would hide the real error
        }
    }
}
