package io.bridgewall.it.lab;

import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps trying to open a TCP connection, from a lab container or a lab namespace, until told
 * to stop: a new busybox {@code nc -w 1} every {@value #INTERVAL} s, each in the background,
 * so a dropped SYN (which only ends at the 1 s connect timeout) does not slow the loop down.
 * The loop prints {@code try N} as attempt N starts and {@code ok N} when it connected: a
 * completed handshake, the most sensitive sign that one SYN got through. Bounded three ways:
 * {@value #MAX_ATTEMPTS} attempts, busybox timeout, and the test's wait.
 */
final class ConnectLoop implements AutoCloseable {
    static final int MAX_ATTEMPTS = 3000;
    static final String INTERVAL = "0.02";
    private static final int BOUND_SECONDS = 90;
    private static final String SCRIPT = """
            %3$s -f %4$s
            i=0
            while [ $i -lt %5$d ] && [ ! -e %4$s ]; do
              i=$((i+1))
              echo "try $i"
              ( %1$s -w 1 %6$s %7$d </dev/null >/dev/null 2>&1 && echo "ok $i" ) &
              %2$s %8$s
            done
            wait
            echo done
            """;

    /** What one loop saw; attempt times are when the test read {@code try N}. */
    record Result(String label, Map<Integer, Long> attempts, List<Integer> successes, int exitCode, String stderr) {
        long firstAttempt() {
            return attempts.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        }

        long lastAttempt() {
            return attempts.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
        }

        long attemptsBetween(long fromNanos, long toNanos) {
            return attempts.values().stream().filter(t -> t >= fromNanos && t <= toNanos).count();
        }

        /** Successful attempts that started inside the window. */
        long successesBetween(long fromNanos, long toNanos) {
            return successes.stream().map(attempts::get).filter(t -> t != null && t >= fromNanos && t <= toNanos).count();
        }
    }

    private final String label;
    private final BackgroundProcess process;
    private final Runnable stop;
    private final Runnable cleanup;
    private Result result;

    private ConnectLoop(String label, BackgroundProcess process, Runnable stop, Runnable cleanup) {
        this.label = label;
        this.process = process;
        this.stop = stop;
        this.cleanup = cleanup;
    }

    /** Starts the loop inside a container; the stop flag is a file in the container's /tmp. */
    static ConnectLoop fromContainer(Lab lab, String container, String address, int port) {
        String flag = "/tmp/bw-stop-connect-loop";
        String script = String.format(SCRIPT, "/bin/nc", "/bin/sleep", "/bin/rm", flag, MAX_ATTEMPTS, address, port, INTERVAL);
        BackgroundProcess process = BackgroundProcess.start(List.of("docker", "-H", lab.docker().host(), "exec", container,
                "/bin/timeout", String.valueOf(BOUND_SECONDS), "/bin/sh", "-c", script));
        Runnable stop = () -> lab.docker().docker("exec", container, "/bin/sh", "-c", ": > " + flag).orThrow();
        return new ConnectLoop(container + " -> " + address + ":" + port, process, stop, () -> { });
    }

    /** Starts the loop in one of the lab's namespaces (never the docker host's own rules are touched). */
    static ConnectLoop fromNamespace(String role, Netns netns, String address, int port) {
        Path dir;
        try {
            dir = Files.createTempDirectory("bw-connect-loop-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path flag = dir.resolve("stop");
        String script = String.format(SCRIPT, "busybox nc", "busybox sleep", "busybox rm", flag, MAX_ATTEMPTS, address, port, INTERVAL);
        BackgroundProcess process = BackgroundProcess.start(List.of("ip", "netns", "exec", netns.name(),
                "busybox", "timeout", String.valueOf(BOUND_SECONDS), "busybox", "sh", "-c", script));
        Runnable stop = () -> {
            try {
                Files.writeString(flag, "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        Runnable cleanup = () -> Shell.run("rm", "-rf", dir.toString());
        return new ConnectLoop(role + " -> " + address + ":" + port, process, stop, cleanup);
    }

    /** Waits (bounded) until the loop has made at least {@code attempts} attempts. */
    ConnectLoop awaitAttempts(int attempts) {
        for (int i = 0; i < 200 && process.stdout().startingWith("try ").size() < attempts; i++) {
            Shell.sleep(25);
        }
        return this;
    }

    /** Tells the loop to stop, waits for its last attempts to end, and returns what it saw. */
    Result stop() {
        if (result != null) {
            return result;
        }
        int exit;
        try {
            stop.run();
        } finally {
            try {
                exit = process.awaitExit(Duration.ofSeconds(15));
            } finally {
                cleanup.run();
            }
        }
        Map<Integer, Long> attempts = new HashMap<>();
        for (TimedLines.Line line : process.stdout().startingWith("try ")) {
            attempts.put(Integer.parseInt(line.text().substring(4).strip()), line.nanos());
        }
        List<Integer> successes = process.stdout().startingWith("ok ").stream()
                .map(l -> Integer.parseInt(l.text().substring(3).strip())).sorted().toList();
        result = new Result(label, Map.copyOf(attempts), successes, exit, process.stderr());
        return result;
    }

    /** Stops the loop if the test did not get to it (a failure half-way): nothing may keep running. */
    @Override
    public void close() {
        stop();
    }
}
