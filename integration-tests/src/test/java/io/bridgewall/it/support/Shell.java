package io.bridgewall.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs external commands for tests, always with a timeout, capturing both streams. */
public final class Shell {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Readers of the commands' output, one thread each, never the common fork-join pool: a read
     * blocks for as long as its command runs (qemu: minutes), and with test classes running in
     * parallel, blocked readers in that small pool would leave other commands' pipes unread until
     * those commands stall on a full pipe and time out.
     */
    private static final ExecutorService DRAINS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "shell-drain");
        thread.setDaemon(true);
        return thread;
    });

    private Shell() {
    }

    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Fails the test with everything needed to understand why the command did not succeed. */
        public Result orThrow() {
            if (!ok()) {
                throw new AssertionError("command failed (exit " + exitCode + "): " + String.join(" ", command)
                        + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    public static Result run(String... command) {
        return run(DEFAULT_TIMEOUT, null, List.of(command));
    }

    public static Result run(Duration timeout, String... command) {
        return run(timeout, null, List.of(command));
    }

    /** Runs the command, feeding {@code stdin} when non-null; kills it when the timeout passes. */
    public static Result run(Duration timeout, String stdin, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        try {
            Process process = builder.start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Result(List.copyOf(command), 124, out.getNow(""),
                        "timed out after " + timeout.toMillis() + " ms: " + err.getNow(""));
            }
            return new Result(List.copyOf(command), process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /** Runs a command inside a network namespace made by a test. */
    public static Result inNetns(String netns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(command));
        return run(DEFAULT_TIMEOUT, null, full);
    }

    /** Pauses a bounded polling loop; an interrupt ends the test instead of being swallowed. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, DRAINS);
    }
}
