package io.bridgewall.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;

/**
 * With -v/--verbose, or BRIDGEWALL_TIMING=1 in the environment, prints to stderr how long each
 * phase of a command took (and, with the variable, at exit how long the JVM took to reach
 * main); otherwise does nothing. For finding where a short-lived run spends its time
 * (bench/README.md).
 */
final class Timing {
    private static final long MAIN_WALL_MS = System.currentTimeMillis();
    /** Where the lines go; null when timing is off. */
    private static volatile PrintWriter sink =
            System.getenv("BRIDGEWALL_TIMING") != null ? new PrintWriter(System.err, true) : null;
    private static long last = System.nanoTime();

    private Timing() {
    }

    /** Call first thing in main: starts the clock. */
    static void start() {
        mark("main");
    }

    /** Prints to {@code err} until {@link #restore} is called with what this returned (-v). */
    static PrintWriter printTo(PrintWriter err) {
        PrintWriter previous = sink;
        sink = err;
        return previous;
    }

    static void restore(PrintWriter previous) {
        sink = previous;
    }

    static void mark(String phase) {
        long now = System.nanoTime();
        PrintWriter target = sink;
        if (target != null) {
            target.printf("bridgewall timing: %-26s %7.1f ms%n", phase, (now - last) / 1e6);
            target.flush();
        }
        // Kept while off too, so a phase is measured from the previous mark whenever it is printed.
        last = System.nanoTime();
    }

    /** Call last: JVM start to main, measured at the end so JMX loads after everything else. */
    static void end() {
        PrintWriter target = sink;
        if (target != null) {
            mark("exit");
            long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
            target.printf("bridgewall timing: %-26s %7d ms%n", "(JVM start to main)", MAIN_WALL_MS - jvmStart);
            target.flush();
        }
    }
}
