package io.bridgewall.docker;

import static io.bridgewall.docker.FakeDockerd.response;
import static io.bridgewall.docker.FakeDockerd.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.policy.InterfaceName;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against a fake dockerd that answers well, badly, or not at all. */
@Timeout(10)
class DockerClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Time allowed beyond the timeout before we call it a hang. */
    private static final Duration SLACK = Duration.ofMillis(1500);
    private static final String PONG = response(200, "Api-Version: 1.41\r\n", "OK");
    private static final String NETWORKS = "[{\"Name\":\"web\",\"Id\":\"9c1b5e3d7a2f4b6c8d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e\","
            + "\"Driver\":\"bridge\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.1.0/24\"}]},\"Options\":{}},"
            + "{\"Name\":\"bridge\",\"Id\":\"f2de39df4171b0dc801e8002d1d999b77256983dfc63041c0f34030aa3977566\","
            + "\"Driver\":\"bridge\",\"IPAM\":{\"Config\":[{\"Subnet\":\"172.17.0.0/16\"}]},"
            + "\"Options\":{\"com.docker.network.bridge.name\":\"docker0\"}}]";

    @TempDir
    Path dir;
    private FakeDockerd fake;

    @AfterEach
    void stopFake() throws Exception {
        if (fake != null) {
            fake.close();
        }
    }

    /** A fake that answers /_ping well and the network list with {@code networks}. */
    private DockerEndpoint serving(String networks) throws Exception {
        return serve((line, out) -> {
            write(out, line.startsWith("GET /_ping") ? PONG : networks);
            return true;
        });
    }

    /** A fake that gives every request the same answer. */
    private DockerEndpoint answeringAlways(String response) throws Exception {
        return serve((line, out) -> {
            write(out, response);
            return true;
        });
    }

    private DockerEndpoint serve(FakeDockerd.Responder responder) throws Exception {
        fake = FakeDockerd.start(dir, responder);
        return fake.endpoint();
    }

    /** Discovery fails with a DockerException, and within the timeout plus slack. */
    private static AbstractThrowableAssert<?, ? extends Throwable> discoveryFails(DockerEndpoint endpoint) {
        long start = System.nanoTime();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> DockerDiscovery.discover(endpoint, TIMEOUT));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(elapsed).isLessThan(TIMEOUT.plus(SLACK));
        return assertThat(thrown).isInstanceOf(DockerException.class);
    }

    @Test
    void negotiatesTheVersionThenListsBridgeNetworksOnOneConnectionSortedByBridge() throws Exception {
        DockerEndpoint endpoint = serving(response(200, "Content-Type: application/json\r\n", NETWORKS));

        List<DockerNetwork> networks = DockerDiscovery.discover(endpoint, TIMEOUT);

        assertThat(networks).extracting(DockerNetwork::bridge)
                .containsExactly(InterfaceName.of("br-9c1b5e3d7a2f"), InterfaceName.of("docker0"));
        assertThat(fake.requests()).containsExactly("GET /_ping HTTP/1.1",
                "GET /v1.41/networks?filters=%7B%22driver%22%3A%5B%22bridge%22%5D%7D HTTP/1.1");
        assertThat(fake.connections()).isEqualTo(1);
    }

    @Test
    void tenThousandNetworksAsDockerListsThemFitTheResponseCapWithRoomToSpare() throws Exception {
        // One entry as dockerd 20.10 lists a compose network (real shape, labels included).
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < 10_000; i++) {
            String id = String.format("%012x", 0x9c1b5e3d7a2fL + i) + "4b6c8d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";
            list.append(i == 0 ? "" : ",").append("{\"Name\":\"project").append(i).append("_default\",\"Id\":\"").append(id)
                    .append("\",\"Created\":\"2026-11-29T14:43:07.364740204Z\",\"Scope\":\"local\",\"Driver\":\"bridge\","
                            + "\"EnableIPv6\":false,\"IPAM\":{\"Driver\":\"default\",\"Options\":null,\"Config\":[{\"Subnet\":"
                            + "\"10.").append(i / 256).append('.').append(i % 256).append(".0/24\",\"Gateway\":\"10.").append(i / 256)
                    .append('.').append(i % 256).append(".1\"}]},\"Internal\":false,\"Attachable\":false,\"Ingress\":false,"
                            + "\"ConfigFrom\":{\"Network\":\"\"},\"ConfigOnly\":false,\"Containers\":{},\"Options\":{},"
                            + "\"Labels\":{\"com.docker.compose.network\":\"default\",\"com.docker.compose.project\":\"project")
                    .append(i).append("\",\"com.docker.compose.version\":\"2.20.2\"}}");
        }
        String body = list.append(']').toString();
        assertThat((long) body.length()).as("list size").isLessThan(UnixHttpClient.MAX_RESPONSE / 2);
        // Parsed as the client parses a body (the socket path is the other tests'; 7 MB through the fake is slow on a busy machine).
        List<DockerNetwork> networks = DockerNetworkParser.parseList(body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "GET /networks");

        assertThat(networks).hasSize(10_000);
        assertThat(networks).extracting(DockerNetwork::bridge).contains(InterfaceName.of("br-9c1b5e3d7a2f"),
                InterfaceName.of(String.format("br-%012x", 0x9c1b5e3d7a2fL + 9_999)));
    }

    @Test
    void usesWhicheverVersionTheDaemonReports() throws Exception {
        DockerEndpoint endpoint = serve((line, out) -> {
            write(out, line.startsWith("GET /_ping") ? response(200, "Api-Version: 1.47\r\n", "OK")
                    : response(200, "", "[]"));
            return true;
        });

        assertThat(DockerDiscovery.discover(endpoint, TIMEOUT)).isEmpty();
        assertThat(fake.requests().get(1)).startsWith("GET /v1.47/networks?");
    }

    @Test
    void readsAChunkedBody() throws Exception {
        String half = NETWORKS.substring(0, 100);
        String rest = NETWORKS.substring(100);
        DockerEndpoint endpoint = serving("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(half.length()) + "\r\n" + half + "\r\n"
                + Integer.toHexString(rest.length()) + ";ext=1\r\n" + rest + "\r\n0\r\nX-Trailer: 1\r\n\r\n");

        assertThat(DockerDiscovery.discover(endpoint, TIMEOUT)).hasSize(2);
    }

    @Test
    void reconnectsWhenTheServerClosedTheKeptAliveConnection() throws Exception {
        DockerEndpoint endpoint = serve((line, out) -> {
            write(out, line.startsWith("GET /_ping") ? PONG : response(200, "", NETWORKS));
            return !line.startsWith("GET /_ping"); // hang up silently after the ping
        });

        assertThat(DockerDiscovery.discover(endpoint, TIMEOUT)).hasSize(2);
        assertThat(fake.connections()).isEqualTo(2);
    }

    @Test
    void aBodyRunningToTheEndOfTheStreamIsReadAndTheConnectionNotReused() throws Exception {
        DockerEndpoint endpoint = serve((line, out) -> {
            write(out, line.startsWith("GET /_ping") ? "HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\n\r\nOK"
                    : "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + NETWORKS);
            return false;
        });

        assertThat(DockerDiscovery.discover(endpoint, TIMEOUT)).hasSize(2);
        assertThat(fake.connections()).isEqualTo(2);
    }

    @Test
    void aMissingSocketSaysToStartDockerOrPassDockerHost() {
        Path missing = dir.resolve("x/docker.sock");

        discoveryFails(new DockerEndpoint(missing)).hasMessage("Docker is not running or the socket path is wrong: "
                + missing + " does not exist; start dockerd or pass --docker-host unix:///path");
    }

    @Test
    void aFileThatIsNotAListeningSocketIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("docker.sock"), "not a socket");

        discoveryFails(new DockerEndpoint(file)).hasMessageStartingWith("nothing accepts connections on " + file
                + " (connection refused)");
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        DockerEndpoint endpoint = serve((line, out) -> {
            Thread.sleep(30_000);
            return false;
        });

        discoveryFails(endpoint).hasMessage("Docker at " + endpoint.socket() + " did not answer within 1000 ms "
                + "(GET /_ping); check that dockerd is healthy");
    }

    @Test
    void aSlowDripAnswerStillEndsAtTheTimeout() throws Exception {
        DockerEndpoint endpoint = serve((line, out) -> {
            for (int i = 0; i < 300; i++) {
                write(out, "X");
                Thread.sleep(50);
            }
            return false;
        });

        discoveryFails(endpoint).hasMessageContaining("did not answer within 1000 ms");
    }

    @Test
    void anEndlessBodyFailsFastAtTheSizeCap() throws Exception {
        String chunk = "ffff\r\n" + "x".repeat(0xffff) + "\r\n";
        DockerEndpoint endpoint = serve((line, out) -> {
            if (line.startsWith("GET /_ping")) {
                write(out, PONG);
                return true;
            }
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 10_000; i++) { // 640 MiB at most, far past the cap: the client must stop first
                write(out, chunk);
            }
            return false;
        });

        discoveryFails(endpoint).hasMessageStartingWith("Docker's answer to GET /v1.41/networks?filters=")
                .hasMessageContaining("is larger than 16 MiB; refusing it");
    }

    @Test
    void anEndlessUnframedBodyFailsFastAtTheSizeCapToo() throws Exception {
        String block = "x".repeat(65536);
        DockerEndpoint endpoint = serve((line, out) -> {
            write(out, "HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\n\r\n");
            for (int i = 0; i < 10_000; i++) {
                write(out, block);
            }
            return false;
        });

        discoveryFails(endpoint).hasMessageContaining("GET /_ping is larger than 16 MiB; refusing it");
    }

    @Test
    void aContentLengthBeyondTheCapIsRefusedBeforeReading() throws Exception {
        DockerEndpoint endpoint = serving("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n[");

        discoveryFails(endpoint).hasMessageContaining("is larger than 16 MiB; refusing it");
    }

    @Test
    void aTruncatedBodyIsReportedAsCutOff() throws Exception {
        DockerEndpoint endpoint = serve((line, out) -> {
            write(out, line.startsWith("GET /_ping") ? PONG
                    : "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + NETWORKS.substring(0, 100));
            return !line.startsWith("GET /v");
        });

        discoveryFails(endpoint).hasMessageContaining("was cut off in 100 of 500 bytes; dockerd may have stopped, try again");
    }

    @Test
    void invalidJsonIsReportedAsMalformed() throws Exception {
        discoveryFails(serving(response(200, "", "[{\"Name\": nope}]")))
                .hasMessageContaining("is malformed or truncated JSON (Unrecognized token 'nope'");
    }

    @Test
    void aSubnetGivenAsANumberIsAWrongTypeError() throws Exception {
        discoveryFails(serving(response(200, "", NETWORKS.replace("\"10.99.1.0/24\"", "167338240"))))
                .hasMessageContaining("wrong JSON type at docker network \"web\" (id 9c1b5e3d7a2f) IPAM.Config[0] Subnet: number");
    }

    @Test
    void httpErrorsCarryTheStatusAndDockersMessage() throws Exception {
        discoveryFails(serving(response(500, "Content-Type: application/json\r\n", "{\"message\":\"database is locked\"}\n")))
                .hasMessage("Docker answered HTTP 500 to GET /v1.41/networks?filters=%7B%22driver%22%3A%5B%22bridge%22%5D%7D: "
                        + "database is locked; check dockerd's log (journalctl -u docker)");
    }

    @Test
    void aNotFoundPingSaysSoWithTheMessage() throws Exception {
        DockerEndpoint endpoint = answeringAlways(response(404, "", "{\"message\":\"page not found\"}"));

        discoveryFails(endpoint).hasMessageStartingWith("Docker answered HTTP 404 to GET /_ping: page not found;");
    }

    @Test
    void aPlainTextErrorBodyIsQuotedAsItIs() throws Exception {
        discoveryFails(serving(response(404, "", "404 page not found\n")))
                .hasMessageContaining("404 to GET /v1.41/networks").hasMessageContaining(": 404 page not found;");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz\r\nab\r\n0\r\n\r\n", "-1\r\n", "1FFFFFFFFF\r\n", "\r\n", "2\r\nabc\r\n0\r\n\r\n",
            "2\nab\r\n0\r\n\r\n", "2\r\nab0\r\n\r\n"})
    void badChunkFramingIsRefused(String chunked) throws Exception {
        DockerEndpoint endpoint = serving("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked);

        discoveryFails(endpoint).hasMessageContaining("/networks?filters=").hasMessageContaining("is not valid HTTP: ");
    }

    @Test
    void aServerThatDoesNotSpeakHttpIsNotADockerSocket() throws Exception {
        DockerEndpoint endpoint = serve((line, out) -> {
            write(out, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
            return false;
        });

        discoveryFails(endpoint).hasMessage(endpoint.socket() + " did not answer with HTTP (got 'SSH-2.0-OpenSSH_9.2p1 Debian-2'): "
                + "it is not a Docker socket; pass --docker-host unix:///path of dockerd's socket");
    }

    @Test
    void aServerThatHangsUpAtOnceSaysSo() throws Exception {
        DockerEndpoint endpoint = serve((line, out) -> false);

        discoveryFails(endpoint).hasMessageStartingWith("Docker at " + endpoint.socket()
                + " closed the connection without answering GET /_ping");
    }

    @Test
    void aPingWithoutApiVersionIsRefused() throws Exception {
        discoveryFails(answeringAlways(response(200, "", "OK"))).hasMessageContaining("answered /_ping without an Api-Version header");
    }

    @Test
    void anApiVersionThatIsNotANumberNeverReachesTheUrl() throws Exception {
        discoveryFails(answeringAlways(response(200, "Api-Version: 1.41/../../containers\r\n", "OK")))
                .hasMessageContaining("Docker reports API version '1.41/../../containers', which bridgewall does not understand");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void onlyGetRequestsAreEverSent() throws Exception {
        DockerDiscovery.discover(serving(response(200, "", NETWORKS)), TIMEOUT);

        assertThat(fake.requests()).allMatch(line -> line.startsWith("GET "));
    }
}
