package io.bridgewall.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.BridgeOrigin;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.InterfaceKeys;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.SetElement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Isolation per Docker network name (the config file's isolation.networks) as the planner sees it. */
class NetworkIsolationTest {
    private static final Bridge DOCKER0 = docker("docker0", "bridge", "172.17.0.0/16");
    private static final Bridge SHOP = docker("br-shop", "shop_default", "10.20.0.0/24");
    private static final Bridge ADMIN = docker("br-admin", "admin", "10.21.0.0/24");
    private static final Bridge QUIET = docker("br-quiet", "quiet", "10.22.0.0/24").withInterContainerCommunication(false);
    private static final Bridge GIVEN = new Bridge(InterfaceName.of("br-given"), List.of(Cidr.parse("10.23.0.0/24")), true,
            false, new BridgeOrigin.Given());
    private static final List<Bridge> BRIDGES = List.of(DOCKER0, SHOP, ADMIN, QUIET, GIVEN);

    @Test
    void oneNetworkStrictUnderDockerIsolationStopsTalkingAndTheOthersGoOn() {
        Policy policy = Policy.withDefaults(BRIDGES).withNetworkIsolation(Map.of("admin", Isolation.STRICT));

        assertThat(pairs(policy)).containsExactly(pair(GIVEN), pair(SHOP));
        assertThat(policy.isolationOf(ADMIN)).isEqualTo(Isolation.STRICT);
        assertThat(policy.isolationOf(SHOP)).isEqualTo(Isolation.DOCKER);
    }

    @Test
    void strictEverywhereButOneNetworkOpensOnlyThatNetwork() {
        Policy policy = Policy.withDefaults(BRIDGES).withIsolation(Isolation.STRICT)
                .withNetworkIsolation(Map.of("shop_default", Isolation.DOCKER));

        assertThat(pairs(policy)).containsExactly(pair(SHOP));
        // A bridge given with --bridge has no network name: the policy's isolation holds.
        assertThat(policy.isolationOf(GIVEN)).isEqualTo(Isolation.STRICT);
    }

    @Test
    void dockerIsolationForANetworkStillFollowsItsEnableIccAndDocker0StaysIsolated() {
        Policy policy = Policy.withDefaults(BRIDGES).withIsolation(Isolation.STRICT)
                .withNetworkIsolation(Map.of("quiet", Isolation.DOCKER, "bridge", Isolation.DOCKER));

        assertThat(pairs(policy)).isEmpty();
    }

    @Test
    void anEntryForANetworkNotThereYetChangesNothingAndIsListed() {
        Policy without = Policy.withDefaults(BRIDGES);
        Policy with = without.withNetworkIsolation(Map.of("later", Isolation.STRICT, "shop_default", Isolation.DOCKER));

        assertThat(Planner.plan(with)).isEqualTo(Planner.plan(without));
        assertThat(with.unmatchedNetworkIsolation()).containsExactly("later");
    }

    @Test
    void theOverrideSurvivesTheOtherCopyMethods() {
        Policy policy = Policy.withDefaults(BRIDGES).withNetworkIsolation(Map.of("admin", Isolation.STRICT))
                .withIsolation(Isolation.DOCKER).withContainment(io.bridgewall.policy.Containment.off());

        assertThat(policy.networkIsolation()).containsExactly(Map.entry("admin", Isolation.STRICT));
    }

    @Test
    void aNameDockerWouldRefuseIsRefused() {
        assertThatThrownBy(() -> Policy.withDefaults(BRIDGES).withNetworkIsolation(Map.of("-bad name", Isolation.STRICT)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'-bad name': not a Docker network name");
    }

    private static Bridge docker(String bridge, String network, String subnet) {
        return new Bridge(InterfaceName.of(bridge), List.of(Cidr.parse(subnet)), true, false,
                new BridgeOrigin.Docker(network, "0123456789ab"));
    }

    private static List<SetElement> pairs(Policy policy) {
        RuleSet plan = Planner.plan(policy);
        return plan.set(Planner.ICC_PAIRS).orElseThrow().elements();
    }

    private static SetElement pair(Bridge bridge) {
        byte[] name = bridge.name().kernelBytes();
        return SetElement.single(InterfaceKeys.pairKey(name, name), bridge.origin().describe());
    }
}
