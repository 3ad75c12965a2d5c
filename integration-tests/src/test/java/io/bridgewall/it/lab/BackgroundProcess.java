package io.bridgewall.it.lab;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command that runs alongside the test (a probe loop in a container, a client of a long-lived
 * connection), its output followed line by line with arrival times. The command itself must
 * be bounded (busybox timeout); {@link #awaitExit} bounds the wait on the test's side too.
 */
final class BackgroundProcess {
    private final List<String> command;
    private final Process process;
    private final TimedLines stdout;
    private final TimedLines stderr;

    private BackgroundProcess(List<String> command, Process process) {
        this.command = List.copyOf(command);
        this.process = process;
        String name = command.get(command.size() - 1);
        this.stdout = TimedLines.follow(process.getInputStream(), "out-" + name);
        this.stderr = TimedLines.follow(process.getErrorStream(), "err-" + name);
    }

    static BackgroundProcess start(List<String> command) {
        try {
            return new BackgroundProcess(command, new ProcessBuilder(command).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    TimedLines stdout() {
        return stdout;
    }

    String stderr() {
        return stderr.text();
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Waits for the command to end; kills it (and its children) when it does not in time. Returns the exit code, 124 when killed. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return 124;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + command, e);
        }
        stdout.awaitEnd(2000);
        stderr.awaitEnd(2000);
        return process.exitValue();
    }

    @Override
    public String toString() {
        return String.join(" ", command);
    }
}
