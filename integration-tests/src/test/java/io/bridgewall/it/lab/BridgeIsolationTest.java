package io.bridgewall.it.lab;

import io.bridgewall.it.support.Root;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;

import static io.bridgewall.it.lab.LabAddresses.HOST_UPLINK;
import static io.bridgewall.it.lab.LabAddresses.PUB;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two ways to stop container-to-container traffic on one bridge, measured on this kernel:
 * br_netfilter (bridged IPv4 frames pass the inet forward hook with iifname = the bridge) and
 * an nftables bridge-family table matching port names. (What each costs allowed bridged
 * traffic is a measurement, not a test: {@link BridgeIsolationCostMeasurement}, run by bench/run.sh.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BridgeIsolationTest {
    /** Drops frames between two veth ports of any bridge; needs no br_netfilter, no ct. */
    static final String BRIDGE_TABLE = """
            table bridge bw_iso {
              chain forward { type filter hook forward priority 0; policy accept;
                iifname "veth*" oifname "veth*" counter drop
              }
            }
            """;

    private Lab lab;

    @BeforeAll
    void startLab() {
        Root.require();
        lab = Lab.start();
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void brNetfilterIsolatesOnlyWhileTheSysctlIsOn() {
        lab.apply(new HandWrittenNftFirewall());
        assertThat(sameBridge()).as("br_netfilter on: inet forward sees bridged frames").isFalse();
        lab.bridgeNetfilter(false);
        assertThat(sameBridge()).as("br_netfilter off: bridged frames skip the inet hooks").isTrue();
        assertThat(masqueradedToPub()).as("routed traffic does not depend on br_netfilter").isTrue();
    }

    @Test
    void bridgeFamilyTableIsolatesWithoutBrNetfilter() {
        lab.apply(new HandWrittenNftFirewall());
        lab.bridgeNetfilter(false);
        long started = System.nanoTime();
        lab.loadNft(BRIDGE_TABLE);
        System.out.println("bridge table load: " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
        assertThat(sameBridge()).as("bridge forward hook drops veth -> veth").isFalse();
        assertThat(lab.probe(lab.fromContainer("user-a"), lab.container("user-b").ip(), WHO_PORT).reached())
                .as("the veth* pattern covers every bridge").isFalse();
        assertThat(masqueradedToPub()).as("routed traffic leaves through the bridge's own port, not a veth").isTrue();
    }

    private boolean sameBridge() {
        return lab.probe(lab.fromContainer("bridge-a"), lab.container("bridge-b").ip(), WHO_PORT).reached();
    }

    private boolean masqueradedToPub() {
        ProbeResult result = lab.probe(lab.fromContainer("bridge-a"), PUB, WHO_PORT);
        return result.reached() && result.peer().orElse("").equals(HOST_UPLINK);
    }
}
