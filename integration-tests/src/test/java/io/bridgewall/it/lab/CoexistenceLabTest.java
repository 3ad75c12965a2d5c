package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.HOST_LAN;
import static io.bridgewall.it.lab.LabAddresses.HOST_UPLINK;
import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.LAN_10;
import static io.bridgewall.it.lab.LabAddresses.METADATA;
import static io.bridgewall.it.lab.LabAddresses.PUB;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A host where Docker runs its own firewall ("iptables": true, hosted CI runners): bridgewall
 * detects it, adds containment on top of Docker's rules (no LAN, no metadata, no new
 * connections in except Docker's published ports) and leaves Docker's published ports, its
 * masquerade and the host's input path working. Docker's chains are never touched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class CoexistenceLabTest {
    /** Not the host's own 8080 (a who-service listens there): docker-proxy must be able to bind it. */
    private static final int PUBLISHED = 8081;
    private static final String TABLE = "bridgewall";

    private Lab lab;
    private LabContainer published;
    private String dockerChainsBefore;

    @BeforeAll
    void startLab() {
        Root.require();
        lab = Lab.startWithDockerFirewall();
        lab.docker().docker("run", "-d", "--name", "published", "-p", PUBLISHED + ":" + WHO_PORT, BusyboxImage.NAME,
                "/bin/httpd", "-f", "-p", String.valueOf(WHO_PORT), "-h", WhoService.IMAGE_DOCROOT).orThrow();
        published = new LabContainer("published", lab.container("bridge-a").network(), lab.docker().docker("inspect", "-f",
                "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "published").orThrow().stdout().strip());
        dockerChainsBefore = dockerTables();
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void withoutBridgewallDockersOwnFirewallLetsContainersReachTheLanAndMetadata() {
        // The control: what bridgewall must change on such a host.
        assertThat(dockerChainsBefore).contains("chain DOCKER").contains("chain DOCKER-USER");
        assertThat(probe(lab.fromContainer("bridge-a"), LAN).reached()).as("bridge-a -> lan").isTrue();
        assertThat(probe(lab.fromContainer("user-a"), METADATA).reached()).as("user-a -> metadata").isTrue();
        assertThat(probe(lab.fromLan(), HOST_LAN, PUBLISHED).reached()).as("lan -> published port").isTrue();
    }

    @Test
    @Order(2)
    void applyDetectsDockersFirewallAndSaysSo() {
        Shell.Result applied = apply();
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        assertThat(applied.stdout()).contains("Docker's own firewall is on").contains("DOCKER")
                .contains("host input left alone");
        NftRuleset kernel = NftRuleset.of(lab.host());
        assertThat(kernel.chain(TABLE, "input")).as("no input chain by default in coexistence mode").isEmpty();
        assertThat(kernel.rules(TABLE, "forward").stream().map(Object::toString))
                .anyMatch(rule -> rule.contains("\"dnat\""));
        assertThat(dockerTables()).as("Docker's chains are left exactly as they were").isEqualTo(dockerChainsBefore);
    }

    @Test
    @Order(3)
    void containersAreContainedOnTopOfDockersRules() {
        for (String container : List.of("bridge-a", "user-a", "published")) {
            ProbeSource from = container.equals("published") ? new ProbeSource.FromContainer(published) : lab.fromContainer(container);
            for (String lanHost : List.of(LAN, LAN_10, METADATA)) {
                assertThat(probe(from, lanHost).reached()).as(container + " -> " + lanHost).isFalse();
            }
            assertThat(probe(from, PUB).peer()).as(container + " -> pub, masqueraded").hasValue(HOST_UPLINK);
        }
        assertThat(probe(lab.fromContainer("user-a"), lab.container("bridge-a").ip()).reached())
                .as("user-a -> bridge-a (another network)").isFalse();
        assertThat(probe(lab.fromLan(), published.ip()).reached()).as("routed lan host -> container, not published")
                .isFalse();
    }

    @Test
    @Order(4)
    void dockersPublishedPortsStillWorkBothWays() {
        ProbeResult fromLan = probe(lab.fromLan(), HOST_LAN, PUBLISHED);
        assertThat(fromLan.reached()).as("lan -> host:" + PUBLISHED + " (DNAT'd by Docker to the container): " + fromLan)
                .isTrue();
        // DNAT keeps the client's address: the container answered a private address, and the answer arrived.
        assertThat(fromLan.peer()).hasValue(LAN);
        assertThat(probe(new ProbeSource.FromNamespace("pub", lab.pub()), HOST_UPLINK, PUBLISHED).reached()).as("pub -> host:" + PUBLISHED).isTrue();
    }

    @Test
    @Order(5)
    void withCoexistenceTurnedOffPublishedPortsBreak() {
        // The control for order 4: without the DNAT exception the same probe fails.
        Shell.Result applied = apply("--docker-firewall", "off", "--no-input");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        assertThat(probe(lab.fromLan(), HOST_LAN, PUBLISHED).reached()).as("lan -> published port").isFalse();
        assertThat(apply().exitCode()).isZero();
        assertThat(probe(lab.fromLan(), HOST_LAN, PUBLISHED).reached()).as("lan -> published port, coexisting again")
                .isTrue();
    }

    private Shell.Result apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "--netns", lab.host().name(), "--docker-host", lab.docker().host()));
        args.addAll(List.of(extra));
        return Bridgewall.run(List.of(), args);
    }

    private ProbeResult probe(ProbeSource from, String address) {
        return probe(from, address, WHO_PORT);
    }

    private ProbeResult probe(ProbeSource from, String address, int port) {
        return lab.probe(from, address, port);
    }

    /** Docker's own tables as nft prints them, without counters (traffic changes those). */
    private String dockerTables() {
        StringBuilder out = new StringBuilder();
        for (String table : List.of("filter", "nat")) {
            Shell.Result listed = lab.host().exec("nft", "list", "table", "ip", table);
            out.append(listed.stdout().replaceAll("counter packets \\d+ bytes \\d+", "counter"));
        }
        return out.toString();
    }
}
