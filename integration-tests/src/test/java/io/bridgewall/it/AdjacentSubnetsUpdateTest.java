package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Docker's address pools hand out adjacent subnets, which the plan merges into one range. An
 * in-place update that removes a network from the middle splits the range: the kernel must get
 * the old range deleted and the pieces added, not a new end key inside a range it still holds
 * (which it refuses with EEXIST). And the range grows back when the network returns.
 */
@Timeout(120)
class AdjacentSubnetsUpdateTest {
    private static final String FIRST = "br-000000000001=10.50.0.0/24";
    private static final String MIDDLE = "br-000000000002=10.50.1.0/24";
    private static final String LAST = "br-000000000003=10.50.2.0/24";

    @Test
    void removingTheMiddleOfAdjacentSubnetsSplitsTheRangeInPlace() {
        Root.require();
        try (Netns netns = Netns.create("adjacent")) {
            assertApplied(apply(netns, FIRST, MIDDLE, LAST));
            assertThat(NftRuleset.of(netns).elements("bridgewall", "bridge_nets_v4")).containsExactly("10.50.0.0-10.50.2.255");

            Shell.Result split = apply(netns, FIRST, LAST);
            assertApplied(split);
            assertThat(split.stdout()).startsWith("updated table inet bridgewall");
            assertThat(NftRuleset.of(netns).elements("bridgewall", "bridge_nets_v4")).containsExactly("10.50.0.0/24",
                    "10.50.2.0/24");

            assertApplied(apply(netns, FIRST, MIDDLE, LAST));
            assertThat(NftRuleset.of(netns).elements("bridgewall", "bridge_nets_v4")).containsExactly("10.50.0.0-10.50.2.255");
        }
    }

    private static void assertApplied(Shell.Result result) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }

    private static Shell.Result apply(Netns netns, String... bridges) {
        List<String> args = new ArrayList<>(List.of("apply", "--netns", netns.name(), "--no-docker"));
        for (String bridge : bridges) {
            args.addAll(List.of("--bridge", bridge));
        }
        return Bridgewall.run(List.of(), args);
    }
}
