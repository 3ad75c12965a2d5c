package io.bridgewall.it.lab;

import io.bridgewall.it.support.Root;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lab end to end: without a firewall every path the policy closes is open (so a "blocked"
 * later is the firewall's doing, not a broken lab), and with the hand-written nftables ruleset
 * bridgewall's engine is meant to generate, the whole matrix holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabMatrixTest {
    private Lab lab;
    private ReachabilityMatrix matrix;

    @BeforeAll
    void startLab() {
        Root.require();
        lab = Lab.start();
        System.out.println("lab setup: " + lab.setupTime().toMillis() + " ms");
        matrix = ReachabilityMatrix.bridgewallPolicy(lab);
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            long started = System.nanoTime();
            lab.close();
            System.out.println("lab teardown: " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
        }
        if (matrix != null) {
            System.out.println(matrix.render());
        }
    }

    @Test
    @Order(1)
    void withoutFirewallTheLabIsWideOpen() {
        lab.resetFirewall();
        // Docker only isolates --internal networks with its own iptables rules, which the lab turns off
        System.out.println("internal-a routes: " + lab.docker().docker("exec", "internal-a", "/bin/ip", "route").stdout());
        timed("no firewall", () -> matrix.record("no firewall", lab));
        String bridgeA = lab.container("bridge-a").ip();
        assertThat(matrix.result("no firewall", "bridge-a -> lan " + LabAddresses.LAN).peer())
                .as("the LAN answers an unmasqueraded container").contains(bridgeA);
        assertThat(matrix.result("no firewall", "bridge-a -> bridge-b (same bridge)").reached()).isTrue();
        assertThat(matrix.result("no firewall", "bridge-a -> user-a (across bridges)").reached()).isTrue();
        assertThat(matrix.result("no firewall", "user-a -> pub " + LabAddresses.PUB).reached())
                .as("pub has no route back to container subnets: no masquerade, no answer").isFalse();
        assertThat(matrix.result("no firewall", "lan -> host:" + LabAddresses.OTHER_PORT).reached()).isTrue();
        assertThat(matrix.result("no firewall", "host -> lan " + LabAddresses.LAN).reached()).isTrue();
    }

    @Test
    @Order(2)
    void handWrittenNftRulesetHoldsTheWholePolicy() {
        Duration load = lab.apply(new HandWrittenNftFirewall());
        System.out.println("hand-written nft load: " + load.toMillis() + " ms");
        timed("hand-written nft", () -> matrix.record("hand-written nft", lab));
        assertThat(matrix.violations("hand-written nft")).as(matrix.render()).isEmpty();
    }

    @Test
    @Order(3)
    void bridgewallCliHoldsTheWholePolicy() {
        Duration load = lab.apply(new BridgewallCliFirewall());
        System.out.println("bridgewall apply (whole process): " + load.toMillis() + " ms");
        timed("bridgewall", () -> matrix.record("bridgewall", lab));
        assertThat(matrix.violations("bridgewall")).as(matrix.render()).isEmpty();
    }

    private static void timed(String what, Runnable run) {
        long started = System.nanoTime();
        run.run();
        System.out.println("matrix [" + what + "]: " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
    }
}
