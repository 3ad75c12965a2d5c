package io.bridgewall.it.lab;

import io.bridgewall.it.support.Shell;

import java.time.Duration;

/**
 * Times a bulk TCP transfer between two lab containers with busybox dd | nc, to compare what a
 * firewall design costs allowed traffic. Wall clock includes one docker exec (about 0.1 s):
 * compare runs side by side, not absolute numbers.
 */
final class BulkTransfer {
    private static final int PORT = 9000;
    private static final int TIMEOUT_SECONDS = 30;

    private BulkTransfer() {
    }

    static Duration time(Lab lab, String from, String to, int mebibytes) {
        LabContainer sink = lab.container(to);
        // busybox nc quits when its stdin ends: the sink's stdin is a sleep that outlasts the transfer
        lab.docker().docker("exec", "-d", sink.name(), "/bin/timeout", String.valueOf(TIMEOUT_SECONDS),
                "/bin/sh", "-c", "rm -f /tmp/bulk.count; sleep " + TIMEOUT_SECONDS + " | nc -l -p " + PORT + " | wc -c > /tmp/bulk.count").orThrow();
        // the listener starts asynchronously; retrying the sender is bounded by the attempts
        for (int attempt = 0; attempt < 20; attempt++) {
            long started = System.nanoTime();
            Shell.Result sent = lab.docker().docker(Duration.ofSeconds(TIMEOUT_SECONDS + 5), "exec", lab.container(from).name(),
                    "/bin/timeout", String.valueOf(TIMEOUT_SECONDS), "/bin/sh", "-c",
                    "dd if=/dev/zero bs=1048576 count=" + mebibytes + " 2>/dev/null | nc " + sink.ip() + " " + PORT);
            if (sent.ok()) {
                long received = received(lab, sink);
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                if (received != mebibytes * 1048576L) {
                    throw new AssertionError(to + " received " + received + " bytes, not " + mebibytes + " MiB: " + sent);
                }
                return took;
            }
            if (!sent.stderr().contains("refused")) {
                throw new AssertionError("bulk transfer " + from + " -> " + to + " failed: " + sent);
            }
            Shell.sleep(100);
        }
        throw new AssertionError("no listener in " + to + " after 20 attempts");
    }

    /** Waits (bounded) for the sink to finish counting: a transfer only counts once it arrived. */
    private static long received(Lab lab, LabContainer sink) {
        for (int attempt = 0; attempt < 100; attempt++) {
            String count = lab.docker().docker("exec", sink.name(), "/bin/cat", "/tmp/bulk.count").stdout().strip();
            if (!count.isEmpty()) {
                return Long.parseLong(count);
            }
            Shell.sleep(50);
        }
        return -1;
    }
}
