package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Root;
import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.LiveTable;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The table watch keeps: updates computed from what our last commit installed are only sent
 * when nobody committed since (the batch carries that generation), and the kernel ends up
 * holding exactly the plan whether memory was used or not.
 */
@Timeout(60)
class LiveTableTest {
    private static RuleSet plan(String... bridges) {
        return Planner.plan(Policy.withDefaults(Arrays.stream(bridges)
                .map(b -> Bridge.of(b.substring(0, b.indexOf('=')), b.substring(b.indexOf('=') + 1))).toList()));
    }

    @Test
    void updatesFromMemoryOnlyWhileNobodyElseCommits() {
        Root.require();
        try (Netns netns = Netns.create("live");
             LiveTable table = LiveTable.open(Optional.of(netns.name()));
             Firewall check = Firewall.open(Optional.of(netns.name()))) {
            LiveTable.Update first = table.apply(plan("br-000000000001=10.61.0.0/24"));
            assertThat(first.kind()).isEqualTo(Applier.Kind.INSTALLED);
            assertThat(first.fromMemory()).as("nothing remembered yet").isFalse();

            RuleSet two = plan("br-000000000001=10.61.0.0/24", "br-000000000002=10.61.1.0/24");
            LiveTable.Update second = table.apply(two);
            assertThat(second.fromMemory()).isTrue();
            assertThat(second.kind()).isEqualTo(Applier.Kind.UPDATED);
            assertThat(second.generationAfter()).isEqualTo(check.generation()).isEqualTo(first.generationAfter() + 1);
            assertThat(table.produced(second.generationAfter())).isTrue();
            assertThat(check.check(two).verified()).as(check.check(two).summary()).isTrue();

            // Someone adds an element to our set: memory is stale, the kernel refuses the
            // batch computed from it, and the table is read back and repaired instead.
            netns.exec("nft", "add", "element", "inet", "bridgewall", "bridges", "{ \"intruder0\" }").orThrow();
            RuleSet three = plan("br-000000000001=10.61.0.0/24");
            LiveTable.Update third = table.apply(three);
            assertThat(third.fromMemory()).isFalse();
            assertThat(check.check(three).verified()).as(check.check(three).summary()).isTrue();

            // A commit elsewhere that the monitor says left our table alone keeps memory usable.
            netns.exec("nft", "add", "table", "ip", "other").orThrow();
            table.othersCommittedElsewhere(check.generation());
            RuleSet four = plan("br-000000000001=10.61.0.0/24", "br-000000000003=10.61.3.0/24");
            LiveTable.Update fourth = table.apply(four);
            assertThat(fourth.fromMemory()).isTrue();
            assertThat(check.check(four).verified()).as(check.check(four).summary()).isTrue();

            // Unchanged: nothing sent, no new generation.
            int before = check.generation();
            assertThat(table.apply(four).kind()).isEqualTo(Applier.Kind.UNCHANGED);
            assertThat(check.generation()).isEqualTo(before);
            assertThat(List.of(netns.exec("nft", "list", "tables").orThrow().stdout().split("\n")))
                    .contains("table ip other");
        }
    }
}
