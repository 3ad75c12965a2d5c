package io.bridgewall.it;

import io.bridgewall.docker.FakeDockerd;
import io.bridgewall.it.support.DockerDaemon;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.it.support.WatchProcess;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Event-to-kernel latency of `bridgewall watch`, as the running process measures it and logs
 * it (from reading the event off Docker's socket to the kernel's answer to the commit,
 * inspecting the network included), for one network added and one removed, at 1, 100 and
 * 10,000 existing networks. 1 and 100 against a real dockerd; 10,000 against FakeDockerd
 * (dockerd's default address pools cannot hold 10,000 networks, and creating them takes hours),
 * which serves the list, the event stream and each network's inspection. Lone events: each
 * comes more than the burst memory after the one before. bench/WATCH.md has the figures.
 */
@Tag("measurement")
class WatchLatencyMeasurement {
    private static final int SAMPLES = Integer.getInteger("watch.samples", 20);
    private static final Duration APART = Duration.ofMillis(1300);
    private static final Pattern TOOK = Pattern.compile(", ([0-9.]+) ms( \\[.*\\])?$");

    @Test
    void realDockerdWithOneAndOneHundredNetworks() throws IOException {
        Root.require();
        try (DockerDaemon docker = DockerDaemon.startInNewNamespace("wlat")) {
            Path runDir = Files.createTempDirectory("bw-watch-run-");
            try {
                // docker0 is the one network at size 1.
                measureRealDockerd(docker, runDir, 1);
                for (int i = 1; i < 100; i++) {
                    docker.docker("network", "create", "--subnet", "10.126." + i + ".0/24", "pre" + i).orThrow();
                }
                measureRealDockerd(docker, runDir, 100);
            } finally {
                Shell.run("rm", "-rf", runDir.toString());
            }
        }
    }

    private void measureRealDockerd(DockerDaemon docker, Path runDir, int existing) {
        List<Double> created = new ArrayList<>();
        List<Double> destroyed = new ArrayList<>();
        try (WatchProcess watch = WatchProcess.start(docker.netns(), docker.host(), runDir)) {
            for (int i = 0; i < SAMPLES; i++) {
                Shell.sleep(APART.toMillis());
                int from = watch.stderrLineCount();
                String id = docker.docker("network", "create", "--subnet", "10.127." + i + ".0/24", "lat" + i).orThrow()
                        .stdout().strip();
                created.add(took(watch, "network create br-" + id.substring(0, 12), from));
                Shell.sleep(APART.toMillis());
                from = watch.stderrLineCount();
                docker.docker("network", "rm", "lat" + i).orThrow();
                destroyed.add(took(watch, "network destroy br-" + id.substring(0, 12), from));
            }
            watch.terminate(Duration.ofSeconds(10));
        }
        report("real dockerd, " + existing + " networks", created, destroyed);
    }

    @Test
    void fakeDockerdWithTenThousandNetworks() throws Exception {
        Root.require();
        int existing = 10_000;
        Map<String, String> networks = new ConcurrentHashMap<>();
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < existing; i++) {
            String id = dockerId(0x10000L + i);
            String json = network(id, "net" + i, "10." + (i / 256 % 256 + 1) + "." + (i % 256) + ".0/24");
            networks.put(id, json);
            list.append(i == 0 ? "" : ",").append(json);
        }
        String listBody = list.append("]").toString();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Path dir = Files.createTempDirectory("bw-fake-dockerd-");
        Path runDir = Files.createTempDirectory("bw-watch-run-");
        List<Double> created = new ArrayList<>();
        List<Double> destroyed = new ArrayList<>();
        try (Netns netns = Netns.create("wlat10k");
             FakeDockerd fake = FakeDockerd.start(dir, (line, out) -> answer(line, out, listBody, networks, events))) {
            try (WatchProcess watch = WatchProcess.start(netns, fake.endpoint().toString(), runDir)) {
                for (int i = 0; i < SAMPLES; i++) {
                    String id = dockerId(0xf0000L + i);
                    Shell.sleep(APART.toMillis());
                    int from = watch.stderrLineCount();
                    networks.put(id, network(id, "lat" + i, "10.200." + i + ".0/24"));
                    events.add(event(id, "lat" + i, "create"));
                    created.add(took(watch, "network create br-" + id.substring(0, 12), from));
                    Shell.sleep(APART.toMillis());
                    from = watch.stderrLineCount();
                    networks.remove(id);
                    events.add(event(id, "lat" + i, "destroy"));
                    destroyed.add(took(watch, "network destroy br-" + id.substring(0, 12), from));
                }
                watch.terminate(Duration.ofSeconds(10));
                watch.stderr().stream().filter(l -> l.contains(" [")).reduce((a, b) -> b).ifPresent(System.out::println);
            }
        } finally {
            Shell.run("rm", "-rf", dir.toString(), runDir.toString());
        }
        report("FakeDockerd, 10,000 networks", created, destroyed);
    }

    private static boolean answer(String line, SocketChannel out, String listBody, Map<String, String> networks,
                                  BlockingQueue<String> events) throws Exception {
        String json = "Content-Type: application/json\r\nApi-Version: 1.41\r\n";
        if (line.startsWith("GET /_ping")) {
            FakeDockerd.write(out, FakeDockerd.response(200, "Api-Version: 1.41\r\n", "OK"));
        } else if (line.contains("/events?")) {
            FakeDockerd.write(out, "HTTP/1.1 200 OK\r\n" + json + "Transfer-Encoding: chunked\r\n\r\n");
            while (true) {
                String event = events.poll(100, TimeUnit.MILLISECONDS);
                if (event != null) {
                    FakeDockerd.write(out, Integer.toHexString(event.getBytes(StandardCharsets.UTF_8).length) + "\r\n"
                            + event + "\r\n");
                } else if (!out.isOpen()) {
                    return false;
                }
            }
        } else if (line.contains("/networks?")) {
            FakeDockerd.write(out, FakeDockerd.response(200, json, listBody));
        } else {
            Matcher id = Pattern.compile("/networks/([0-9a-f]+) ").matcher(line);
            String body = id.find() ? networks.get(id.group(1)) : null;
            FakeDockerd.write(out, body != null ? FakeDockerd.response(200, json, body)
                    : FakeDockerd.response(404, json, "{\"message\":\"network not found\"}"));
        }
        return true;
    }

    /** Docker names a bridge after the first 12 hex digits of the id: they must differ. */
    private static String dockerId(long n) {
        return String.format(Locale.ROOT, "%012x", n) + "0".repeat(52);
    }

    private static String network(String id, String name, String subnet) {
        return "{\"Name\":\"" + name + "\",\"Id\":\"" + id + "\",\"Driver\":\"bridge\",\"Internal\":false,"
                + "\"IPAM\":{\"Config\":[{\"Subnet\":\"" + subnet + "\"}]},\"Options\":{}}";
    }

    private static String event(String id, String name, String action) {
        return "{\"Type\":\"network\",\"Action\":\"" + action + "\",\"Actor\":{\"ID\":\"" + id + "\",\"Attributes\":"
                + "{\"name\":\"" + name + "\",\"type\":\"bridge\"}},\"timeNano\":" + System.currentTimeMillis() * 1_000_000L
                + "}\n";
    }

    private static double took(WatchProcess watch, String what, int from) {
        String line = watch.line(what, from, Duration.ofSeconds(30))
                .orElseThrow(() -> new AssertionError("no line for " + what + ": " + watch.stderr()));
        Matcher m = TOOK.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no time in " + line);
        }
        return Double.parseDouble(m.group(1));
    }

    private static void report(String setup, List<Double> created, List<Double> destroyed) {
        System.out.printf(Locale.ROOT, "watch latency, %s: network create median %.1f ms, p90 %.1f ms; network destroy "
                        + "median %.1f ms, p90 %.1f ms (%d samples each; all create: %s)%n", setup, percentile(created, 50),
                percentile(created, 90), percentile(destroyed, 50), percentile(destroyed, 90), created.size(), created);
    }

    private static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
