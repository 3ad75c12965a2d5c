package io.bridgewall.cli;

import java.lang.management.ManagementFactory;

/**
 * With BRIDGEWALL_TIMING=1 in the environment, prints to stderr how long each phase of a
 * command took, and at exit how long the JVM took to reach main; otherwise does nothing.
 * For finding where a short-lived run spends its time (bench/README.md).
 */
final class Timing {
    private static final boolean ENABLED = System.getenv("BRIDGEWALL_TIMING") != null;
    private static final long MAIN_WALL_MS = System.currentTimeMillis();
    private static long last = System.nanoTime();

    private Timing() {
    }

    /** Call first thing in main: starts the clock. */
    static void start() {
        mark("main");
    }

    static void mark(String phase) {
        if (!ENABLED) {
            return;
        }
        long now = System.nanoTime();
        System.err.printf("bridgewall timing: %-26s %7.1f ms%n", phase, (now - last) / 1e6);
        last = System.nanoTime();
    }

    /** Call last: JVM start to main, measured at the end so JMX loads after everything else. */
    static void end() {
        if (ENABLED) {
            mark("exit");
            long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
            System.err.printf("bridgewall timing: %-26s %7d ms%n", "(JVM start to main)", MAIN_WALL_MS - jvmStart);
        }
    }
}
