package io.bridgewall.it.lab;

import io.bridgewall.it.support.Root;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;

import static io.bridgewall.it.lab.LabAddresses.HOST_LAN;
import static io.bridgewall.it.lab.LabAddresses.HOST_UPLINK;
import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.LAN_10;
import static io.bridgewall.it.lab.LabAddresses.LAN_172;
import static io.bridgewall.it.lab.LabAddresses.METADATA;
import static io.bridgewall.it.lab.LabAddresses.OTHER_PORT;
import static io.bridgewall.it.lab.LabAddresses.PUB;
import static io.bridgewall.it.lab.LabAddresses.PUB_OTHER;
import static io.bridgewall.it.lab.LabAddresses.SSH_PORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Documents the seed blog post's iptables ruleset in packets: where it holds (docker0 only)
 * and exactly where it falls short of bridgewall's policy. If one of these facts changes, the
 * lab or the kernel changed: read the printed matrix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedReferenceTest {
    private static final String SEED = "seed iptables";
    private Lab lab;
    private ReachabilityMatrix matrix;

    @BeforeAll
    void runMatrixUnderTheSeed() {
        Root.require();
        lab = Lab.start();
        matrix = ReachabilityMatrix.bridgewallPolicy(lab);
        Duration load = lab.apply(new SeedFirewall());
        long started = System.nanoTime();
        matrix.record(SEED, lab);
        System.out.println("lab setup " + lab.setupTime().toMillis() + " ms, seed load " + load.toMillis()
                + " ms, matrix " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms\n" + matrix.render());
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void holdsForTheDefaultBridge() {
        assertThat(seen("bridge-a -> pub " + PUB)).as("masquerade for docker0").isEqualTo(HOST_UPLINK);
        assertThat(seen("bridge-a -> pub " + PUB_OTHER)).isEqualTo(HOST_UPLINK);
        for (String lanHost : new String[] {LAN, LAN_10, LAN_172}) {
            assertThat(reached("bridge-a -> lan " + lanHost)).as("docker0 -> " + lanHost).isFalse();
        }
        assertThat(reached("bridge-a -> bridge-b (same bridge)")).as("br_netfilter + 172.16/12 drop").isFalse();
        assertThat(reached("bridge-a -> user-a (across bridges)")).isFalse();
        assertThat(reached("lan -> host:" + SSH_PORT)).isTrue();
        assertThat(reached("lan -> host:" + OTHER_PORT)).isFalse();
    }

    @Test
    void userDefinedNetworkReachesTheLanUnmasqueradedAndNotTheWorld() {
        String userA = lab.container("user-a").ip();
        for (String lanHost : new String[] {LAN, LAN_10, LAN_172, METADATA}) {
            assertThat(seen("user-a -> lan " + lanHost)).as("br-* is not docker0: " + lanHost).isEqualTo(userA);
        }
        assertThat(reached("user-a -> pub " + PUB)).as("no masquerade outside 172.17/16").isFalse();
        assertThat(reached("user-a -> user-b (same bridge)")).as("only docker0 is filtered").isTrue();
    }

    @Test
    void metadataAddressIsReachableFromTheDefaultBridge() {
        assertThat(seen("bridge-a -> lan " + METADATA)).as("169.254/16 is not in the seed's list").isEqualTo(HOST_LAN);
    }

    @Test
    void internalNetworkIsNotIsolated() {
        // with --iptables=false Docker's own --internal rules are gone and the container keeps a default route
        assertThat(seen("internal-a -> lan " + LAN)).isEqualTo(lab.container("internal-a").ip());
        assertThat(reached("internal-a -> lan " + METADATA)).isTrue();
    }

    private boolean reached(String probe) {
        return matrix.result(SEED, probe).reached();
    }

    private String seen(String probe) {
        return matrix.result(SEED, probe).peer().orElse("(no answer)");
    }
}
