package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.kernel.RulesetMonitor.Commit;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSubscription;
import io.bridgewall.netlink.ReplayTransport;
import io.bridgewall.netlink.WireTranscript;
import io.bridgewall.ruleset.Family;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the kernel really broadcast to NFNLGRP_NFTABLES (src/test/resources/notifications, see
 * its README), replayed without root through the whole monitor: one commit per transaction,
 * with who made it and whether it touched our table.
 */
class RulesetMonitorReplayTest {
    static List<Commit> replay(String name) throws IOException {
        WireTranscript transcript;
        try (InputStream in = RulesetMonitorReplayTest.class.getResourceAsStream("/notifications/" + name)) {
            transcript = WireTranscript.parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
        ReplayTransport kernel = new ReplayTransport(transcript);
        List<Commit> commits = new ArrayList<>();
        try (RulesetMonitor monitor = RulesetMonitor.over(NetlinkSubscription.over(kernel, Netlink.NFNLGRP_NFTABLES),
                "bridgewall", Family.INET)) {
            while (kernel.remaining() > 0) {
                monitor.next(Duration.ZERO).ifPresent(commits::add);
            }
        }
        return commits;
    }

    @Test
    void eachTransactionIsOneCommitTellingWhoAndWhetherItTouchedOurTable() throws IOException {
        List<Commit> commits = replay("foreign-changes.wire");

        assertThat(commits).extracting(Commit::processName).containsExactly("nft", "nft", "nft", "nft", "nft", "java", "nft");
        assertThat(commits).extracting(Commit::touchedOurTable).containsExactly(true, true, false, false, true, true, true);
        assertThat(commits).extracting(Commit::generation).containsExactly(3, 4, 5, 6, 7, 8, 9);
        assertThat(commits).noneMatch(Commit::notificationsLost);

        assertThat(commits.get(0).whatChanged()).containsExactly("add element inet bridgewall host_tcp_ports");
        assertThat(commits.get(1).whatChanged()).containsExactly("delete rule inet bridgewall forward (x6)");
        assertThat(commits.get(2).whatChanged()).containsExactly("add table inet other");
        assertThat(commits.get(3).whatChanged()).containsExactly("add table ip bridgewall");
        // Deleting a table deletes what it holds: the kernel says so object by object, the table last;
        // the table goes first in what we report, so a long list never cuts it off.
        assertThat(commits.get(4).whatChanged()).startsWith("delete table inet bridgewall", "delete rule inet bridgewall input (x7)")
                .endsWith("delete chain inet bridgewall postrouting");
        // A first install is "add table, delete table, add table ..." in one transaction (no error if it exists); all 26 lines fit.
        assertThat(commits.get(5).whatChanged()).startsWith("add table inet bridgewall (x2)", "delete table inet bridgewall")
                .contains("add element inet bridgewall bridges (x2)").last().isEqualTo("add rule inet bridgewall postrouting (x2)");
        // The flush deletes every table: ours is listed first, the others after it.
        List<String> flushed = commits.get(6).whatChanged();
        assertThat(flushed).contains("delete table inet bridgewall", "delete table ip bridgewall", "delete table inet other");
        assertThat(flushed.indexOf("delete table inet other")).isGreaterThan(flushed.indexOf("delete table inet bridgewall"));
    }

    @Test
    void theCommitterIsTheTaskTheKernelNames() throws IOException {
        Commit added = replay("foreign-changes.wire").get(0);

        assertThat(added.pid()).isPositive();
        assertThat(added.describe()).isEqualTo("generation 3 by nft (pid " + added.pid() + "): add element inet bridgewall host_tcp_ports");
    }

    @Test
    void droppedNotificationsAreALostCommitThatTouchesEverythingNotSilence() throws IOException {
        List<Commit> commits = replay("queue-overflow.wire");

        assertThat(commits.get(0).notificationsLost()).isTrue();
        assertThat(commits.get(0).touchedOurTable()).isTrue();
        assertThat(commits.get(0).whatChanged()).first().isEqualTo(Commit.NOTIFICATIONS_LOST);
        assertThat(commits.get(0).describe()).startsWith("notifications lost: the kernel dropped notifications");
        // What the kernel still delivered after the loss is read normally.
        assertThat(commits.subList(1, commits.size())).noneMatch(Commit::notificationsLost)
                .allSatisfy(commit -> assertThat(commit.touchedOurTable()).isFalse());
        assertThat(commits.size()).isLessThan(200);
    }
}
