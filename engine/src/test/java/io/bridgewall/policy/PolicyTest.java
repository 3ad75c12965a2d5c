package io.bridgewall.policy;

import static io.bridgewall.testing.Fixtures.assertRejected;
import static io.bridgewall.testing.Fixtures.bridge;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyTest {
    @Test
    void defaultBlockedRangesArePrivateLinkLocalAndCarrierGradeNat() {
        assertThat(Policy.DEFAULT_BLOCKED).extracting(Cidr::toString).containsExactlyInAnyOrder(
                "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10",
                "fc00::/7", "fe80::/10");
    }

    @Test
    void defaultHostInputIsManagedWithSsh() {
        Policy policy = Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16")));

        assertThat(policy.blockedDestinations()).isEqualTo(Policy.DEFAULT_BLOCKED);
        assertThat(policy.hostInput().managed()).isTrue();
        assertThat(policy.hostInput().allowedPorts()).containsExactly(new Port(22, Protocol.TCP));
    }

    @Test
    void hostInputPortsAreSortedAndUnique() {
        HostInput input = new HostInput(true, List.of(Port.parse("53/udp"), Port.parse("443"), Port.parse("22"),
                Port.parse("443/tcp")));

        assertThat(input.allowedPorts()).extracting(Port::toString).containsExactly("22/tcp", "443/tcp", "53/udp");
    }

    @Test
    void acceptsAPolicyWithoutBridges() {
        assertThat(Policy.withDefaults(List.of()).bridges()).isEmpty();
    }

    @Test
    void rejectsTheSameBridgeTwice() {
        assertRejected(() -> Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"),
                Bridge.of("docker0", "172.18.0.0/16"))))
                .hasMessage("bridge docker0 is given twice; give each bridge once");
    }

    @Test
    void rejectsOverlappingSubnetsAcrossBridges() {
        assertRejected(() -> Policy.withDefaults(List.of(Bridge.of("br-a", "172.18.0.0/16"),
                Bridge.of("br-b", "172.18.5.0/24"))))
                .hasMessage("subnet 172.18.5.0/24 of bridge br-b overlaps 172.18.0.0/16 of bridge br-a; "
                        + "each bridge needs its own subnet");
    }

    @Test
    void rejectsOverlappingIpv6SubnetsAcrossBridges() {
        assertRejected(() -> Policy.withDefaults(List.of(Bridge.of("br-a", "10.1.0.0/16", "fd00::/48"),
                Bridge.of("br-b", "10.2.0.0/16", "fd00:0:0:1::/64"))))
                .hasMessageContaining("fd00:0:0:1::/64 of bridge br-b overlaps fd00::/48 of bridge br-a");
    }

    @Test
    void rejectsNestedNetworksWhereTheOverlappingPairIsNotAdjacent() {
        // a's /8 holds both b's and c's /16: a and c overlap although b sorts between them.
        List<Bridge> bridges = List.of(Bridge.of("c", "10.2.0.0/16"), Bridge.of("a", "10.0.0.0/8"),
                Bridge.of("b", "10.1.0.0/16"));

        assertRejected(() -> Policy.withDefaults(bridges))
                .hasMessage("subnet 10.1.0.0/16 of bridge b overlaps 10.0.0.0/8 of bridge a; each bridge needs its own subnet");
    }

    @Test
    void rejectsAnOverlapBetweenBridgesFarApartInTheList() {
        List<Bridge> bridges = List.of(Bridge.of("a", "10.0.0.0/8", "192.168.0.0/24"),
                Bridge.of("b", "9.0.0.0/8"), Bridge.of("c", "192.168.1.0/24"), Bridge.of("d", "10.200.0.0/24"));

        assertRejected(() -> Policy.withDefaults(bridges))
                .hasMessage("subnet 10.200.0.0/24 of bridge d overlaps 10.0.0.0/8 of bridge a; each bridge needs its own subnet");
    }

    @Test
    void acceptsAdjacentSubnetsOfDifferentBridges() {
        Policy policy = Policy.withDefaults(List.of(Bridge.of("a", "172.17.0.0/16"), Bridge.of("b", "172.18.0.0/16"),
                Bridge.of("c", "172.16.0.0/16")));

        assertThat(policy.bridges()).hasSize(3);
    }

    @Test
    void rejectsOverlappingSubnetsWithinOneBridge() {
        assertRejected(() -> Bridge.of("docker0", "172.17.0.0/16", "172.17.1.0/24"))
                .hasMessage("bridge docker0 lists overlapping subnets 172.17.0.0/16 and 172.17.1.0/24; give each subnet once");
    }

    @Test
    void rejectsABridgeWithoutName() {
        assertRejected(() -> new Bridge(null, List.of(), true, false, new BridgeOrigin.Given())).hasMessage("bridge has no interface name");
    }

    @Test
    void bridgeSplitsItsSubnetsByFamily() {
        Bridge docker0 = bridge("docker0", true, false, null, "172.17.0.0/16", "fd00:d0c::/64");

        assertThat(docker0.origin().describe()).isEmpty();
        assertThat(docker0.subnets(IpFamily.IPV4)).extracting(Cidr::toString).containsExactly("172.17.0.0/16");
        assertThat(docker0.subnets(IpFamily.IPV6)).extracting(Cidr::toString).containsExactly("fd00:d0c::/64");
    }

    @Test
    void rejectsDefaultRoutesAsBridgeSubnets() {
        assertRejected(() -> Bridge.of("docker0", "0.0.0.0/0"))
                .hasMessage("subnet 0.0.0.0/0 of bridge docker0 is the default route (every address); "
                        + "give the network's own subnet, e.g. 172.17.0.0/16");
        assertRejected(() -> Bridge.of("docker0", "172.17.0.0/16", "::/0"))
                .hasMessageStartingWith("subnet ::/0 of bridge docker0 is the default route");
    }

    @Test
    void rejectsSubnetsWiderThanAnyContainerNetwork() {
        assertRejected(() -> Bridge.of("br-x", "8.0.0.0/7"))
                .hasMessage("subnet 8.0.0.0/7 of bridge br-x is wider than /8, more than any container network needs; "
                        + "give the network's own subnet");
        assertRejected(() -> Bridge.of("br-x", "2000::/3")).hasMessageContaining("is wider than /32");
        assertThat(Bridge.of("br-x", "10.0.0.0/8", "2001:db8::/32").subnets()).hasSize(2);
    }

    @Test
    void anOverrideReplacesOnlyTheSubnetsAndKeepsDockersFlags() {
        BridgeOrigin.Docker docker = new BridgeOrigin.Docker("backend", "9c1b5e3d7a2f");
        Bridge internal = new Bridge(InterfaceName.of("br-9c1b5e3d7a2f"), List.of(Cidr.parse("10.99.3.0/24")),
                false, true, docker);
        Bridge given = new Bridge(InterfaceName.of("br-9c1b5e3d7a2f"), List.of(Cidr.parse("10.99.4.0/24")),
                true, false, new BridgeOrigin.Given());

        Bridge overridden = Bridges.overlay(List.of(internal), List.of(given)).get(0);

        assertThat(overridden.subnets()).containsExactly(Cidr.parse("10.99.4.0/24"));
        assertThat(overridden.internal()).as("internal, as Docker says").isTrue();
        assertThat(overridden.masquerade()).as("an internal network is never masqueraded").isFalse();
        assertThat(overridden.origin().describe()).isEqualTo("docker network \"backend\" (id 9c1b5e3d7a2f), "
                + "subnets given with --bridge (Docker has 10.99.3.0/24)");
    }

    @Test
    void overlayKeepsDiscoveredBridgesAndAddsNewOnesAfterThem() {
        Bridge discovered = new Bridge(InterfaceName.of("docker0"), List.of(Cidr.parse("172.17.0.0/16")), false, false,
                new BridgeOrigin.Docker("bridge", "f2de39df4171"));
        Bridge added = new Bridge(InterfaceName.of("br-extra"), List.of(Cidr.parse("10.5.0.0/24")), true, false,
                new BridgeOrigin.Given());

        assertThat(Bridges.overlay(List.of(discovered), List.of(added))).containsExactly(discovered, added);
        assertRejected(() -> Bridges.overlay(List.of(discovered), List.of(Bridge.of("docker0", "10.1.0.0/24"),
                Bridge.of("docker0", "10.2.0.0/24")))).hasMessage("bridge docker0 is given twice; give each bridge once");
    }

    @Test
    void whetherContainersTalkOnABridgeIsWhatTheListOfTalkingBridgesSays() {
        Bridge docker0 = Bridge.of("docker0", "172.17.0.0/16");
        Bridge talking = Bridge.of("br-talk", "10.88.0.0/16");
        Bridge quiet = Bridge.of("br-quiet", "10.89.0.0/16").withInterContainerCommunication(false);
        Bridge strictNetwork = new Bridge(InterfaceName.of("br-9c1b5e3d7a2f"), List.of(Cidr.parse("10.90.0.0/16")),
                true, false, new BridgeOrigin.Docker("backend", "9c1b5e3d7a2f"));
        Policy policy = Policy.withDefaults(List.of(docker0, talking, quiet, strictNetwork))
                .withNetworkIsolation(java.util.Map.of("backend", Isolation.STRICT));

        for (Policy each : List.of(policy, policy.withIsolation(Isolation.STRICT))) {
            assertThat(each.bridges()).allSatisfy(bridge -> assertThat(each.containersTalkOn(bridge)).as(bridge.name().value())
                    .isEqualTo(each.interContainerBridges().contains(bridge)));
        }
        assertThat(policy.interContainerBridges()).containsExactly(talking);
    }

    @Test
    void rejectsMissingHostInput() {
        assertRejected(() -> new Policy(List.of(), List.of(), null)).hasMessage("host input policy is missing");
    }
}
