package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * log and limit in the real kernel (nf_tables in a namespace of the test's own): the kernel
 * takes what apply sends, reads it back as the plan (verified), holds what `nft -f` of the plan
 * holds, and a prefix, rate or group someone changed with nft is named and repaired by the next
 * apply. Packets and log lines: {@code DropLoggingLabTest}.
 */
class DropLoggingKernelTest {
    private static final List<String> BRIDGES = List.of("--no-docker", "--bridge", "docker0=10.213.0.0/24",
            "--bridge", "br-0123456789ab=10.99.0.0/24,fd00:99::/64");
    private static final List<String> TO_GROUP = List.of("--log-drops", "--log-rate", "10/minute", "--log-group", "5");

    private Netns netns;

    @BeforeEach
    void createNamespace() {
        Root.require();
        netns = Netns.create("droplog");
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** With --verify: "verified" is the read-back's word that the kernel holds the plan. */
    private Shell.Result apply(List<String> logging) {
        return Bridgewall.run(List.of(), concat(concat(List.of("apply", "--verify", "--netns", netns.name()), BRIDGES), logging));
    }

    private String table() {
        return netns.exec("nft", "list", "table", "inet", "bridgewall").orThrow().stdout();
    }

    static Stream<List<String>> loggings() {
        return Stream.of(List.of("--log-drops"), TO_GROUP, List.of("--log-drops", "--log-rate", "3/hour", "--log-group", "0"),
                List.of("--log-drops", "--log-rate", "10000/second"));
    }

    @ParameterizedTest
    @MethodSource("loggings")
    void theKernelHoldsExactlyThePlanAndWhatNftMakesOfThePlanText(List<String> logging) {
        Shell.Result applied = apply(logging);
        assertThat(applied.exitCode()).as(applied.stdout() + applied.stderr()).isZero();
        assertThat(applied.stdout()).contains("verified: the kernel holds exactly the planned table");

        try (Netns viaNft = Netns.create("droplog-nft")) {
            Shell.Result plan = Bridgewall.run(List.of(), concat(concat(List.of("plan"), BRIDGES), logging));
            assertThat(plan.exitCode()).as(plan.stderr()).isZero();
            Shell.run(Shell.DEFAULT_TIMEOUT, plan.stdout(), List.of("ip", "netns", "exec", viaNft.name(), "nft", "-f", "-"))
                    .orThrow();
            assertThat(NftRuleset.text(netns)).isEqualTo(NftRuleset.text(viaNft));
        }
        String listed = table();
        // nft's own words for what the kernel holds: 12 log rules before the 8 forward drops, one before the input policy
        assertThat(listed.lines().filter(l -> l.contains(" log prefix \"bridgewall ")).count()).isEqualTo(13);
        assertThat(listed.lines().filter(l -> l.contains(" log prefix \"bridgewall ")).map(l -> l.replaceAll(" comment \".*\"$", "")))
                .allSatisfy(l -> assertThat(l).contains("limit rate " + (logging.contains("--log-rate")
                        ? logging.get(logging.indexOf("--log-rate") + 1) : "10/minute") + " log prefix")
                        .doesNotContain(" drop").doesNotContain(" accept"));
        Shell.Result again = apply(logging);
        assertThat(again.stdout()).as(again.stderr()).startsWith("unchanged:").contains("verified:");
    }

    @Test
    void aPrefixRateOrGroupChangedWithNftIsNamedAndRepaired() {
        assertThat(apply(TO_GROUP).exitCode()).isZero();
        String asApplied = table();
        assertThat(asApplied).contains("ip daddr @blocked_v4 oifname != @contained limit rate 10/minute log prefix \"bridgewall blocked: \" group 5 comment");

        assertRepairs(TO_GROUP, asApplied, new String[][] {
                {"log prefix \"bridgewall blocked: \" group 5", "log prefix \"nothing to see: \" group 5", "log prefix \"nothing to see: \""},
                {"limit rate 10/minute log prefix \"bridgewall blocked: \"", "limit rate 1000/second log prefix \"bridgewall blocked: \"",
                        "limit rate 1000/second"},
                {"log prefix \"bridgewall blocked: \" group 5", "log prefix \"bridgewall blocked: \" group 6", "group 6"},
                {"limit rate 10/minute log prefix \"bridgewall blocked: \"",
                        "limit rate 10/minute burst 50 packets log prefix \"bridgewall blocked: \"", "burst 50 packets"},
                // attributes bridgewall never sends: not read as its own rule
                {"limit rate 10/minute log prefix \"bridgewall input: \"", "limit rate over 10/minute log prefix \"bridgewall input: \"",
                        "# not made by bridgewall: "},
                {"log prefix \"bridgewall inbound: \" group 5", "log prefix \"bridgewall inbound: \" group 5 snaplen 100",
                        "# not made by bridgewall: "}});
    }

    @Test
    void aKernelLogsLevelOrFlagsChangedWithNftAreNamedAndRepaired() {
        List<String> kernelLog = List.of("--log-drops");
        assertThat(apply(kernelLog).exitCode()).isZero();
        String asApplied = table();
        assertThat(asApplied).contains("limit rate 10/minute log prefix \"bridgewall input: \" comment");

        assertRepairs(kernelLog, asApplied, new String[][] {
                {"log prefix \"bridgewall input: \"", "log prefix \"bridgewall input: \" level info", "level info"},
                {"log prefix \"bridgewall input: \"", "log prefix \"bridgewall input: \" group 3", "group 3"},
                {"log prefix \"bridgewall input: \"", "log prefix \"bridgewall input: \" flags tcp sequence",
                        "# not made by bridgewall: "}});
    }

    /** Each tampering {from, to, what apply must name} reloads our table from nft's listing with one edit, then applies. */
    private void assertRepairs(List<String> logging, String asApplied, String[][] tamperings) {
        for (String[] tampering : tamperings) {
            String edited = asApplied.replaceFirst(Pattern.quote(tampering[0]), tampering[1]);
            assertThat(edited).as("the edit applies: " + tampering[0]).isNotEqualTo(asApplied);
            Shell.run(Shell.DEFAULT_TIMEOUT, "delete table inet bridgewall\n" + edited,
                    List.of("ip", "netns", "exec", netns.name(), "nft", "-f", "-")).orThrow();
            assertThat(table()).as("nft holds the tampered rule").contains(tampering[1]);

            Shell.Result repaired = apply(logging);
            assertThat(repaired.exitCode()).as(repaired.stdout() + repaired.stderr()).isZero();
            assertThat(repaired.stdout()).as(tampering[1]).startsWith("updated table inet bridgewall")
                    .containsPattern("  was: chain (forward|input) rule \\d+ is `[^`]*" + Pattern.quote(tampering[2]))
                    .contains("verified: the kernel holds exactly the planned table");
            assertThat(table()).as("repaired").isEqualTo(asApplied);
        }
    }
}
