package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.kernel.TableSnapshot;
import io.bridgewall.netlink.WireMessage;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.RuleSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The state file of a pending rollback: read back as written, and anything else refused before it reaches the kernel. */
class PendingRollbackTest {
    private static final String ID = "0123456789abcdef0123456789abcdef";

    @Test
    void readsBackWhatItWrote() {
        PendingRollback written = pending(Optional.of("bw-test ns\u00e9"), TableSnapshot.absent(Planner.TABLE, Family.INET));
        PendingRollback read = PendingRollback.parse(written.text());
        assertThat(read.text()).isEqualTo(written.text());
        assertThat(read.netns()).contains("bw-test ns\u00e9");
        assertThat(read.previous().restore().stream().map(WireMessage::hex))
                .containsExactlyElementsOf(written.previous().restore().stream().map(WireMessage::hex).toList());
    }

    @Test
    void theDigestOfAPlanDoesNotDependOnNotesOrOrder() {
        RuleSet planned = Planner.plan(new Policy(List.of(), Policy.DEFAULT_BLOCKED, io.bridgewall.policy.HostInput.defaults()));
        RuleSet reversed = new RuleSet(planned.table(), planned.family(), reverse(planned.sets()), reverse(planned.chains()));
        assertThat(TableSnapshot.digest(Optional.of(reversed))).isEqualTo(TableSnapshot.digest(Optional.of(planned)))
                .isNotEqualTo(TableSnapshot.ABSENT).hasSize(64);
    }

    @Test
    void refusesWhatItDidNotWrite() {
        String good = pending(Optional.empty(), TableSnapshot.absent(Planner.TABLE, Family.INET)).text();
        List<String> bad = new ArrayList<>(List.of(
                "",
                "garbage",
                good.replace("bridgewall pending rollback 1", "bridgewall pending rollback 2"),
                good.replace("id " + ID, "id ../../etc"),
                good.replace("netns -", "netns 2f"),                         // "/"
                good.replace("netns -", "netns 2e2e"),                       // ".."
                good.replace("deadline ", "deadline -"),
                good.replace("messages 2", "messages 3"),
                good.replace("messages 2", "messages 99999999999999999999"),
                good.replace("table inet bridgewall", "table ip filter"),
                good.replace("agent none", "agent process 1; rm -rf /"),
                good.replace("previous absent -", "previous absent 3 chains, 1 rules, 0 set elements")));
        // The restore's first message renamed to another table of the same length: never sent anywhere.
        String[] lines = good.split("\n");
        lines[lines.length - 1] = lines[lines.length - 1].replace(hex("bridgewall"), hex("someone_el"));
        bad.add(String.join("\n", lines) + "\n");
        // A message whose length field lies.
        lines = good.split("\n");
        lines[lines.length - 1] = "ff" + lines[lines.length - 1].substring(2);
        bad.add(String.join("\n", lines) + "\n");
        // An odd number of hex digits, upper case, and a message cut short.
        lines = good.split("\n");
        lines[lines.length - 1] = lines[lines.length - 1] + "0";
        bad.add(String.join("\n", lines) + "\n");
        lines = good.split("\n");
        lines[lines.length - 1] = lines[lines.length - 1].substring(0, 8);
        bad.add(String.join("\n", lines) + "\n");
        // The delete swapped for the add: a restore must start by deleting the table.
        lines = good.split("\n");
        String swap = lines[lines.length - 1];
        lines[lines.length - 1] = lines[lines.length - 2];
        lines[lines.length - 2] = swap;
        bad.add(String.join("\n", lines) + "\n");
        for (String text : bad) {
            assertThatThrownBy(() -> PendingRollback.parse(text)).as(text.length() > 200 ? text.substring(0, 200) : text)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static PendingRollback pending(Optional<String> netns, TableSnapshot previous) {
        return new PendingRollback(ID, netns, Instant.ofEpochMilli(1_800_000_000_000L), "none",
                TableSnapshot.digest(Optional.of(Planner.plan(new Policy(List.of(), Policy.DEFAULT_BLOCKED,
                        io.bridgewall.policy.HostInput.defaults())))), "3 chains, 10 rules, 5 set elements", previous);
    }

    private static <T> List<T> reverse(List<T> items) {
        List<T> reversed = new ArrayList<>(items);
        java.util.Collections.reverse(reversed);
        return reversed;
    }

    private static String hex(String text) {
        return java.util.HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
