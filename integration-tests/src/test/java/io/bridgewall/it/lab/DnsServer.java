package io.bridgewall.it.lab;

import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for the lab: Debian's dnsmasq in one of the lab's namespaces, on one
 * address, answering {@value #NAME} with {@value #ANSWER} and nothing else (no upstream, no
 * /etc/hosts). It runs in the foreground as a child of the test and is killed on close.
 */
final class DnsServer implements AutoCloseable {
    static final String NAME = "lab.test";
    static final String ANSWER = "198.51.100.7";
    private static final String DNSMASQ = "/usr/sbin/dnsmasq";

    private final Process process;
    private final Path dir;

    private DnsServer(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    static DnsServer start(Netns netns, String address) {
        if (!Files.isExecutable(Path.of(DNSMASQ))) {
            throw new AssertionError(DNSMASQ + " missing: apt-get install dnsmasq-base");
        }
        Path dir;
        Process process;
        try {
            dir = Files.createTempDirectory("bw-dnsmasq-");
            process = new ProcessBuilder("ip", "netns", "exec", netns.name(), DNSMASQ, "--no-daemon", "--no-resolv",
                    "--no-hosts", "--address=/" + NAME + "/" + ANSWER, "--listen-address=" + address, "--bind-interfaces",
                    "--pid-file=" + dir.resolve("dnsmasq.pid"), "--log-facility=-")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DnsServer server = new DnsServer(process, dir);
        // Bounded wait until it listens on udp and tcp 53 of its address.
        for (int i = 0; i < 50; i++) {
            if (!process.isAlive()) {
                server.close();
                throw new AssertionError("dnsmasq exited: " + server.log());
            }
            String listening = netns.exec("ss", "-Hlnut", "src", address, "sport", "= :53").stdout();
            if (listening.lines().count() >= 2) {
                return server;
            }
            Shell.sleep(100);
        }
        server.close();
        throw new AssertionError("dnsmasq does not listen on " + address + ":53 after 5 s: " + server.log());
    }

    String log() {
        try {
            return Files.readString(dir.resolve("dnsmasq.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Shell.run("rm", "-rf", dir.toString());
    }

    /** Asks for {@value #NAME} with busybox nslookup inside a container, bounded by busybox timeout. */
    static Shell.Result lookupFrom(Lab lab, String container) {
        return Shell.run(java.time.Duration.ofSeconds(20), null, List.of("docker", "-H", lab.docker().host(), "exec",
                container, "/bin/timeout", "8", "/bin/nslookup", NAME));
    }

    /** Whether a TCP connection from the container to address:port completes (nc runs echo once connected). */
    static boolean tcpConnects(Lab lab, String container, String address, int port) {
        return Shell.run(java.time.Duration.ofSeconds(20), null, List.of("docker", "-H", lab.docker().host(), "exec",
                container, "/bin/timeout", "5", "/bin/nc", "-w", "2", address, String.valueOf(port), "-e", "/bin/echo"))
                .ok();
    }
}
