package io.bridgewall.kernel;

import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.nftnl.NftRequests;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.RuleSet;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The kernel side of bridgewall for one network namespace: commit a ruleset, read it back,
 * remove it. Owns the netlink socket.
 */
public final class Firewall implements AutoCloseable {
    private final NetlinkSocket socket;

    private Firewall(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Talks to the kernel of the named network namespace, or of the caller's when empty. */
    public static Firewall open(Optional<String> netns) {
        return new Firewall(NetlinkSocket.open(netns));
    }

    /** A firewall over a socket the caller opened (tests that also drive the socket directly); closing it closes the socket. */
    public static Firewall over(NetlinkSocket socket) {
        return new Firewall(socket);
    }

    /**
     * What an apply did.
     *
     * @param generationBefore the ruleset generation before the commit
     * @param generationAfter  after it: one more when the kernel took it as one transaction
     *                         and nobody else committed in between
     */
    public record ApplyReport(Applier.Transaction transaction, int generationBefore, int generationAfter) {
        /**
         * The generation our commit produced, exact even when someone else commits right after
         * it (generationAfter is read later and may be theirs): the batch carried
         * generationBefore (NFNL_BATCH_GENID), so the kernel took it only at that generation and
         * numbered it the next one (0 is skipped on wrap). Empty when nothing was sent. This is
         * how a {@link RulesetMonitor} caller recognises its own commits.
         */
        public OptionalInt committedGeneration() {
            return transaction.kind() == Applier.Kind.UNCHANGED ? OptionalInt.empty()
                    : OptionalInt.of(transaction.generationOfOurs());
        }

        /**
         * Whether the generations alone prove that the kernel holds the table we read plus
         * exactly our batch: the commit was answered (no lost answer to puzzle out), and the
         * generation read after it is the one our commit made, so no one committed between the
         * read our change was computed from and that last read. The batch's NFNL_BATCH_GENID
         * already makes the kernel refuse it after anyone else's commit; the generation read after
         * the commit proves it without relying on that.
         */
        public boolean provesCommit() {
            return transaction.kind() != Applier.Kind.UNCHANGED && transaction.lostAnswers().isEmpty()
                    && generationAfter == transaction.generationOfOurs();
        }
    }

    public ApplyReport apply(RuleSet ruleSet) {
        Applier.Transaction transaction = Applier.apply(socket, ruleSet);
        int after = transaction.kind() == Applier.Kind.UNCHANGED ? transaction.generationBefore() : generation();
        return new ApplyReport(transaction, transaction.generationBefore(), after);
    }

    /**
     * What {@link #apply} would do, shown to the kernel whole and discarded (apply --check):
     * the transaction, and the kernel's refusal naming the message when it would not take it.
     * Nothing is committed.
     */
    public Applier.Validation validate(RuleSet ruleSet) {
        return Applier.validate(socket, ruleSet);
    }

    /** One consistent read of the table: ours and foreign, at one generation. */
    public ReadBack installed(String table, Family family) {
        return KernelReader.read(socket, table, family);
    }

    /** Whether the kernel enforces the plan now, whoever put it there (VERIFIED or DIFFERS). */
    public Verification check(RuleSet planned) {
        ReadBack readBack = KernelReader.read(socket, planned.table(), planned.family());
        return Verification.judge(readBack.generation(), readBack, planned);
    }

    /**
     * What an apply left, read back only when its generations prove nothing: a commit they prove
     * ({@link ApplyReport#provesCommit()}) is COMMITTED, without a read; an unchanged table was
     * judged by the apply's own consistent read, at the generation it reports (VERIFIED: nothing
     * differed, nothing was sent); anything else (someone committed after us, a commit whose
     * answer was lost) is read back and judged as {@link #verify} does.
     */
    public Verification proveOrVerify(RuleSet planned, ApplyReport report) {
        if (report.provesCommit()) {
            return Verification.committed(report.transaction().generationOfOurs());
        }
        if (report.transaction().kind() == Applier.Kind.UNCHANGED) {
            return Verification.unchangedAt(report.transaction().generationBefore());
        }
        return verify(planned, report);
    }

    /**
     * Reads the table back and judges whether the kernel enforces the plan the apply sent.
     * Never throws for a ruleset others keep changing: that is an outcome.
     */
    public Verification verify(RuleSet planned, ApplyReport report) {
        int ours = report.transaction().generationOfOurs();
        try {
            return Verification.judge(ours, KernelReader.read(socket, planned.table(), planned.family()), planned);
        } catch (ConcurrentChangeException e) {
            return Verification.unreadable(ours, e);
        }
    }

    /** Removes the table; false when it was not there (nothing is sent then). */
    public boolean remove(String table, Family family) {
        if (!KernelReader.exists(socket, table, family)) {
            return false;
        }
        Applier.remove(socket, table, family);
        return true;
    }

    /** Our table as the kernel holds it now, kept so a rollback can bring it back ({@link TableSnapshot}). */
    public TableSnapshot snapshot(String table, Family family) {
        return TableSnapshot.of(KernelReader.read(socket, table, family), table, family);
    }

    /**
     * Brings {@code previous} back in one transaction, only while the table holds what
     * {@code expectedDigest} says (what the apply to be undone committed); see {@link Restore}.
     */
    public Restore restore(TableSnapshot previous, String expectedDigest) {
        return Restore.run(socket, previous, expectedDigest);
    }

    public int generation() {
        return NftRequests.generation(socket);
    }

    @Override
    public void close() {
        socket.close();
    }
}
