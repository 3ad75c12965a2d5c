package io.bridgewall.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * What bad input must get, checked the same way wherever a test gives some: exit 2, one line
 * on stderr that starts with "bridgewall: " and says what is wrong, nothing on stdout, no
 * transaction in {@code nft monitor}, and the ruleset byte for byte as it was.
 */
public final class BadInput {
    private BadInput() {
    }

    /** Runs {@code args} in the lab's launcher and checks the refusal; returns the one line for more checks. */
    public static String assertRefused(Netns netns, List<String> args, String what, String expectedInLine) {
        String before = NftRuleset.text(netns);
        Shell.Result result;
        int generations;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            result = Bridgewall.run(List.of(), args);
            generations = monitor.generationsSinceStart();
        }
        assertThat(result.exitCode()).as(what + ": " + result.stderr()).isEqualTo(2);
        String line = result.stderr().strip();
        assertThat(line).as(what + ": one line").doesNotContain("\n").startsWith("bridgewall: ").contains(expectedInLine);
        assertThat(result.stdout()).as(what + ": stdout").isEmpty();
        assertThat(generations).as(what + ": transactions committed").isZero();
        assertThat(NftRuleset.text(netns)).as(what + ": the ruleset").isEqualTo(before);
        return line;
    }
}
