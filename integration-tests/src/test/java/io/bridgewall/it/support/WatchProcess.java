package io.bridgewall.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * `bridgewall watch` running as a whole process (the real jar), its stderr lines collected as
 * they come. Stopped with SIGTERM like a service manager does; killed on close if still alive.
 */
public final class WatchProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<String> stdout = new CopyOnWriteArrayList<>();

    private WatchProcess(Process process) {
        this.process = process;
        collect(process.getErrorStream(), stderr, "watch-stderr");
        collect(process.getInputStream(), stdout, "watch-stdout");
    }

    /**
     * Starts watch for {@code netns} against {@code dockerHost}, its lock under {@code runDir},
     * and returns once it follows Docker's events.
     */
    public static WatchProcess start(Netns netns, String dockerHost, Path runDir, String... extra) {
        WatchProcess watch = launch(netns, dockerHost, runDir, extra);
        if (watch.awaitLine("following Docker's events", 0, START_TIMEOUT) < 0) {
            watch.close();
            throw new AssertionError("watch did not start following Docker: " + watch.stderr + " " + watch.stdout);
        }
        return watch;
    }

    /** Starts watch without waiting for anything. */
    public static WatchProcess launch(Netns netns, String dockerHost, Path runDir, String... extra) {
        List<String> command = new ArrayList<>(List.of("java", "-jar", Bridgewall.jar().toString(), "watch",
                "--netns", netns.name(), "--docker-host", dockerHost));
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("BRIDGEWALL_RUN_DIR", runDir.toString());
        if (System.getProperty("watch.timing") != null) {
            builder.environment().put("BRIDGEWALL_TIMING", "1");
        }
        try {
            return new WatchProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(InputStream stream, List<String> into, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    into.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
    }

    public List<String> stderr() {
        return List.copyOf(stderr);
    }

    public List<String> stdout() {
        return List.copyOf(stdout);
    }

    public int stderrLineCount() {
        return stderr.size();
    }

    /** Index of the first stderr line at or after {@code from} containing {@code text}; -1 after the timeout. */
    public int awaitLine(String text, int from, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (int i = Math.max(0, from); i < stderr.size(); i++) {
                if (stderr.get(i).contains(text)) {
                    return i;
                }
            }
            Shell.sleep(20);
        } while (System.nanoTime() < deadline);
        return -1;
    }

    /** The first stderr line at or after {@code from} containing {@code text}. */
    public Optional<String> line(String text, int from, Duration timeout) {
        int at = awaitLine(text, from, timeout);
        return at < 0 ? Optional.empty() : Optional.of(stderr.get(at));
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** How a stop went: the exit code (-1 if it did not exit within the bound) and how long it took. */
    public record Exit(int code, Duration took) {
    }

    /** SIGTERM, then waits up to {@code bound} for the exit. */
    public Exit terminate(Duration bound) {
        long started = System.nanoTime();
        // Not Process.destroy(): it also closes our ends of the pipes, and the last lines would be lost.
        Shell.run("kill", "-TERM", Long.toString(process.pid())).orThrow();
        return awaitExit(started, bound);
    }

    /** Waits up to {@code bound} for the process to end by itself (a refused start, say). */
    public Exit awaitExit(Duration bound) {
        return awaitExit(System.nanoTime(), bound);
    }

    private Exit awaitExit(long started, Duration bound) {
        try {
            boolean exited = process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            return new Exit(exited ? process.exitValue() : -1, took);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
