package io.bridgewall.kernel;

import io.bridgewall.netlink.BatchOutcome;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.WireBatch;
import io.bridgewall.nftnl.NftRequests;
import io.bridgewall.ruleset.RuleSet;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Our table in one namespace, kept up to date by a long-running process (`watch`) on one
 * long-lived netlink socket. It remembers what its last commit installed and at which
 * generation, so the next update is computed from memory instead of a read-back of the whole
 * table: the batch carries that generation (NFNL_BATCH_GENID), so the kernel itself refuses it
 * (ERESTART) if anyone committed since, and only then is the table read back
 * ({@link Applier#apply}, with its retries and lost-answer handling). One round trip per update
 * when nobody else writes, whatever the table's size.
 */
public final class LiveTable implements AutoCloseable {
    /** Generations our commits produced, for telling our own commits from others' in notifications. */
    private static final int REMEMBERED_GENERATIONS = 64;

    private final NetlinkSocket socket;
    private final Deque<Integer> ourGenerations = new ArrayDeque<>();
    private Optional<Known> known = Optional.empty();

    /** What the kernel held at a generation, because our commit put it there. */
    private record Known(int generation, RuleSet ruleSet) {
    }

    private LiveTable(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static LiveTable open(Optional<String> netns) {
        return new LiveTable(NetlinkSocket.open(netns));
    }

    /**
     * What one update did.
     *
     * @param fromMemory       computed from the remembered table (no read-back)
     * @param generationAfter  the generation our commit produced; {@code generationBefore} when unchanged
     */
    public record Update(Applier.Kind kind, int messages, int bytes, int generationBefore, int generationAfter,
                         boolean fromMemory, List<String> differences) {
        public Update {
            differences = List.copyOf(differences);
        }
    }

    /** Brings the kernel to {@code planned}: from memory when nobody else committed since our last commit. */
    public Update apply(RuleSet planned) {
        if (known.isPresent()) {
            Optional<Update> fast = applyFromMemory(known.get(), planned);
            if (fast.isPresent()) {
                return fast.get();
            }
        }
        return applyFromKernel(planned);
    }

    /**
     * Someone else committed {@code generation} without touching our table (its notifications
     * say so): if it directly follows what we remember, memory stays exact at the new generation.
     */
    public void othersCommittedElsewhere(int generation) {
        known.filter(k -> Applier.next(k.generation()) == generation)
                .ifPresent(k -> known = Optional.of(new Known(generation, k.ruleSet())));
    }

    /** Next time, read the kernel instead of trusting memory (someone may have changed our table). */
    public void forget() {
        known = Optional.empty();
    }

    private Optional<Update> applyFromMemory(Known state, RuleSet planned) {
        Applier.Compiled compiled = Applier.compile(Optional.of(InstalledTable.onlyOurs(state.ruleSet())),
                planned, OptionalInt.of(state.generation()));
        if (compiled.wire().isEmpty()) {
            known = Optional.of(new Known(state.generation(), planned));
            return Optional.of(new Update(Applier.Kind.UNCHANGED, 0, 0, state.generation(), state.generation(), true,
                    List.of()));
        }
        WireBatch wire = compiled.wire().get();
        BatchOutcome outcome = socket.send(wire);
        if (outcome instanceof BatchOutcome.Committed) {
            int after = Applier.next(state.generation());
            remember(after, planned);
            return Optional.of(new Update(compiled.kind(), wire.messageCount(), wire.byteLength(), state.generation(),
                    after, true, compiled.differences()));
        }
        // Refused (someone committed since: ERESTART; or anything else) or answer lost: the
        // kernel is the authority; the full path reads it, retries and explains errors.
        known = Optional.empty();
        return Optional.empty();
    }

    private Update applyFromKernel(RuleSet planned) {
        Applier.Transaction transaction = Applier.apply(socket, planned);
        int before = transaction.generationBefore();
        if (transaction.kind() == Applier.Kind.UNCHANGED) {
            known = Optional.of(new Known(before, planned));
            return new Update(transaction.kind(), 0, 0, before, before, false, List.of());
        }
        int ours = transaction.generationOfOurs();
        int after = NftRequests.generation(socket);
        if (after == ours) {
            remember(after, planned);
        } else {
            // Someone committed right after us: what the kernel holds is not known from memory.
            known = Optional.empty();
            rememberGeneration(ours);
        }
        return new Update(transaction.kind(), transaction.messages(), transaction.bytes(), before, after, false,
                transaction.differences());
    }

    private void remember(int generation, RuleSet planned) {
        known = Optional.of(new Known(generation, planned));
        rememberGeneration(generation);
    }

    private void rememberGeneration(int generation) {
        ourGenerations.addLast(generation);
        if (ourGenerations.size() > REMEMBERED_GENERATIONS) {
            ourGenerations.removeFirst();
        }
    }

    /** Whether one of our commits produced this generation (its notification is our own echo). */
    public boolean produced(int generation) {
        return ourGenerations.contains(generation);
    }

    public int generation() {
        return NftRequests.generation(socket);
    }

    /**
     * Reads our table back and judges whether the kernel enforces the plan that our commit at
     * {@code ourGeneration} sent (the check after a repair). Never throws for a ruleset others
     * keep changing: that is an outcome.
     */
    public Verification verify(RuleSet planned, int ourGeneration) {
        try {
            return Verification.judge(ourGeneration, KernelReader.read(socket, planned.table(), planned.family()), planned);
        } catch (ConcurrentChangeException e) {
            return Verification.unreadable(ourGeneration, e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
