package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Containment;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.Policy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which policies hold only with br_netfilter on, and the line apply refuses them with. */
class BridgeNetfilterTest {
    private static final Bridge DOCKER0 = Bridge.of("docker0", "172.17.0.0/16");
    private static final Bridge TALKING = Bridge.of("br-talk", "10.88.0.0/16");
    private static final Bridge QUIET = Bridge.of("br-quiet", "10.89.0.0/16").withInterContainerCommunication(false);

    private static Policy uncontained(Bridge... bridges) {
        return Policy.withDefaults(List.of(bridges)).withContainment(Containment.off());
    }

    @Test
    void docker0AndNetworksWithoutIccAreIsolatedOthersTalk() {
        assertThat(BridgeNetfilter.isolatedBridges(uncontained(DOCKER0, TALKING, QUIET)))
                .containsExactly("docker0", "br-quiet");
    }

    @Test
    void strictIsolationIsolatesEveryBridge() {
        assertThat(BridgeNetfilter.isolatedBridges(uncontained(TALKING).withIsolation(Isolation.STRICT)))
                .containsExactly("br-talk");
    }

    @Test
    void onlyTalkingBridgesAndNoContainmentDoNotRelyOnIt() {
        assertThat(BridgeNetfilter.reliedOnBy(uncontained(TALKING))).isFalse();
        assertThat(BridgeNetfilter.reliedOnBy(uncontained())).isFalse();
        assertThat(BridgeNetfilter.reliedOnBy(uncontained(TALKING, DOCKER0))).isTrue();
        assertThat(BridgeNetfilter.reliedOnBy(Policy.withDefaults(List.of(TALKING)))).as("contained bridges not named yet")
                .isTrue();
    }

    @Test
    void theRefusalNamesWhatWouldNotHoldAndEveryWayOn() {
        String line = BridgeNetfilter.refusal(BridgeNetfilter.State.DISABLED, uncontained(DOCKER0, QUIET),
                Optional.of("ns1"));

        assertThat(line).startsWith("not applied: net.bridge.bridge-nf-call-iptables is off in network namespace ns1, "
                        + "so containers on docker0 (and 1 more isolated bridges) would reach each other")
                .contains("--enable-br-netfilter").contains("'ip netns exec ns1 sysctl -w")
                .contains("--allow-no-br-netfilter").endsWith("nothing was changed").doesNotContain("\n");
    }

    @Test
    void aModuleNotLoadedIsToldToLoadIt() {
        String line = BridgeNetfilter.refusal(BridgeNetfilter.State.MODULE_NOT_LOADED,
                Policy.withDefaults(List.of(TALKING)), Optional.empty());

        assertThat(line).contains("br_netfilter is not loaded, so containers on bridges not named yet would reach")
                .contains("'modprobe br_netfilter'");
    }
}
