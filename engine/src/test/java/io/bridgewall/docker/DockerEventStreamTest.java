package io.bridgewall.docker;

import static io.bridgewall.docker.FakeDockerd.response;
import static io.bridgewall.docker.FakeDockerd.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Docker's event stream read from a fake dockerd: well-formed, cut oddly, hostile, silent. */
@Timeout(10)
class DockerEventStreamTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String PONG = response(200, "Api-Version: 1.41\r\n", "OK");
    private static final String STREAM_HEAD = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";
    private static final String NETWORK_ID = "9c1b5e3d7a2f4b6c8d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";
    private static final String CREATE = "{\"Type\":\"network\",\"Action\":\"create\",\"Actor\":{\"ID\":\"" + NETWORK_ID
            + "\",\"Attributes\":{\"name\":\"web {x}\\\"}\",\"type\":\"bridge\"}},\"time\":1,\"timeNano\":1000000001}\n";
    private static final String DIE = "{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"abc\","
            + "\"Attributes\":{\"exitCode\":\"0\"}},\"timeNano\":2}\n";

    @TempDir
    Path dir;
    private FakeDockerd fake;

    @AfterEach
    void stopFake() throws Exception {
        if (fake != null) {
            fake.close();
        }
    }

    private static String chunk(String text) {
        return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + text + "\r\n";
    }

    /** A fake whose /events answer is the head followed by {@code body}, then silence until closed. */
    private DockerClient streaming(String body, boolean thenClose) throws Exception {
        fake = FakeDockerd.start(dir, (line, out) -> {
            if (line.startsWith("GET /_ping")) {
                write(out, PONG);
                return true;
            }
            if (line.contains("/events?")) {
                write(out, STREAM_HEAD + body);
                if (!thenClose) {
                    Thread.sleep(60_000); // a quiet dockerd; closing the fake ends this
                }
                return false;
            }
            write(out, response(404, "", "{\"message\":\"no such network\"}"));
            return true;
        });
        return DockerClient.open(fake.endpoint(), TIMEOUT);
    }

    @Test
    void readsEventsOneObjectAtATimeHoweverTheyAreChunked() throws Exception {
        String both = CREATE + DIE;
        int cut = CREATE.length() / 2;
        try (DockerClient client = streaming(chunk(both.substring(0, cut)) + chunk(both.substring(cut, CREATE.length() + 5))
                + chunk(both.substring(CREATE.length() + 5)) + "0\r\n\r\n", true);
             DockerEventStream events = client.events(List.of("network", "container"), List.of("create", "die"))) {
            DockerEvent create = events.next().orElseThrow();
            assertThat(create.type()).isEqualTo("network");
            assertThat(create.action()).isEqualTo("create");
            assertThat(create.actorId()).isEqualTo(NETWORK_ID);
            assertThat(create.hasHexId()).isTrue();
            assertThat(create.attribute("name")).isEqualTo("web {x}\"}"); // braces and quotes inside a string
            assertThat(create.attribute("type")).isEqualTo("bridge");
            assertThat(create.timeNano()).isEqualTo(1_000_000_001L);
            DockerEvent die = events.next().orElseThrow();
            assertThat(die.type()).isEqualTo("container");
            assertThat(die.hasHexId()).isTrue();
            assertThat(events.next()).as("dockerd ended the stream").isEmpty();
        }
        assertThat(fake.requests()).anyMatch(line -> line.startsWith("GET /v1.41/events?filters="));
    }

    @Test
    void anEventLargerThanTheBoundEndsTheStreamWithOneLine() throws Exception {
        String huge = "{\"Type\":\"network\",\"Actor\":{\"Attributes\":{\"x\":\"" + "a".repeat(DockerEventStream.MAX_EVENT) + "\"}}}";
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < huge.length(); i += 60_000) {
            chunks.append(chunk(huge.substring(i, Math.min(huge.length(), i + 60_000))));
        }
        try (DockerClient client = streaming(chunks.toString(), false);
             DockerEventStream events = client.events(List.of("network"), List.of("create"))) {
            assertThatThrownBy(events::next).isInstanceOf(DockerException.class)
                    .hasMessageContaining("an event is larger than 256 KiB").hasMessageNotContaining("\n");
        }
    }

    @Test
    void aChunkLargerThanAnyEventIsRefusedBeforeItIsRead() throws Exception {
        try (DockerClient client = streaming("7fffffff\r\n", false);
             DockerEventStream events = client.events(List.of("network"), List.of("create"))) {
            assertThatThrownBy(events::next).isInstanceOf(DockerException.class).hasMessageContaining("larger than any event");
        }
    }

    @Test
    void somethingOtherThanObjectsIsRefused() throws Exception {
        try (DockerClient client = streaming(chunk("[1,2]\n"), false);
             DockerEventStream events = client.events(List.of("network"), List.of("create"))) {
            assertThatThrownBy(events::next).isInstanceOf(DockerException.class).hasMessageContaining("other than JSON objects");
        }
    }

    @Test
    void nestingDeeperThanTheBoundIsRefused() throws Exception {
        try (DockerClient client = streaming(chunk("{\"a\":" + "[".repeat(100)), false);
             DockerEventStream events = client.events(List.of("network"), List.of("create"))) {
            assertThatThrownBy(events::next).isInstanceOf(DockerException.class).hasMessageContaining("nested deeper");
        }
    }

    @Test
    void malformedJsonInsideAnObjectIsRefusedByTheParser() throws Exception {
        try (DockerClient client = streaming(chunk("{\"Type\":\"network\",\"Type\":\"x\"}"), false);
             DockerEventStream events = client.events(List.of("network"), List.of("create"))) {
            assertThatThrownBy(events::next).isInstanceOf(DockerException.class).hasMessageContaining("malformed");
        }
    }

    @Test
    void aStreamCutInTheMiddleOfAnEventIsAnError() throws Exception {
        try (DockerClient client = streaming(chunk(CREATE.substring(0, 30)) + "0\r\n\r\n", true);
             DockerEventStream events = client.events(List.of("network"), List.of("create"))) {
            assertThatThrownBy(events::next).isInstanceOf(DockerException.class).hasMessageContaining("cut off");
        }
    }

    @Test
    void wakeUpEndsASilentWaitAtOnce() throws Exception {
        try (DockerClient client = streaming("", false);
             DockerEventStream events = client.events(List.of("network"), List.of("create"))) {
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waker = new Thread(() -> {
                try {
                    waiting.await();
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                events.wakeUp();
            });
            waker.start();
            long started = System.nanoTime();
            waiting.countDown();
            Optional<DockerEvent> next = events.next();
            assertThat(next).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            waker.join(TimeUnit.SECONDS.toMillis(2));
        }
    }

    @Test
    void anErrorAnswerToTheSubscriptionIsOneLine() throws Exception {
        fake = FakeDockerd.start(dir, (line, out) -> {
            write(out, line.startsWith("GET /_ping") ? PONG : response(500, "", "{\"message\":\"boom\"}"));
            return true;
        });
        try (DockerClient client = DockerClient.open(fake.endpoint(), TIMEOUT)) {
            assertThatThrownBy(() -> client.events(List.of("network"), List.of("create")))
                    .isInstanceOf(DockerException.class).hasMessageContaining("HTTP 500");
        }
    }

    @Test
    void inspectsOneNetworkAndKnowsWhenItIsGoneOrNotABridge() throws Exception {
        String bridge = "{\"Name\":\"web\",\"Id\":\"" + NETWORK_ID + "\",\"Driver\":\"bridge\","
                + "\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.1.0/24\"}]},\"Options\":{}}";
        fake = FakeDockerd.start(dir, (line, out) -> {
            if (line.startsWith("GET /_ping")) {
                write(out, PONG);
            } else if (line.contains("/networks/" + NETWORK_ID)) {
                write(out, response(200, "", bridge));
            } else if (line.contains("/networks/abc")) {
                write(out, response(200, "", bridge.replace("\"bridge\"", "\"macvlan\"")));
            } else {
                write(out, response(404, "", "{\"message\":\"network not found\"}"));
            }
            return true;
        });
        try (DockerClient client = DockerClient.open(fake.endpoint(), TIMEOUT)) {
            assertThat(client.network(NETWORK_ID)).get().extracting(DockerNetwork::name).isEqualTo("web");
            assertThat(client.network("abc")).isEmpty();
            assertThat(client.network("def")).isEmpty();
            assertThatThrownBy(() -> client.network("../containers/json")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
