package io.bridgewall.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * Watches `nft monitor` in a namespace and counts committed transactions: the kernel prints
 * "# new generation N" once per commit. Marker tables added and deleted around the watched
 * work make the count exact without sleeping: only generations between the two markers count.
 */
public final class NftMonitor implements AutoCloseable {
    private static final Duration MARKER_TIMEOUT = Duration.ofSeconds(10);
    private static final String MARKER = "bw_monitor_marker";

    private final Netns netns;
    private final Process process;
    // Appended by the reader thread, read by index by the test: O(1) appends (a copy-on-write list
    // made a 10,000-element transaction's 30,000 lines quadratic and the monitor fall behind).
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    /** Which lines are kept: all of them, or only what counting generations needs. */
    private final Predicate<String> keep;

    private NftMonitor(Netns netns, Process process, Predicate<String> keep) {
        this.netns = netns;
        this.process = process;
        this.keep = keep;
        Thread reader = new Thread(this::read, "nft-monitor-" + netns.name());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts watching; returns once the monitor has provably seen everything committed so far. */
    public static NftMonitor start(Netns netns) {
        return start(netns, line -> true);
    }

    /**
     * Like {@link #start(Netns)}, keeping only the generation lines: for counting the
     * transactions of a long run with large ones (10,000 elements print 10,000 lines each).
     */
    public static NftMonitor startCountingGenerations(Netns netns) {
        return start(netns, line -> line.startsWith("# new generation") || line.contains(MARKER));
    }

    private static NftMonitor start(Netns netns, Predicate<String> keep) {
        try {
            Process process = new ProcessBuilder("ip", "netns", "exec", netns.name(), "nft", "monitor")
                    .redirectErrorStream(true).start();
            NftMonitor monitor = new NftMonitor(netns, process, keep);
            monitor.startIndex = monitor.synchronize();
            return monitor;
        } catch (IOException e) {
            throw new AssertionError("cannot start nft monitor", e);
        }
    }

    private int startIndex;

    /**
     * The monitor subscribes some time after it starts; commits before that are not shown.
     * Add marker tables until one is reported, then delete them all in one transaction and
     * return the line index just after that transaction's generation line.
     */
    private int synchronize() {
        List<String> markers = new java.util.ArrayList<>();
        for (int attempt = 0; attempt < 50; attempt++) {
            String marker = MARKER + attempt;
            markers.add(marker);
            netns.exec("nft", "add", "table", "ip", marker).orThrow();
            if (awaitLine("add table ip " + marker, 0, Duration.ofMillis(200)) >= 0) {
                break;
            }
        }
        String deletes = String.join("\n", markers.stream().map(m -> "delete table ip " + m).toList());
        Shell.run(Shell.DEFAULT_TIMEOUT, deletes + "\n", List.of("ip", "netns", "exec", netns.name(), "nft", "-f", "-"))
                .orThrow();
        int lastDelete = awaitLine("delete table ip " + markers.get(markers.size() - 1), 0, MARKER_TIMEOUT);
        int generation = awaitLine("# new generation", lastDelete + 1, MARKER_TIMEOUT);
        if (lastDelete < 0 || generation < 0) {
            throw new AssertionError("nft monitor did not report the marker transactions: " + lines);
        }
        return generation + 1;
    }

    /** Ends watching and returns how many transactions were committed since start. */
    public int generationsSinceStart() {
        return generationsSinceStart(MARKER_TIMEOUT);
    }

    /**
     * Like {@link #generationsSinceStart()}, giving the monitor up to {@code catchUp} to print
     * what it has not printed yet (after many large transactions it runs behind).
     */
    public int generationsSinceStart(Duration catchUp) {
        String marker = MARKER + "end";
        netns.exec("nft", "add", "table", "ip", marker).orThrow();
        int end = awaitLine("add table ip " + marker, startIndex, catchUp);
        netns.exec("nft", "delete", "table", "ip", marker).orThrow();
        if (end < 0) {
            throw new AssertionError("nft monitor did not report the end marker: " + lines);
        }
        int count = 0;
        for (int i = startIndex; i < end; i++) {
            if (lines.get(i).startsWith("# new generation")) {
                count++;
            }
        }
        return count;
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Index of the first line at or after {@code from} that contains {@code text}, or -1 on timeout. */
    private int awaitLine(String text, int from, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (int i = Math.max(from, 0); i < lines.size(); i++) {
                if (lines.get(i).contains(text)) {
                    return i;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (System.nanoTime() < deadline);
        return -1;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (keep.test(line)) {
                    lines.add(line);
                }
            }
        } catch (IOException ignored) {
            // the process was stopped
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
