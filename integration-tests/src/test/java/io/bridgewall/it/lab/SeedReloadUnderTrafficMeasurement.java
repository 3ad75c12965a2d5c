package io.bridgewall.it.lab;

import io.bridgewall.it.support.Root;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;

/**
 * A measurement, not a test (it has nothing to assert): the seed's iptables script reloaded
 * 20 times under the same traffic {@link AtomicityUnderTrafficTest} puts bridgewall through,
 * and what got through printed. Excluded from `mvn verify`; bench/run.sh runs it.
 */
@Tag("measurement")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedReloadUnderTrafficMeasurement {
    private static final int SEED_RELOADS = 20;

    private Lab lab;
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

    @Test
    void seedReloadsUnderTraffic() {
        SeedFirewall seed = new SeedFirewall();
        lab.apply(seed);
        long[] reloadNanos = new long[SEED_RELOADS];
        TrafficWindow.Observed seen = TrafficWindow.around(lab, lanArrivals, () -> {
            for (int i = 0; i < SEED_RELOADS; i++) {
                long started = System.nanoTime();
                seed.apply(lab);
                reloadNanos[i] = System.nanoTime() - started;
            }
        });
        Arrays.sort(reloadNanos);
        System.out.printf("measurement: the seed's iptables script reloaded under traffic (it never covers "
                        + "user-a's network):%n  %d reloads, median %d ms%n%s",
                SEED_RELOADS, Duration.ofNanos(reloadNanos[SEED_RELOADS / 2]).toMillis(), seen.render());
    }
}
