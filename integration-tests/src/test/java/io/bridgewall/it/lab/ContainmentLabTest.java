package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.HOST_UPLINK;
import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.LAN_10;
import static io.bridgewall.it.lab.LabAddresses.LAN_172;
import static io.bridgewall.it.lab.LabAddresses.METADATA;
import static io.bridgewall.it.lab.LabAddresses.PUB;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Containment with no watch running: a network Docker creates after the last apply is held by
 * the name patterns from its first packet (no LAN, no metadata, no other bridges, no connection
 * in from a routed host outside) and still reaches the public side masqueraded; the next apply
 * gives it its exact policy. Known bridges refuse unsolicited inbound too, and a bridge that is
 * not Docker's but matches the patterns is named in a warning and can be left out.
 * The LAN namespace routes everything back through the host: it stands for a routed outside host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class ContainmentLabTest {
    /**
     * A subnet outside the blocked ranges (documentation addresses, on the lab's own namespaces only),
     * so "no other bridges" and "no connections in" are the interface rules' doing, not the blocked set's.
     */
    private static final String LATE_SUBNET = "198.51.100.128/25";
    private static final String LATE_NET = "latenet";
    private static final String TABLE = "bridgewall";

    private Lab lab;
    private LabContainer late;
    private ArrivalCounter lanArrivals;

    @BeforeAll
    void startLab() {
        Root.require();
        lab = Lab.start();
        lanArrivals = ArrivalCounter.install(lab.lan(), WHO_PORT);
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private Shell.Result apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "--netns", lab.host().name(), "--docker-host", lab.docker().host()));
        args.addAll(List.of(extra));
        return Bridgewall.run(List.of(), args);
    }

    private ProbeResult probe(ProbeSource from, String address) {
        return lab.probe(from, address, WHO_PORT);
    }

    @Test
    @Order(1)
    void aNetworkCreatedAfterApplyIsContainedFromItsFirstPacket() {
        lab.resetFirewall();
        Shell.Result applied = apply();
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();

        late = lab.startOnNewNetwork("late-a", LATE_NET, LATE_SUBNET);
        ProbeSource fromLate = lab.fromContainer("late-a");
        assertThat(NftRuleset.of(lab.host()).elements(TABLE, "bridges")).doesNotContain(late.network().bridge());

        long before = lanArrivals.packets();
        for (String lanHost : List.of(LAN, LAN_10, LAN_172, METADATA)) {
            assertThat(probe(fromLate, lanHost).reached()).as("late-a -> " + lanHost).isFalse();
        }
        assertThat(lanArrivals.packets()).as("packets from the new network at the LAN: " + lanArrivals.listing())
                .isEqualTo(before);
        assertThat(probe(fromLate, lab.container("user-a").ip()).reached()).as("late-a -> user-a (other bridge)").isFalse();
        assertThat(probe(fromLate, lab.container("bridge-a").ip()).reached()).as("late-a -> bridge-a (docker0)").isFalse();
        assertThat(probe(lab.fromContainer("user-a"), late.ip()).reached()).as("user-a -> late-a").isFalse();
        assertThat(probe(lab.fromLan(), late.ip()).reached()).as("routed outside host -> late-a").isFalse();
        assertThat(probe(fromLate, PUB).peer()).as("late-a -> pub, masqueraded by interface").hasValue(HOST_UPLINK);
    }

    @Test
    @Order(2)
    void theNextApplyGivesTheNewNetworkItsExactPolicy() {
        Shell.Result applied = apply();
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();

        NftRuleset kernel = NftRuleset.of(lab.host());
        assertThat(kernel.elements(TABLE, "bridges")).contains(late.network().bridge());
        assertThat(kernel.elements(TABLE, "bridge_nets_v4")).contains(LATE_SUBNET);
        assertThat(kernel.elements(TABLE, "masquerade_nets_v4")).contains(LATE_SUBNET);
        assertThat(kernel.elements(TABLE, "contained")).containsExactly("br-*", "docker0");
        ProbeSource fromLate = lab.fromContainer("late-a");
        assertThat(probe(fromLate, LAN).reached()).isFalse();
        assertThat(probe(fromLate, PUB).peer()).hasValue(HOST_UPLINK);
        assertThat(probe(lab.fromLan(), late.ip()).reached()).isFalse();
    }

    @Test
    @Order(3)
    void knownBridgesRefuseConnectionsFromOutsideAndTheirOwnRepliesArrive() {
        for (String container : List.of("user-a", "bridge-a")) {
            assertThat(probe(lab.fromLan(), lab.container(container).ip()).reached()).as("lan -> " + container).isFalse();
            assertThat(probe(lab.fromContainer(container), PUB).peer()).as(container + " -> pub").hasValue(HOST_UPLINK);
        }
    }

    @Test
    @Order(4)
    void withContainmentOffANetworkNobodyHasNamedIsOpen() {
        // The control: the same probes can fail. Without the patterns, a new network is not contained.
        Shell.Result applied = apply("--contain", "none");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        LabContainer unknown = lab.startOnNewNetwork("late-b", "latenet2", "172.30.9.0/24");

        assertThat(probe(lab.fromLan(), unknown.ip()).reached()).as("routed outside host -> late-b").isTrue();
        assertThat(probe(lab.fromContainer("late-b"), LAN).reached()).as("late-b -> lan").isTrue();
        assertThat(probe(lab.fromLan(), late.ip()).reached()).as("a known bridge still refuses it").isFalse();
    }

    @Test
    @Order(5)
    void aBridgeThatIsNotDockersIsNamedInAWarningAndCanBeLeftOut() {
        // A VM bridge br-lan on the docker host, with a VM behind it that has the LAN as its neighbour.
        try (Netns vm = Netns.create("vm")) {
            lab.host().exec("ip", "link", "add", "br-lan", "type", "bridge").orThrow();
            lab.host().exec("ip", "link", "add", "vmport", "type", "veth", "peer", "name", "eth0", "netns", vm.name()).orThrow();
            lab.host().exec("ip", "link", "set", "vmport", "master", "br-lan", "up").orThrow();
            lab.host().exec("ip", "addr", "add", "10.77.0.1/24", "dev", "br-lan").orThrow();
            lab.host().exec("ip", "link", "set", "br-lan", "up").orThrow();
            vm.exec("ip", "addr", "add", "10.77.0.2/24", "dev", "eth0").orThrow();
            vm.exec("ip", "link", "set", "eth0", "up").orThrow();
            vm.exec("ip", "route", "add", "default", "via", "10.77.0.1").orThrow();
            ProbeSource fromVm = new ProbeSource.FromNamespace("vm", vm);

            Shell.Result contained = apply();
            assertThat(contained.exitCode()).as(contained.stderr()).isZero();
            assertThat(contained.stderr().lines().filter(l -> l.contains("br-lan")).toList()).singleElement().asString()
                    .isEqualTo("bridgewall: warning: bridge br-lan in network namespace " + lab.host().name()
                            + " matches the containment pattern br-* but no Docker network uses it: it is contained like a "
                            + "container bridge (no private destinations, no other bridges, no new connections in); if it "
                            + "is not Docker's, exclude it with --uncontain br-lan");
            assertThat(probe(fromVm, LAN).reached()).as("vm -> lan while br-lan is contained").isFalse();

            Shell.Result uncontained = apply("--uncontain", "br-lan");
            assertThat(uncontained.exitCode()).as(uncontained.stderr()).isZero();
            assertThat(uncontained.stderr()).doesNotContain("br-lan");
            assertThat(NftRuleset.of(lab.host()).elements(TABLE, "uncontained")).containsExactly("br-lan");
            assertThat(probe(fromVm, LAN).peer()).as("vm -> lan, not contained, not masqueraded").isEqualTo(Optional.of("10.77.0.2"));
            assertThat(probe(lab.fromContainer("user-a"), "10.77.0.2").reached()).as("containers still cannot reach it").isFalse();
        } finally {
            lab.host().exec("ip", "link", "del", "br-lan");
            lab.host().exec("ip", "link", "del", "vmport");
        }
    }
}
