package io.bridgewall.it.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Follows a stream line by line on a daemon thread and stamps each line with
 * {@link System#nanoTime()} when it arrives: when a probe in a container printed something,
 * as seen from the test.
 */
final class TimedLines {
    /** One line and when the test read it. */
    record Line(long nanos, String text) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private TimedLines(InputStream in, String name) {
        reader = new Thread(() -> read(in), name);
        reader.setDaemon(true);
        reader.start();
    }

    static TimedLines follow(InputStream in, String name) {
        return new TimedLines(in, name);
    }

    private void read(InputStream in) {
        try (BufferedReader lineReader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lineReader.readLine(); line != null; line = lineReader.readLine()) {
                lines.add(new Line(System.nanoTime(), line));
            }
        } catch (IOException ignored) {
            // the process ended or was stopped: what was read so far is the result
        }
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Lines starting with {@code prefix}, in arrival order. */
    List<Line> startingWith(String prefix) {
        return lines.stream().filter(l -> l.text().startsWith(prefix)).toList();
    }

    String text() {
        return String.join("\n", lines.stream().map(Line::text).toList());
    }

    /** Waits (bounded) until the stream has ended and every line is in. */
    void awaitEnd(long millis) {
        try {
            reader.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
