package io.bridgewall.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.BridgeOrigin;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerNetworkParserTest {
    private static List<DockerNetwork> parse(String json) {
        return DockerNetworkParser.parseList(json.getBytes(StandardCharsets.UTF_8), "GET /networks");
    }

    private static List<DockerNetwork> fixture() throws IOException {
        try (InputStream in = DockerNetworkParserTest.class.getResourceAsStream("/docker/networks-20.10.json")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** One network as Docker 20.10 lists it, with the given JSON in place of IPAM.Config and Options. */
    private static String network(String name, String config, String options) {
        return "[{\"Name\":\"" + name + "\",\"Id\":\"9c1b5e3d7a2f4b6c8d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e\","
                + "\"Driver\":\"bridge\",\"EnableIPv6\":false,\"Internal\":false,"
                + "\"IPAM\":{\"Driver\":\"default\",\"Config\":" + config + "},\"Options\":" + options + "}]";
    }

    @Test
    void theDefaultBridgeKeepsItsNamedInterfaceAndDefaults() throws IOException {
        DockerNetwork bridge = fixture().get(0);

        assertThat(bridge).isEqualTo(new DockerNetwork(
                "f2de39df4171b0dc801e8002d1d999b77256983dfc63041c0f34030aa3977566", "bridge",
                InterfaceName.of("docker0"), List.of(Cidr.parse("172.17.0.0/16")), false, false, true, true, true, List.of()));
        assertThat(bridge.toBridge()).isEqualTo(new Bridge(InterfaceName.of("docker0"),
                List.of(Cidr.parse("172.17.0.0/16")), true, false, new BridgeOrigin.Docker("bridge", "f2de39df4171")));
        assertThat(bridge.toBridge().origin().describe()).isEqualTo("docker network \"bridge\" (id f2de39df4171)");
    }

    @Test
    void aUserNetworkWithoutABridgeNameGetsBrAndTheFirstTwelveCharactersOfItsId() throws IOException {
        DockerNetwork backend = fixture().get(1);

        assertThat(backend.bridge()).isEqualTo(InterfaceName.of("br-9c1b5e3d7a2f"));
        assertThat(backend.subnets()).containsExactly(Cidr.parse("10.99.2.0/24"), Cidr.parse("fd00:99::/64"));
        assertThat(backend.enableIpv6()).isTrue();
        assertThat(backend.ipMasquerade()).isTrue();
        assertThat(backend.interContainerCommunication()).isTrue();
        assertThat(backend.defaultBridge()).isFalse();
    }

    @Test
    void anInternalNetworkIsNeverMasqueraded() throws IOException {
        DockerNetwork isolated = fixture().get(2);

        assertThat(isolated.internal()).isTrue();
        assertThat(isolated.interContainerCommunication()).isFalse();
        assertThat(isolated.toBridge().internal()).isTrue();
        assertThat(isolated.toBridge().masquerade()).isFalse();
    }

    @Test
    void theMasqueradeOptionAndACustomBridgeNameAreHonoured() throws IOException {
        DockerNetwork nomasq = fixture().get(3);

        assertThat(nomasq.bridge()).isEqualTo(InterfaceName.of("bwcustom0"));
        assertThat(nomasq.ipMasquerade()).isFalse();
        assertThat(nomasq.toBridge().masquerade()).isFalse();
        assertThat(nomasq.toBridge().internal()).isFalse();
    }

    @Test
    void optionsAcceptTheBooleanSpellingsDockerAccepts() {
        assertThat(parse(network("n", "[]", "{\"com.docker.network.bridge.enable_ip_masquerade\":\"0\"}"))
                .get(0).ipMasquerade()).isFalse();
        assertThat(parse(network("n", "[]", "{\"com.docker.network.bridge.enable_icc\":\"True\"}"))
                .get(0).interContainerCommunication()).isTrue();
        assertThatThrownBy(() -> parse(network("n", "[]", "{\"com.docker.network.bridge.enable_ip_masquerade\":\"yes\"}")))
                .isInstanceOf(DockerException.class)
                .hasMessageContaining("docker network \"n\" (id 9c1b5e3d7a2f) has option "
                        + "com.docker.network.bridge.enable_ip_masquerade=yes, which is not a boolean");
    }

    @Test
    void anUnreadableOptionIsAWarningNotAFailureAndAnUnreadableIccFailsClosed() {
        DockerNetwork icc = parse(network("n", "[{\"Subnet\":\"10.99.1.0/24\"}]",
                "{\"com.docker.network.bridge.enable_icc\":\"yes\"}")).get(0);
        DockerNetwork ipv6 = parse("[{\"Name\":\"v6\",\"Id\":\"9c1b5e3d7a2f4b6c\",\"Driver\":\"bridge\","
                + "\"EnableIPv6\":\"maybe\"}]").get(0);

        assertThat(icc.interContainerCommunication()).as("unreadable: isolated, not Docker's default").isFalse();
        assertThat(icc.toBridge().interContainerCommunication()).isFalse();
        assertThat(icc.subnets()).containsExactly(Cidr.parse("10.99.1.0/24"));
        assertThat(icc.warnings()).containsExactly("docker network \"n\" (id 9c1b5e3d7a2f) has option "
                + "com.docker.network.bridge.enable_icc=\"yes\", which is not a boolean; bridgewall keeps its containers from reaching each other");
        assertThat(ipv6.enableIpv6()).isFalse();
        assertThat(ipv6.warnings()).singleElement().asString()
                .contains("has EnableIPv6=\"maybe\", which is not true or false");
        assertThat(parse(network("n", "[]", "{\"com.docker.network.bridge.enable_icc\":\"false\"}")).get(0))
                .satisfies(n -> assertThat(n.interContainerCommunication()).isFalse())
                .satisfies(n -> assertThat(n.warnings()).isEmpty());
    }

    @Test
    void onlyTheBridgeDriverCountsAndADriverMustBeNamed() {
        assertThat(parse("[{\"Name\":\"o\",\"Id\":\"9c1b5e3d7a2f4b6c\",\"Driver\":\"overlay\"}]")).isEmpty();
        assertThatThrownBy(() -> parse("[{\"Name\":\"x\",\"Id\":\"9c1b5e3d7a2f4b6c\"}]"))
                .isInstanceOf(DockerException.class)
                .hasMessageStartingWith("Docker's network list lacks Driver in network #0");
    }

    @Test
    void aDefaultRouteAsSubnetIsRefusedNamingTheNetwork() {
        assertThatThrownBy(() -> parse(network("wide", "[{\"Subnet\":\"0.0.0.0/0\"}]", "{}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("docker network \"wide\" (id 9c1b5e3d7a2f) cannot be firewalled: subnet 0.0.0.0/0 of bridge "
                        + "br-9c1b5e3d7a2f is the default route (every address); give the network's own subnet, "
                        + "e.g. 172.17.0.0/16");
        assertThatThrownBy(() -> parse(network("wide", "[{\"Subnet\":\"::/0\"}]", "{}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("::/0 of bridge br-9c1b5e3d7a2f is the default route");
    }

    @Test
    void missingOrNullIpamAndOptionsMeanNoSubnetsAndDefaults() {
        DockerNetwork network = parse("[{\"Name\":\"bare\",\"Id\":\"9c1b5e3d7a2f4b6c\",\"Driver\":\"bridge\","
                + "\"IPAM\":{\"Config\":null},\"Options\":null}]").get(0);

        assertThat(network.subnets()).isEmpty();
        assertThat(network.ipMasquerade()).isTrue();
        assertThat(network.internal()).isFalse();
    }

    @Test
    void networksOfOtherDriversAreSkipped() {
        assertThat(parse("[{\"Name\":\"host\",\"Id\":\"abc\",\"Driver\":\"host\"}]")).isEmpty();
    }

    @Test
    void anInvalidSubnetNamesTheNetwork() {
        assertThatThrownBy(() -> parse(network("web", "[{\"Subnet\":\"10.99.1.1/24\"}]", "{}")))
                .isInstanceOf(DockerException.class)
                .hasMessage("docker network \"web\" (id 9c1b5e3d7a2f) has an invalid subnet: "
                        + "10.99.1.1/24 has host bits set; did you mean 10.99.1.0/24?");
    }

    @Test
    void aBridgeNameOverFifteenBytesNamesTheNetwork() {
        assertThatThrownBy(() -> parse(network("web", "[]", "{\"com.docker.network.bridge.name\":\"averyverylongbridge\"}")))
                .isInstanceOf(DockerException.class)
                .hasMessage("docker network \"web\" (id 9c1b5e3d7a2f) has an unusable bridge name: "
                        + "interface name 'averyverylongbridge' is 19 bytes long; Linux allows at most 15");
    }

    @Test
    void overlappingSubnetsInOneNetworkAreRefusedNamingIt() {
        assertThatThrownBy(() -> parse(network("web", "[{\"Subnet\":\"10.99.0.0/16\"},{\"Subnet\":\"10.99.1.0/24\"}]", "{}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("docker network \"web\" (id 9c1b5e3d7a2f) cannot be firewalled: ")
                .hasMessageContaining("overlapping subnets");
    }

    @Test
    void wrongJsonTypesAreErrorsNotGuesses() {
        assertThatThrownBy(() -> parse(network("web", "[{\"Subnet\":42}]", "{}")))
                .isInstanceOf(DockerException.class)
                .hasMessage("Docker's network list has the wrong JSON type at docker network \"web\" (id 9c1b5e3d7a2f) "
                        + "IPAM.Config[0] Subnet: number where a string belongs; this is not an answer bridgewall can trust");
        assertThatThrownBy(() -> parse("{\"Name\":\"x\"}")).hasMessageContaining("at the network list: object where an array belongs");
        assertThatThrownBy(() -> parse("[{\"Name\":\"x\",\"Id\":\"9c1b5e3d7a2f4b6c\",\"Driver\":\"bridge\",\"Internal\":\"yes\"}]"))
                .hasMessageContaining("Internal: string where true or false belongs");
        assertThatThrownBy(() -> parse(network("web", "{}", "{}"))).hasMessageContaining("IPAM Config: object where an array belongs");
        assertThatThrownBy(() -> parse(network("web", "[]", "[]"))).hasMessageContaining("Options: array where an object belongs");
    }

    @Test
    void aNetworkWithoutIdOrNameIsRefused() {
        assertThatThrownBy(() -> parse("[{\"Name\":\"x\",\"Driver\":\"bridge\"}]"))
                .isInstanceOf(DockerException.class)
                .hasMessageStartingWith("Docker's network list lacks Id in network #0");
    }

    @Test
    void malformedOrTruncatedJsonIsReportedAsSuch() {
        assertThatThrownBy(() -> parse("[{\"Name\":\"x\","))
                .isInstanceOf(DockerException.class)
                .hasMessageStartingWith("Docker's answer to GET /networks is malformed or truncated JSON (");
        assertThatThrownBy(() -> parse("[{\"Name\":\"x\",\"Name\":\"y\"}]"))
                .hasMessageContaining("malformed or truncated JSON (Duplicate field 'Name'");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("is empty where JSON was expected");
    }
}
