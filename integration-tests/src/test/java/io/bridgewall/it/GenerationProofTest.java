package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.Verification;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkMessage;
import io.bridgewall.netlink.NetlinkMessages;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.NetlinkTransport;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.RuleSet;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A plain apply proves its commit from the ruleset generations instead of reading the table
 * back: the batch was computed from a read at generation G and the generation after the commit
 * is G+1, so the kernel holds what was read plus exactly our batch. Whenever the generations do
 * not prove it (someone committed right after us), the table is read back and judged; with
 * --verify it always is. Someone else's commit is placed at an exact moment of the exchange by
 * running nft from inside the socket's transport.
 */
class GenerationProofTest {
    private static final RuleSet PLANNED = Planner.plan(Policy.withDefaults(List.of(
            Bridge.of("docker0", "172.17.0.0/16"), Bridge.of("br-0123456789ab", "10.99.0.0/24", "fd00:99::/64"))));
    private Netns netns;

    @BeforeEach
    void createNamespace() {
        Root.require();
        netns = Netns.create("genproof");
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    /**
     * Passes every datagram to the kernel and runs someone else's commit (a command in the
     * namespace) once: just before our first commit (which the kernel then refuses as stale),
     * or just before the first request after our commit (noting the nf_tables requests sent
     * after it).
     */
    private static final class Interleaving implements NetlinkTransport {
        enum Moment { BEFORE_OUR_COMMIT, AFTER_OUR_COMMIT }

        private final NetlinkTransport kernel;
        private final Moment moment;
        private final Runnable theirCommit;
        private boolean theyCommitted;
        private boolean weCommitted;
        final List<Integer> requestsAfterOurCommit = new ArrayList<>();

        Interleaving(NetlinkTransport kernel, Moment moment, Runnable theirCommit) {
            this.kernel = kernel;
            this.moment = moment;
            this.theirCommit = theirCommit;
        }

        @Override
        public void send(ByteBuffer datagram) {
            List<Integer> types = NetlinkMessages.split(datagram.duplicate()).stream().map(NetlinkMessage::type).toList();
            // A batch that ends (a probe has no BATCH_END, or nothing between BEGIN and END) and changes something.
            boolean commit = types.contains(Netlink.NFNL_MSG_BATCH_END)
                    && types.stream().anyMatch(t -> t != Netlink.NFNL_MSG_BATCH_BEGIN && t != Netlink.NFNL_MSG_BATCH_END);
            if (weCommitted) {
                requestsAfterOurCommit.add(types.get(0) & 0xff);
            }
            if (!theyCommitted && (moment == Moment.BEFORE_OUR_COMMIT ? commit : weCommitted)) {
                theyCommitted = true;
                theirCommit.run();
            }
            kernel.send(datagram);
            weCommitted |= commit && moment == Moment.AFTER_OUR_COMMIT;
        }

        @Override
        public ByteBuffer receive() {
            return kernel.receive();
        }

        @Override
        public int portId() {
            return kernel.portId();
        }

        @Override
        public int discardPending() {
            return kernel.discardPending();
        }

        @Override
        public void setReceiveTimeout(Duration timeout) {
            kernel.setReceiveTimeout(timeout);
        }

        @Override
        public void setReceiveQueue(int bytes) {
            kernel.setReceiveQueue(bytes);
        }

        @Override
        public void close() {
            kernel.close();
        }
    }

    private record Outcome(Firewall.ApplyReport report, Verification verification, List<Integer> requestsAfterOurCommit) {
    }

    private Outcome applyWith(Interleaving.Moment moment, String... theirCommit) {
        Interleaving transport = new Interleaving(NetlinkSocket.openTransport(Optional.of(netns.name())), moment,
                () -> netns.exec(theirCommit).orThrow());
        try (Firewall firewall = Firewall.over(NetlinkSocket.over(transport, Optional.of(netns.name()), 1))) {
            Firewall.ApplyReport report = firewall.apply(PLANNED);
            Verification verification = firewall.proveOrVerify(PLANNED, report);
            return new Outcome(report, verification, List.copyOf(transport.requestsAfterOurCommit));
        }
    }

    /** nft's listing of the plan loaded by nft itself into a namespace of its own: what "exactly the plan" looks like. */
    private static String planLoadedByNft() {
        try (Netns viaNft = Netns.create("genproof-nft")) {
            Shell.run(Shell.DEFAULT_TIMEOUT, NftSyntax.planScript(PLANNED, List.of()),
                    List.of("ip", "netns", "exec", viaNft.name(), "nft", "-f", "-")).orThrow();
            return NftRuleset.text(viaNft);
        }
    }

    @Test
    void aQuietCommitIsProvenByItsGenerationAndNothingIsReadBack() {
        Interleaving transport = new Interleaving(NetlinkSocket.openTransport(Optional.of(netns.name())),
                Interleaving.Moment.AFTER_OUR_COMMIT, () -> { });
        Verification verification;
        try (Firewall firewall = Firewall.over(NetlinkSocket.over(transport, Optional.of(netns.name()), 1))) {
            Firewall.ApplyReport report = firewall.apply(PLANNED);
            assertThat(report.transaction().kind()).isEqualTo(Applier.Kind.INSTALLED);
            verification = firewall.proveOrVerify(PLANNED, report);
        }

        assertThat(verification.outcome()).isEqualTo(Verification.Outcome.COMMITTED);
        assertThat(verification.inForce()).isTrue();
        assertThat(verification.verified()).as("never called verified without a read-back").isFalse();
        assertThat(verification.summary()).isEqualTo("committed: generation 1 -> 2, no other change in between "
                + "(read-back skipped; --verify reads it back)");
        assertThat(transport.requestsAfterOurCommit).as("after the commit: one generation read, no dump")
                .containsExactly(Netlink.NFT_MSG_GETGEN);
        assertThat(NftRuleset.text(netns)).as("what nft lists is the plan").isEqualTo(planLoadedByNft());
    }

    @Test
    void someoneCommittingBetweenOurReadAndOurCommitMakesUsReadAgainAndTheRetryIsProven() {
        Outcome outcome = applyWith(Interleaving.Moment.BEFORE_OUR_COMMIT, "nft", "add", "table", "inet", "someone_else");

        assertThat(outcome.report().transaction().attempts()).as("refused at the stale generation, computed again").isEqualTo(2);
        assertThat(outcome.verification().outcome()).isEqualTo(Verification.Outcome.COMMITTED);
        assertThat(outcome.verification().summary()).startsWith("committed: generation 2 -> 3, no other change in between");
        assertThat(NftRuleset.of(netns).hasTable("inet", "someone_else")).isTrue();
        assertThat(netns.exec("nft", "list", "table", "inet", "bridgewall").orThrow().stdout())
                .isEqualTo(new NftListing(planLoadedByNft()).table("bridgewall"));
    }

    @Test
    void someoneCommittingRightAfterUsForcesTheReadBackWhichVerifiesAnUntouchedTable() {
        Outcome outcome = applyWith(Interleaving.Moment.AFTER_OUR_COMMIT, "nft", "add", "table", "inet", "someone_else");

        assertThat(outcome.report().generationAfter()).as("their commit after ours").isEqualTo(3);
        assertThat(outcome.requestsAfterOurCommit()).as("the table was read back")
                .contains(Netlink.NFT_MSG_GETRULE, Netlink.NFT_MSG_GETSETELEM);
        assertThat(outcome.verification().outcome()).isEqualTo(Verification.Outcome.VERIFIED);
        assertThat(outcome.verification().summary())
                .isEqualTo("verified: the kernel holds exactly the planned table (generation 3; others committed after ours, 2)");
    }

    @Test
    void someoneChangingOurTableRightAfterUsIsFoundByTheReadBack() {
        Outcome outcome = applyWith(Interleaving.Moment.AFTER_OUR_COMMIT,
                "nft", "add", "element", "inet", "bridgewall", "bridges", "{ \"br-intruder\" }");

        assertThat(outcome.verification().outcome()).isEqualTo(Verification.Outcome.CHANGED_BY_OTHERS);
        assertThat(outcome.verification().summary())
                .startsWith("not verified: someone else changed the ruleset after our commit (generation 2 -> 3)")
                .contains("\"br-intruder\"");
    }

    @Test
    void theCommandSaysCommittedByDefaultAndVerifiedWithVerify() {
        List<String> apply = List.of("apply", "--no-docker", "--no-dns-exception", "--netns", netns.name(),
                "--bridge", "docker0=172.17.0.0/16");
        Shell.Result plain = Bridgewall.run(List.of(), apply);
        assertThat(plain.exitCode()).as(plain.stderr()).isZero();
        assertThat(plain.stdout()).contains("committed: generation 1 -> 2, no other change in between "
                + "(read-back skipped; --verify reads it back)").doesNotContain("verified");

        netns.exec("nft", "add", "element", "inet", "bridgewall", "bridges", "{ \"br-intruder\" }").orThrow();
        List<String> verify = new ArrayList<>(apply);
        verify.add("--verify");
        Shell.Result verified = Bridgewall.run(List.of(), verify);
        assertThat(verified.exitCode()).as(verified.stderr()).isZero();
        assertThat(verified.stdout()).startsWith("updated table inet bridgewall")
                .contains("verified: the kernel holds exactly the planned table (generation 4)")
                .doesNotContain("committed:");

        Shell.Result unchanged = Bridgewall.run(List.of(), apply);
        assertThat(unchanged.stdout()).startsWith("unchanged:")
                .contains("verified: the kernel holds exactly the planned table (generation 4)");

        List<String> both = new ArrayList<>(verify);
        both.add("--no-verify");
        Shell.Result contradiction = Bridgewall.run(List.of(), both);
        assertThat(contradiction.exitCode()).isEqualTo(2);
        assertThat(contradiction.stderr()).contains("--verify and --no-verify contradict each other");
    }

    /** One table's block out of a whole `nft list ruleset`. */
    private record NftListing(String ruleset) {
        String table(String name) {
            int start = ruleset.indexOf("table inet " + name + " {");
            int end = ruleset.indexOf("\n}\n", start);
            return ruleset.substring(start, end + 3);
        }
    }
}
