package io.bridgewall.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A network namespace made for one benchmark trial with `ip netns add`, deleted after it. */
record TrialNamespace(String name) {
    /** Named from the system property bench.netns.prefix (bench/run.sh sets it), else from the pid. */
    static TrialNamespace create(String kind, int networks) throws IOException, InterruptedException {
        String prefix = System.getProperty("bench.netns.prefix", "bwjmh-" + ProcessHandle.current().pid());
        TrialNamespace namespace = new TrialNamespace(prefix + "-" + kind + networks);
        ip("netns", "add", namespace.name());
        return namespace;
    }

    void delete() throws IOException, InterruptedException {
        ip("netns", "del", name);
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed; the benchmarks need root");
        }
    }
}
