package io.bridgewall.policy;

import static io.bridgewall.testing.Fixtures.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContainmentTest {
    @Test
    void aTrailingStarIsAPrefixAndAnythingElseAnExactName() {
        InterfacePattern wildcard = InterfacePattern.of("br-*");
        InterfacePattern exact = InterfacePattern.of("docker0");

        assertThat(wildcard.matches("br-0123456789ab")).isTrue();
        assertThat(wildcard.matches("br-")).isTrue();
        assertThat(wildcard.matches("bridge0")).isFalse();
        assertThat(exact.matches("docker0")).isTrue();
        assertThat(exact.matches("docker01")).isFalse();
        assertThat(InterfacePattern.of("br-a*").within(wildcard)).isTrue();
        assertThat(wildcard.within(InterfacePattern.of("br-a*"))).isFalse();
        assertThat(exact.within(InterfacePattern.of("dock*"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "br*x", "**", "b*r*", "", "br-\u001b*", "br lan", "abcdefghijklmno*", "br/*"})
    void refusesPatternsThatAreNoInterfaceNameOrPrefix(String pattern) {
        assertRejected(() -> InterfacePattern.of(pattern)).hasMessageContaining("interface pattern");
    }

    @Test
    void theWildcardAloneWouldHoldEveryInterface() {
        assertRejected(() -> InterfacePattern.of("*")).hasMessageContaining("matches every interface");
    }

    @Test
    void anExemptionMustBeHeldByAPattern() {
        assertRejected(() -> new Containment(Containment.DOCKER_NAMING, List.of(InterfaceName.of("eth0"))))
                .hasMessage("--uncontain eth0 has no effect: it matches no containment pattern (br-*, docker0); drop it");
        assertThat(new Containment(Containment.DOCKER_NAMING, List.of(InterfaceName.of("br-lan"))).contains("br-lan")).isFalse();
        assertThat(Containment.dockerNaming().contains("br-lan")).isTrue();
    }

    @Test
    void warnsOfBridgesThePatternsHoldThatNoDockerNetworkNames() {
        HostInterfaces host = host(iface("br-lan", "bridge"), iface("br-0123456789ab", "bridge"), iface("docker0", "bridge"),
                iface("eth0", ""), iface("br-x", "veth"), iface("br-vm", "bridge"));
        Policy policy = Policy.withDefaults(List.of(Bridge.of("br-0123456789ab", "172.18.0.0/16")))
                .withContainment(new Containment(Containment.DOCKER_NAMING, List.of(InterfaceName.of("br-vm"))));

        List<String> afterDiscovery = ContainmentCheck.warnings(policy, host, true);

        assertThat(afterDiscovery).hasSize(3);
        assertThat(afterDiscovery.get(0)).isEqualTo("bridge br-lan in network namespace t matches the containment "
                + "pattern br-* but no Docker network uses it: it is contained like a container bridge (no private "
                + "destinations, no other bridges, no new connections in); if it is not Docker's, exclude it with "
                + "--uncontain br-lan");
        assertThat(afterDiscovery.get(1)).startsWith("bridge docker0 ");
        assertThat(afterDiscovery.get(2)).startsWith("br-x in network namespace t matches the containment pattern br-* "
                + "but is a veth interface, not a bridge").endsWith("exclude it with --uncontain br-x or narrow the pattern (--contain)");
        // Without Docker (at boot) a bridge may well be Docker's; an interface that is no bridge is not.
        assertThat(ContainmentCheck.warnings(policy, host, false)).singleElement().asString().startsWith("br-x ");
    }

    @Test
    void warnsThatAnExemptionOfABridgeOfThePolicyHasNoEffect() {
        Policy policy = Policy.withDefaults(List.of(Bridge.of("br-0123456789ab", "172.18.0.0/16")))
                .withContainment(new Containment(Containment.DOCKER_NAMING, List.of(InterfaceName.of("br-0123456789ab"))));

        assertThat(ContainmentCheck.warnings(policy, host(), true)).containsExactly("--uncontain br-0123456789ab has no "
                + "effect: br-0123456789ab is a bridge of the policy, which is always contained; drop it");
        assertThat(policy.effectiveExemptions()).isEmpty();
    }

    private static HostInterfaces host(HostInterfaces.HostInterface... interfaces) {
        return new HostInterfaces(List.of(interfaces), "in network namespace t");
    }

    private static HostInterfaces.HostInterface iface(String name, String kind) {
        return new HostInterfaces.HostInterface(name, kind, List.<HostInterfaces.InterfaceAddress>of());
    }

}
