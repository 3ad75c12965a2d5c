package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.docker.FakeDockerd;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.it.support.WatchProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A service may start before dockerd: watch started with no Docker socket at all says so in
 * one line, keeps running, leaves the kernel alone, and applies the policy as soon as Docker
 * answers (a FakeDockerd appearing at the socket path later, the way dockerd does).
 */
@Timeout(120)
class WatchWithoutDockerTest {
    private static final String NETWORK = "{\"Name\":\"web\",\"Id\":\"0123456789ab" + "0".repeat(52) + "\",\"Driver\":\"bridge\","
            + "\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.0.0/24\"}]},\"Options\":{}}";

    @Test
    void startsWithoutDockerAndAppliesWhenItComes() throws Exception {
        Root.require();
        Path dir = Files.createTempDirectory("bw-late-dockerd-");
        try (Netns netns = Netns.create("nodocker");
             WatchProcess watch = WatchProcess.launch(netns, "unix://" + dir.resolve("docker.sock"), dir)) {
            assertThat(watch.line("waiting for Docker", 0, Duration.ofSeconds(60))).get().asString()
                    .contains("does not exist").contains("the policy in place stays");
            Shell.sleep(500);
            assertThat(watch.isAlive()).isTrue();
            assertThat(NftRuleset.of(netns).hasTable("inet", "bridgewall")).as("nothing applied without Docker").isFalse();

            try (FakeDockerd docker = FakeDockerd.start(dir, WatchWithoutDockerTest::answer)) {
                assertThat(watch.line("reconnected to Docker", 0, Duration.ofSeconds(20))).as(watch.stderr().toString())
                        .get().asString().contains("(1 bridge network, listed again): installed in 1 transaction");
                assertThat(NftRuleset.of(netns).elements("bridgewall", "bridges")).containsExactly("br-0123456789ab");
                assertThat(watch.terminate(Duration.ofSeconds(10)).code()).isZero();
            }
        } finally {
            Shell.run("rm", "-rf", dir.toString());
        }
    }

    private static boolean answer(String line, java.nio.channels.SocketChannel out) throws Exception {
        String headers = "Content-Type: application/json\r\nApi-Version: 1.41\r\n";
        if (line.startsWith("GET /_ping")) {
            FakeDockerd.write(out, FakeDockerd.response(200, headers, "OK"));
        } else if (line.contains("/events?")) {
            FakeDockerd.write(out, "HTTP/1.1 200 OK\r\n" + headers + "Transfer-Encoding: chunked\r\n\r\n");
            Thread.sleep(120_000); // a quiet dockerd; closing the fake ends this
            return false;
        } else {
            FakeDockerd.write(out, FakeDockerd.response(200, headers, "[" + NETWORK + "]"));
        }
        return true;
    }
}
