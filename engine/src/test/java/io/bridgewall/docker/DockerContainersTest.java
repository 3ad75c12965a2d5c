package io.bridgewall.docker;

import static io.bridgewall.docker.FakeDockerd.response;
import static io.bridgewall.docker.FakeDockerd.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.dns.ContainerDns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The container query of the DNS exception, against a fake dockerd (shapes and failures a real one does not produce). */
@Timeout(10)
class DockerContainersTest {
    private static final String PONG = response(200, "Api-Version: 1.41\r\n", "OK");
    private static final String WEB = "a".repeat(64);
    private static final String GONE = "b".repeat(64);
    private static final String API = "c".repeat(64);

    @TempDir
    Path dir;
    private FakeDockerd fake;

    @AfterEach
    void stop() throws Exception {
        if (fake != null) {
            fake.close();
        }
    }

    private List<ContainerDns> query(Map<String, String> answers) throws Exception {
        serve(answers);
        return DockerContainers.resolvConfPaths(fake.endpoint(), Duration.ofSeconds(2));
    }

    private void serve(Map<String, String> answers) throws Exception {
        fake = FakeDockerd.start(dir, (line, out) -> {
            String target = line.split(" ")[1];
            if (target.equals("/_ping")) {
                write(out, PONG);
                return true;
            }
            String body = answers.get(target.replaceFirst("^/v1\\.41", ""));
            write(out, body == null ? response(404, "", "{\"message\":\"No such container\"}") : response(200, "", body));
            return true;
        });
    }

    @Test
    void eachRunningContainersResolvConfAndDnsAreRead() throws Exception {
        List<ContainerDns> found = query(Map.of(
                "/containers/json", "[{\"Id\":\"" + WEB + "\"},{\"Id\":\"" + GONE + "\"},{\"Id\":\"" + API + "\"}]",
                "/containers/" + WEB + "/json", "{\"Name\":\"/web\",\"ResolvConfPath\":\"/var/lib/docker/containers/"
                        + WEB + "/resolv.conf\",\"HostConfig\":{\"Dns\":[]}}",
                "/containers/" + API + "/json", "{\"Name\":\"/api\",\"ResolvConfPath\":\"\",\"HostConfig\":{\"Dns\":[\"10.0.0.9\"]}}"));
        assertThat(found).containsExactly(
                new ContainerDns("web", Optional.of(Path.of("/var/lib/docker/containers/" + WEB + "/resolv.conf")), List.of()),
                new ContainerDns("api", Optional.empty(), List.of("10.0.0.9")));
        assertThat(fake.requests()).contains("GET /v1.41/containers/" + GONE + "/json HTTP/1.1");
    }

    @Test
    void theCacheInspectsOnlyContainersItHasNotSeenAndForgetsThoseNoLongerRunning() throws Exception {
        String webInspect = "{\"Name\":\"/web\",\"HostConfig\":{\"Dns\":[\"10.0.0.8\"]}}";
        serve(Map.of("/containers/" + WEB + "/json", webInspect,
                "/containers/" + API + "/json", "{\"Name\":\"/api\",\"HostConfig\":{\"Dns\":[\"10.0.0.9\"]}}"));
        DockerContainer web = new DockerContainer(WEB, "web", List.of(), List.of());
        DockerContainer api = new DockerContainer(API, "api", List.of(), List.of());
        ContainerDnsCache cache = new ContainerDnsCache();
        try (DockerClient client = DockerClient.open(fake.endpoint(), Duration.ofSeconds(2))) {
            assertThat(cache.of(List.of(web), client)).extracting(ContainerDns::name).containsExactly("web");
            assertThat(cache.of(List.of(web, api), client)).extracting(ContainerDns::name).containsExactly("web", "api");
            assertThat(cache.inspections()).as("web is not inspected again").isEqualTo(2);
            assertThat(cache.of(List.of(api), client)).extracting(ContainerDns::name).containsExactly("api");
            assertThat(cache.size()).as("web stopped: forgotten").isEqualTo(1);
            assertThat(cache.of(List.of(web, api), client)).extracting(ContainerDns::dns)
                    .containsExactly(List.of("10.0.0.8"), List.of("10.0.0.9"));
            assertThat(cache.inspections()).as("web started again: inspected again").isEqualTo(3);
        }
        assertThat(fake.requests()).filteredOn(r -> r.contains("/containers/" + WEB + "/json")).hasSize(2);
    }

    @Test
    void anIdThatIsNotHexNeverReachesARequestPath() {
        assertThatThrownBy(() -> query(Map.of("/containers/json", "[{\"Id\":\"../networks\"}]")))
                .isInstanceOf(DockerException.class).hasMessageContaining("container #0 the id '../networks', which is not a Docker id");
        assertThat(fake.requests()).noneMatch(r -> r.contains("networks"));
    }

    @Test
    void aRelativeResolvConfPathIsNotTrusted() {
        assertThatThrownBy(() -> query(Map.of("/containers/json", "[{\"Id\":\"" + WEB + "\"}]",
                "/containers/" + WEB + "/json", "{\"Name\":\"/web\",\"ResolvConfPath\":\"etc/shadow\"}")))
                .isInstanceOf(DockerException.class).hasMessageContaining("ResolvConfPath of container web is not an absolute path");
    }

    @Test
    void aDnsThatIsNotAListIsNotTrusted() {
        assertThatThrownBy(() -> query(Map.of("/containers/json", "[{\"Id\":\"" + WEB + "\"}]",
                "/containers/" + WEB + "/json", "{\"Name\":\"/web\",\"HostConfig\":{\"Dns\":\"10.0.0.9\"}}")))
                .isInstanceOf(DockerException.class).hasMessageContaining("HostConfig.Dns of container web is not a list");
    }
}
