package io.bridgewall.policy;

import static io.bridgewall.testing.Fixtures.assertRejected;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.bridgewall.policy.HostInterfaces.HostInterface;
import io.bridgewall.policy.HostInterfaces.InterfaceAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bridges are checked against the interfaces of the namespace they are for, before anything is planned. */
class HostInterfacesTest {
    private static final BridgeOrigin.Docker EVIL = new BridgeOrigin.Docker("evil", "9c1b5e3d7a2f");

    /** A host like the lab's: lo, eth0 (a veth) on the LAN, docker0 and a user bridge. */
    private static final HostInterfaces HOST = new HostInterfaces(List.of(
            iface("lo", "", "127.0.0.1/8", "::1/128"),
            iface("eth0", "veth", "192.168.77.1/24", "2001:db8:77::1/64", "fe80::1/64"),
            iface("docker0", "bridge", "172.17.0.1/16", "fe80::42/64"),
            iface("br-0123456789ab", "bridge", "10.98.1.1/24"),
            iface("virbr0", "bridge", "10.200.0.1/24")), "in network namespace lab");

    private static HostInterface iface(String name, String kind, String... addresses) {
        return new HostInterface(name, kind, Arrays.stream(addresses).map(a -> {
            String[] parts = a.split("/");
            try {
                return new InterfaceAddress(InetAddress.getByName(parts[0]), Integer.parseInt(parts[1]));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }).toList());
    }

    private static Bridge docker(String name, String... subnets) {
        return new Bridge(InterfaceName.of(name), Arrays.stream(subnets).map(Cidr::parse).toList(), true, false, EVIL);
    }

    private static Bridge given(String name, String... subnets) {
        return new Bridge(InterfaceName.of(name), Arrays.stream(subnets).map(Cidr::parse).toList(), true, false,
                new BridgeOrigin.Given());
    }

    @Test
    void dockersOwnBridgesExistingOrNotYetAreAccepted() {
        assertThatCode(() -> HOST.check(List.of(docker("docker0", "172.17.0.0/16"),
                docker("br-0123456789ab", "10.98.1.0/24"), docker("br-ba9876543210", "10.98.2.0/24"))))
                .doesNotThrowAnyException();
    }

    @Test
    void aCustomBridgeNameIsAcceptedWhenItIsARealBridge() {
        assertThatCode(() -> HOST.check(List.of(docker("virbr0", "10.200.0.0/24")))).doesNotThrowAnyException();
    }

    @Test
    void dockerNamingAHostInterfaceAsItsBridgeIsRefused() {
        assertRejected(() -> HOST.check(List.of(docker("eth0", "10.99.0.0/24"))))
                .hasMessage("docker network \"evil\" (id 9c1b5e3d7a2f) names eth0 as its bridge, but eth0 is a veth "
                        + "interface in network namespace lab, not a bridge; remove the network (docker network rm evil) "
                        + "or recreate it with a bridge name of its own");
        assertRejected(() -> HOST.check(List.of(docker("lo", "10.99.0.0/24"))))
                .hasMessageContaining("names lo as its bridge, but lo is a device without a link kind (loopback or hardware)");
    }

    @Test
    void aDockerBridgeNameThatDoesNotExistMustBeOneDockerdWouldCreate() {
        assertRejected(() -> HOST.check(List.of(docker("wlan0", "10.99.0.0/24"))))
                .hasMessageStartingWith("docker network \"evil\" (id 9c1b5e3d7a2f) names wlan0 as its bridge, which does "
                        + "not exist in network namespace lab and is not a name dockerd gives its bridges");
        assertRejected(() -> HOST.check(List.of(docker("br-0123456789AB", "10.99.0.0/24"))))
                .hasMessageContaining("names br-0123456789AB as its bridge, which does not exist");
    }

    @Test
    void anOverriddenDockerBridgeIsStillCheckedAsDockers() {
        Bridge overridden = Bridges.overlay(List.of(docker("eth0", "10.99.0.0/24")), List.of(given("eth0", "10.99.1.0/24")))
                .get(0);

        assertRejected(() -> HOST.check(List.of(overridden))).hasMessageContaining("names eth0 as its bridge");
    }

    @Test
    void aGivenNameMayNotExistYetButMayNotBeAHostInterface() {
        assertThatCode(() -> HOST.check(List.of(given("mybridge", "10.99.0.0/24")))).doesNotThrowAnyException();
        assertRejected(() -> HOST.check(List.of(given("eth0", "10.99.0.0/24"))))
                .hasMessage("--bridge eth0: eth0 is a veth interface in network namespace lab, not a bridge; "
                        + "give the name of a bridge (ip -br link show type bridge)");
    }

    @Test
    void aSubnetHoldingAnAddressOfTheHostIsRefusedNamingBoth() {
        assertRejected(() -> HOST.check(List.of(docker("br-ba9876543210", "192.168.0.0/16"))))
                .hasMessage("subnet 192.168.0.0/16 of bridge br-ba9876543210 (docker network \"evil\" (id 9c1b5e3d7a2f)) "
                        + "contains 192.168.77.1/24 of eth0 in network namespace lab; give the bridge a subnet the host "
                        + "does not use");
        assertRejected(() -> HOST.check(List.of(given("br-x", "2001:db8:77::/48"))))
                .hasMessageContaining("contains 2001:db8:77::1/64 of eth0");
        assertRejected(() -> HOST.check(List.of(given("br-x", "127.0.0.0/8"))))
                .hasMessageContaining("contains 127.0.0.1/8 of lo");
    }

    @Test
    void aBridgesOwnGatewayAddressIsNoConflictButAnotherBridgeOfTheHostIs() {
        assertThatCode(() -> HOST.check(List.of(docker("docker0", "172.17.0.0/16"))))
                .doesNotThrowAnyException();
        // virbr0 is the host's bridge, not one of the policy's: its network belongs to the host.
        assertRejected(() -> HOST.check(List.of(given("br-x", "10.200.0.0/16"))))
                .hasMessageContaining("contains 10.200.0.1/24 of virbr0");
    }

    @Test
    void subnetsBesideTheHostsAddressesAreAccepted() {
        assertThatCode(() -> HOST.check(List.of(given("br-x", "192.168.76.0/24", "192.168.78.0/24", "2001:db8:78::/64"))))
                .doesNotThrowAnyException();
    }
}
