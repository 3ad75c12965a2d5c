package io.bridgewall.it.lab;

import io.bridgewall.it.support.Root;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A measurement, not a test (it has nothing to assert): what each way of isolating containers
 * on one bridge ({@link BridgeIsolationTest}) costs traffic that is allowed, as a bulk
 * transfer between two containers on docker0. Excluded from `mvn verify`; bench/run.sh runs it.
 */
@Tag("measurement")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BridgeIsolationCostMeasurement {
    private static final int MIB = 64;
    private static final int RUNS = 3;

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
    void costOfEachDesignForAllowedBridgedTraffic() {
        Map<String, Runnable> setups = new LinkedHashMap<>();
        setups.put("no firewall, br_netfilter off", () -> lab.bridgeNetfilter(false));
        setups.put("br_netfilter on + inet forward chain with ct", () -> lab.loadNft("""
                table inet cost {
                  chain forward { type filter hook forward priority filter; policy accept;
                    ct state established,related counter accept
                  }
                }
                """));
        setups.put("br_netfilter off + bridge table (veth rule, accept)", () -> {
            lab.bridgeNetfilter(false);
            lab.loadNft(BridgeIsolationTest.BRIDGE_TABLE.replace("counter drop", "counter accept"));
        });
        StringBuilder report = new StringBuilder("measurement: bulk " + MIB + " MiB bridge-a -> bridge-b, median of "
                + RUNS + ":\n");
        for (var setup : setups.entrySet()) {
            lab.resetFirewall();
            setup.getValue().run();
            List<Long> runs = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                runs.add(BulkTransfer.time(lab, "bridge-a", "bridge-b", MIB).toMillis());
            }
            long median = runs.stream().sorted().toList().get(RUNS / 2);
            report.append(String.format("  %-52s %5d ms  (%s)%n", setup.getKey(), median, runs));
        }
        System.out.print(report);
    }
}
