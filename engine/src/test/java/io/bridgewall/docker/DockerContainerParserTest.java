package io.bridgewall.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.Protocol;
import io.bridgewall.policy.PublishedPort;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DockerContainerParserTest {
    private static final String ID = "382d9df2a0fb5caacfb0bb051086f0d7e90d6fb88034ad8a3cad4b8826b4c158";

    private static List<DockerContainer> parse(String json) {
        return DockerContainerParser.parseList(DockerNetworkParser.readTree(json.getBytes(StandardCharsets.UTF_8),
                "GET /containers/json"));
    }

    /** One container named web with the given JSON as its Ports. */
    private static DockerContainer withPorts(String ports) {
        return parse("[{\"Id\":\"" + ID + "\",\"Names\":[\"/web\"],\"Ports\":" + ports + "}]").get(0);
    }

    private static DockerContainer withPort(String entry) {
        return withPorts("[" + entry + "]");
    }

    private static PublishedPort port(Protocol protocol, int number, IpFamily family, String address, String owner)
            throws IOException {
        return new PublishedPort(protocol, number, family,
                address.isEmpty() ? Optional.empty() : Optional.of(InetAddress.getByName(address)), owner);
    }

    @Test
    void readsWhatDocker2010ListsForRunningContainers() throws IOException {
        // Recorded from dockerd 20.10.24 ("iptables": false): -p 8081:80 -p 127.0.0.1:8083:80
        // -p 192.168.77.9:8082:80 -p 5353:53/udp --expose 9999; and -p [::]:8084:80 -p 0.0.0.0:8085:80.
        List<DockerContainer> containers;
        try (InputStream in = getClass().getResourceAsStream("/docker/containers-20.10.json")) {
            containers = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }

        assertThat(containers).extracting(DockerContainer::name).containsExactly("web6", "web");
        assertThat(containers.get(0).publishedPorts()).containsExactly(
                port(Protocol.TCP, 8085, IpFamily.IPV4, "", "web6 (id 0a0316547f2b) port 80"),
                port(Protocol.TCP, 8084, IpFamily.IPV6, "", "web6 (id 0a0316547f2b) port 80"));
        String web = "web (id 382d9df2a0fb) port ";
        assertThat(containers.get(1).publishedPorts()).containsExactly(
                port(Protocol.UDP, 5353, IpFamily.IPV4, "", web + 53),
                port(Protocol.UDP, 5353, IpFamily.IPV6, "", web + 53),
                port(Protocol.TCP, 8082, IpFamily.IPV4, "192.168.77.9", web + 80),
                port(Protocol.TCP, 8083, IpFamily.IPV4, "127.0.0.1", web + 80),
                port(Protocol.TCP, 8081, IpFamily.IPV4, "", web + 80),
                port(Protocol.TCP, 8081, IpFamily.IPV6, "", web + 80));
        assertThat(containers.get(1).publishedPorts().get(3).loopbackOnly()).isTrue();
        assertThat(containers).allSatisfy(c -> assertThat(c.warnings()).isEmpty());
        assertThat(containers.get(1).description()).isEqualTo("container web (id 382d9df2a0fb)");
    }

    @Test
    void anEmptyHostIpMeansEveryAddressOfBothFamilies() throws IOException {
        assertThat(withPort("{\"IP\":\"\",\"PrivatePort\":80,\"PublicPort\":8081,\"Type\":\"tcp\"}").publishedPorts())
                .containsExactly(port(Protocol.TCP, 8081, IpFamily.IPV4, "", "web (id 382d9df2a0fb) port 80"),
                        port(Protocol.TCP, 8081, IpFamily.IPV6, "", "web (id 382d9df2a0fb) port 80"));
        assertThat(withPort("{\"PublicPort\":8081,\"Type\":\"udp\"}").publishedPorts()).hasSize(2);
    }

    @Test
    void aSpecificIpv6HostAddressIsKeptCompressed() {
        PublishedPort published = withPort("{\"IP\":\"fd50:0:0::1\",\"PrivatePort\":80,\"PublicPort\":8082,\"Type\":\"tcp\"}")
                .publishedPorts().get(0);

        assertThat(published.family()).isEqualTo(IpFamily.IPV6);
        assertThat(published.describe()).isEqualTo("[fd50::1]:8082/tcp");
        assertThat(published.loopbackOnly()).isFalse();
        assertThat(withPort("{\"IP\":\"::1\",\"PublicPort\":8082,\"Type\":\"tcp\"}").publishedPorts().get(0).loopbackOnly())
                .isTrue();
    }

    @Test
    void anExposedPortThatIsNotPublishedOpensNothing() {
        DockerContainer container = withPorts("[{\"PrivatePort\":9999,\"Type\":\"tcp\"},{\"PrivatePort\":80,\"PublicPort\":null,\"Type\":\"tcp\"}]");

        assertThat(container.publishedPorts()).isEmpty();
        assertThat(container.warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"IP\":\"0.0.0.0\",\"PublicPort\":0,\"Type\":\"tcp\"}",
            "{\"IP\":\"0.0.0.0\",\"PublicPort\":65536,\"Type\":\"tcp\"}",
            "{\"IP\":\"0.0.0.0\",\"PublicPort\":-80,\"Type\":\"tcp\"}",
            "{\"IP\":\"0.0.0.0\",\"PublicPort\":4294967377,\"Type\":\"tcp\"}",
            "{\"IP\":\"0.0.0.0\",\"PublicPort\":80.5,\"Type\":\"tcp\"}",
            "{\"IP\":\"0.0.0.0\",\"PublicPort\":\"8081\",\"Type\":\"tcp\"}",
            "{\"IP\":\"0.0.0.0\",\"PublicPort\":true,\"Type\":\"tcp\"}",
            "{\"IP\":\"0.0.0.0\",\"PublicPort\":8081,\"Type\":\"icmp\"}",
            "{\"IP\":\"0.0.0.0\",\"PublicPort\":8081,\"Type\":\"sctp\"}",
            "{\"IP\":\"0.0.0.0\",\"PublicPort\":8081}",
            "{\"IP\":\"0.0.0.0\",\"PublicPort\":8081,\"Type\":6}",
            "{\"IP\":\"10.0.0.0/8\",\"PublicPort\":8081,\"Type\":\"tcp\"}",
            "{\"IP\":\"fe80::1%eth0\",\"PublicPort\":8081,\"Type\":\"tcp\"}",
            "{\"IP\":\"::ffff:192.168.1.1\",\"PublicPort\":8081,\"Type\":\"tcp\"}",
            "{\"IP\":\"localhost\",\"PublicPort\":8081,\"Type\":\"tcp\"}",
            "{\"IP\":\"256.1.1.1\",\"PublicPort\":8081,\"Type\":\"tcp\"}",
            "{\"IP\":\"010.1.1.1\",\"PublicPort\":8081,\"Type\":\"tcp\"}",
            "{\"IP\":42,\"PublicPort\":8081,\"Type\":\"tcp\"}",
            "{\"IP\":\"1.2.3.4 \\u001b[2J\",\"PublicPort\":8081,\"Type\":\"tcp\"}"})
    void aPortEntryBridgewallCannotReadIsAWarningAndStaysClosed(String entry) {
        DockerContainer container = withPorts("[" + entry + ",{\"IP\":\"0.0.0.0\",\"PrivatePort\":80,\"PublicPort\":8080,\"Type\":\"tcp\"}]");

        assertThat(container.publishedPorts()).extracting(PublishedPort::port).containsExactly(8080);
        assertThat(container.warnings()).singleElement().satisfies(w -> assertThat(w)
                .startsWith("container web (id 382d9df2a0fb) publishes ")
                .endsWith("; bridgewall leaves it closed")
                .doesNotContain("\u001b"));
    }

    @Test
    void sctpIsNamedInItsWarning() {
        assertThat(withPort("{\"IP\":\"0.0.0.0\",\"PublicPort\":8081,\"Type\":\"sctp\"}").warnings().get(0))
                .contains("bridgewall does not open SCTP ports");
    }

    @Test
    void aListOfTheWrongShapeIsNotTrusted() {
        assertThatThrownBy(() -> parse("{\"Id\":\"" + ID + "\"}")).isInstanceOf(DockerException.class)
                .hasMessageContaining("container list has the wrong JSON type").hasMessageContaining("object where an array");
        assertThatThrownBy(() -> parse("[42]")).isInstanceOf(DockerException.class).hasMessageContaining("[0]");
        assertThatThrownBy(() -> withPorts("{\"80/tcp\":8081}")).isInstanceOf(DockerException.class)
                .hasMessageContaining("Ports: object where an array belongs");
        assertThatThrownBy(() -> withPorts("[\"8081\"]")).isInstanceOf(DockerException.class)
                .hasMessageContaining("Ports[0]: string where an object belongs");
        assertThatThrownBy(() -> parse("[{\"Names\":[\"/web\"]}]")).isInstanceOf(DockerException.class)
                .hasMessageContaining("lacks the Id of container #0");
        assertThatThrownBy(() -> parse("[{\"Id\":\"../../networks\"}]")).isInstanceOf(DockerException.class)
                .hasMessageContaining("is not a Docker id");
        assertThatThrownBy(() -> parse("[{\"Id\":\"" + ID + "\",\"Names\":\"/web\"}]")).isInstanceOf(DockerException.class)
                .hasMessageContaining("Names: string where an array of strings belongs");
    }

    @Test
    void namesAreShortenedAndMadePrintableAndAContainerWithoutOneIsItsShortId() {
        assertThat(parse("[{\"Id\":\"" + ID + "\",\"Names\":[\"/we\\u001b]0;b\"]}]").get(0).name()).isEqualTo("we?]0;b");
        assertThat(parse("[{\"Id\":\"" + ID + "\",\"Names\":[\"/" + "x".repeat(300) + "\"]}]").get(0).name()).hasSize(43);
        assertThat(parse("[{\"Id\":\"" + ID + "\"}]").get(0).name()).isEqualTo("382d9df2a0fb");
        assertThat(parse("[{\"Id\":\"" + ID + "\",\"Names\":[],\"Ports\":null}]").get(0).name()).isEqualTo("382d9df2a0fb");
    }
}
