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
 * its own data root, exec root and socket, and Docker's own firewalling off. Started through
 * nsenter, not `ip netns exec`, which remounts /sys and breaks dockerd's cgroup detection.
 */
public final class DockerDaemon implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Netns netns;
    private final Path dir;
    private final Process process;
    private boolean ownsNetns;

    private DockerDaemon(Netns netns, Path dir, Process process) {
        this.netns = netns;
        this.dir = dir;
        this.process = process;
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
        Path dir;
        try {
            dir = Files.createTempDirectory("bw-dockerd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + netns.path(), "dockerd",
                "--iptables=false", "--ip6tables=false",
                "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("dockerd.pid").toString(),
                "-H", "unix://" + dir.resolve("docker.sock")));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("dockerd.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dockerd (apt-get install docker.io)", e);
        }
        DockerDaemon daemon = new DockerDaemon(netns, dir, process);
        try {
            daemon.awaitReady();
        } catch (RuntimeException | Error e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("dockerd exited with " + process.exitValue() + ": " + log());
            }
            if (Files.exists(socket()) && docker("version", "--format", "{{.Server.APIVersion}}").ok()) {
                return;
            }
            Shell.sleep(200);
        }
        throw new AssertionError("dockerd did not answer within " + START_TIMEOUT + ": " + log());
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
        try {
            return Files.readString(dir.resolve("dockerd.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        // Remember containerd and the shims now: once dockerd is gone they are no longer its descendants.
        List<ProcessHandle> children = process.descendants().toList();
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
        // None of dockerd's helpers may outlive the test.
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        Shell.run("sh", "-c", "grep -o ' " + dir + "[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l");
        deleteRecursively(dir);
        if (ownsNetns) {
            netns.close();
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
