package io.bridgewall.kernel;

import io.bridgewall.netlink.BatchOutcome;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.StateUnknownException;
import io.bridgewall.netlink.WireBatch;
import io.bridgewall.nftnl.Batch;
import io.bridgewall.nftnl.NftRequests;
import io.bridgewall.nftnl.NftnlChain;
import io.bridgewall.nftnl.NftnlRule;
import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.nftnl.NftnlTable;
import io.bridgewall.nftnl.SetElementsMessage;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Expr;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleCompiler;
import io.bridgewall.ruleset.RuleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Brings the kernel to a planned ruleset in one transaction: the kernel commits it all in one
 * new generation or refuses all of it; no other table is touched. The first install creates
 * the table ("add table, delete table, add table and everything in it"); later applies keep
 * table, chains and sets and change only what differs (see {@link TableDiff} for why).
 */
public final class Applier {
    /**
     * Someone else committing between our read-back and our batch makes the kernel refuse it
     * (ERESTART); we read again after a random pause ({@link ContentionPacing}), so two racing
     * appliers take turns. Lost answers are another matter: after this many we give up.
     */
    static final int MOST_LOST_ANSWERS = 10;

    private static final int CREATE = Netlink.NLM_F_CREATE;

    private Applier() {
    }

    /** How an apply changed the kernel. */
    public enum Kind {
        /** The table was not there and was created. */
        INSTALLED,
        /** The table held something bridgewall cannot update in place, and was recreated whole. */
        REPLACED,
        /** The table was kept; only differing elements, rules or policies changed. */
        UPDATED,
        /** The kernel already held the plan; nothing was sent. */
        UNCHANGED
    }

    /**
     * What one apply sent, for the user and for benchmarks.
     *
     * @param attempts          1, or more when someone else committed while we computed the change
     * @param generationBefore  the ruleset generation the change was computed from
     * @param differences       what the kernel held that differed from the plan, in words (empty
     *                          when unchanged; why the table was replaced, when it was)
     * @param lostAnswers       commits whose answer never came, and what the generation said of them
     */
    public record Transaction(Kind kind, int messages, int bytes, int attempts, int generationBefore,
                              List<String> differences, List<LostAnswer> lostAnswers) {
        public Transaction {
            differences = List.copyOf(differences);
            lostAnswers = List.copyOf(lostAnswers);
        }

        public Transaction(Kind kind, int messages, int bytes, int attempts, int generationBefore,
                           List<String> differences) {
            this(kind, messages, bytes, attempts, generationBefore, differences, List.of());
        }

        /** The generation this apply left: its commit's, or the one it found the plan already in force at. */
        public int generationOfOurs() {
            return kind == Kind.UNCHANGED ? generationBefore : next(generationBefore);
        }
    }

    /** The generation a commit at {@code generation} makes: one more (the kernel skips 0 when it wraps). */
    static int next(int generation) {
        int next = generation + 1;
        return next == 0 ? 1 : next;
    }

    /** The generation a commit that made {@code generation} was taken at. */
    static int previous(int generation) {
        return generation == 1 ? -1 : generation - 1;
    }

    /**
     * The kernel's answer to a commit was lost (timeout, ENOBUFS): the generation was read again
     * to learn what happened.
     *
     * @param committed whether the kernel committed it: the generation moved from
     *                  {@code generationBefore} to {@code generationAfter} and the table holds the plan
     */
    public record LostAnswer(int attempt, StateUnknownException.Reason reason, int generationBefore,
                             int generationAfter, boolean committed) {
        public String describe() {
            String why = reason == StateUnknownException.Reason.TIMEOUT ? "no answer in time" : "the answer was dropped";
            return committed
                    ? "the kernel's answer to attempt " + attempt + " was lost (" + why + "); it committed: generation moved from "
                            + Integer.toUnsignedString(generationBefore) + " to " + Integer.toUnsignedString(generationAfter)
                            + " and the table holds the plan"
                    : "the kernel's answer to attempt " + attempt + " was lost (" + why + "); it did not commit: generation "
                            + (generationAfter == generationBefore ? "still " + Integer.toUnsignedString(generationBefore)
                                    : "moved from " + Integer.toUnsignedString(generationBefore) + " to "
                                            + Integer.toUnsignedString(generationAfter) + " by someone else");
        }
    }

    /**
     * What an apply would send, computed without a socket.
     *
     * @param wire        the transaction byte for byte; empty when the kernel already holds the plan
     * @param differences what the kernel held that differed from the plan, in words
     */
    public record Compiled(Kind kind, Optional<WireBatch> wire, List<String> differences) {
        public Compiled {
            differences = List.copyOf(differences);
        }
    }

    /** The transaction that turns {@code installed} into {@code planned}, at the given generation. */
    public static Compiled compile(Optional<InstalledTable> installed, RuleSet planned, OptionalInt generation) {
        TableDiff.Result diff = TableDiff.between(installed, planned);
        if (diff.unchanged()) {
            return new Compiled(Kind.UNCHANGED, Optional.empty(), List.of());
        }
        Batch batch = new Batch(generation);
        Target target = new Target(batch, planned.table(), planned.family());
        if (diff.replaceWholeTable()) {
            target.replaceTable(planned);
        } else {
            diff.changes().forEach(target::write);
        }
        Kind kind = !diff.replaceWholeTable() ? Kind.UPDATED : installed.isPresent() ? Kind.REPLACED : Kind.INSTALLED;
        return new Compiled(kind, Optional.of(batch.toWire()), diff.differences());
    }

    public static Transaction apply(NetlinkSocket socket, RuleSet planned) {
        String tableId = planned.family().nftName() + " " + planned.table();
        List<LostAnswer> lost = new ArrayList<>();
        ContentionPacing pacing = ContentionPacing.start();
        for (int attempt = 1; ; attempt++) {
            ReadBack readBack = KernelReader.read(socket, planned.table(), planned.family(), pacing);
            int generation = readBack.generation();
            Compiled compiled = compile(readBack.table(), planned, OptionalInt.of(generation));
            if (compiled.wire().isEmpty()) {
                return new Transaction(Kind.UNCHANGED, 0, 0, attempt, generation, List.of(), lost);
            }
            WireBatch wire = compiled.wire().get();
            Transaction sent = new Transaction(compiled.kind(), wire.messageCount(), wire.byteLength(), attempt,
                    generation, compiled.differences(), lost);
            BatchOutcome outcome = socket.send(wire);
            if (outcome instanceof BatchOutcome.Committed) {
                return sent;
            }
            if (outcome instanceof BatchOutcome.Refused refused) {
                KernelException error = refused.error();
                if (error.errno() != Netlink.ERESTART) {
                    throw KernelSupport.explain(planned,
                            NftRequests.explainRefusal(socket, planned.table(), planned.family().code(), tableId, error));
                }
                if (!pacing.pauseBeforeAnotherAttempt()) {
                    throw new KernelException(Netlink.ERESTART, "applying table " + tableId, "someone else committed to "
                            + "the ruleset during each of " + pacing.describe("attempts")
                            + "; run apply again when it is quieter");
                }
                continue;
            }
            StateUnknownException cause = ((BatchOutcome.Unknown) outcome).cause();
            LostAnswer answer = resolve(socket, planned, attempt, generation, cause);
            lost.add(answer);
            if (answer.committed()) {
                return new Transaction(sent.kind(), sent.messages(), sent.bytes(), attempt, generation,
                        sent.differences(), lost);
            }
            if (lost.size() == MOST_LOST_ANSWERS) {
                throw cause;
            }
        }
    }

    /**
     * What the kernel said of a transaction it was shown and discarded.
     *
     * @param transaction what apply would send (UNCHANGED: nothing)
     * @param refusal     the kernel's error naming the message it refused; empty when it would take it
     */
    public record Validation(Transaction transaction, Optional<KernelException> refusal) {
        public boolean accepted() {
            return refusal.isEmpty();
        }
    }

    /**
     * Shows the kernel the transaction an apply would send now, without BATCH_END (as
     * {@code nft -c} does): the kernel runs every message and the table validation, answers
     * each, and aborts. Nothing is committed, whatever the outcome: not even the generation
     * moves. A refusal is an outcome; failing to read or to get an answer is thrown.
     */
    public static Validation validate(NetlinkSocket socket, RuleSet planned) {
        String tableId = planned.family().nftName() + " " + planned.table();
        ContentionPacing pacing = ContentionPacing.start();
        int lostAnswers = 0;
        for (int attempt = 1; ; attempt++) {
            ReadBack readBack = KernelReader.read(socket, planned.table(), planned.family(), pacing);
            int generation = readBack.generation();
            Compiled compiled = compile(readBack.table(), planned, OptionalInt.of(generation));
            if (compiled.wire().isEmpty()) {
                return new Validation(new Transaction(Kind.UNCHANGED, 0, 0, attempt, generation, List.of()),
                        Optional.empty());
            }
            WireBatch wire = compiled.wire().get().forValidation();
            Transaction wouldBe = new Transaction(compiled.kind(), wire.messageCount(), wire.byteLength(), attempt,
                    generation, compiled.differences());
            BatchOutcome outcome = socket.send(wire);
            if (outcome instanceof BatchOutcome.Validated) {
                return new Validation(wouldBe, Optional.empty());
            }
            // A stale generation (someone committed since our read) or a lost answer says nothing
            // about the plan: read again and show it again, a bounded number of times.
            KernelException error = outcome instanceof BatchOutcome.Refused refused ? refused.error()
                    : ((BatchOutcome.Unknown) outcome).cause();
            boolean retry = outcome instanceof BatchOutcome.Unknown || error.errno() == Netlink.ERESTART;
            if (!retry) {
                return new Validation(wouldBe, Optional.of(KernelSupport.explain(planned,
                        NftRequests.explainRefusal(socket, planned.table(), planned.family().code(), tableId, error))));
            }
            boolean lostAnswer = outcome instanceof BatchOutcome.Unknown;
            if ((lostAnswer && ++lostAnswers == MOST_LOST_ANSWERS) || !pacing.pauseBeforeAnotherAttempt()) {
                throw new KernelException(error.errno(), "checking table " + tableId, "no answer to "
                        + pacing.describe("attempts") + " (someone else kept committing, or " + lostAnswers
                        + " answers were lost); nothing was committed: run the check again");
            }
        }
    }

    /**
     * Learns what became of a commit whose answer was lost. The batch carried its generation, so
     * the kernel committed it only if the generation was still {@code before}: an unchanged
     * generation means it did not; a moved one with the table equal to the plan means it did.
     */
    private static LostAnswer resolve(NetlinkSocket socket, RuleSet planned, int attempt, int before,
                                      StateUnknownException cause) {
        int after;
        boolean holdsPlan;
        try {
            after = NftRequests.generation(socket);
            holdsPlan = after != before
                    && TableDiff.between(KernelReader.read(socket, planned.table(), planned.family()).table(), planned)
                            .unchanged();
        } catch (KernelException e) {
            cause.addSuppressed(e);
            throw cause;
        }
        return new LostAnswer(attempt, cause.reason(), before, after, holdsPlan);
    }

    /** Deletes our table atomically; a table that is not there is not an error. */
    public static void remove(NetlinkSocket socket, String table, Family family) {
        Batch batch = new Batch(OptionalInt.empty());
        String id = family.nftName() + " " + table;
        try (NftnlTable t = NftnlTable.create(table, family.code())) {
            batch.add(Netlink.NFT_MSG_NEWTABLE, family.code(), CREATE, "table " + id, t::buildPayload);
            batch.add(Netlink.NFT_MSG_DELTABLE, family.code(), 0, "delete table " + id, t::buildPayload);
        }
        WireBatch wire = batch.toWire();
        for (int attempt = 1; ; attempt++) {
            BatchOutcome outcome = socket.send(wire);
            if (outcome instanceof BatchOutcome.Committed) {
                return;
            }
            if (outcome instanceof BatchOutcome.Refused refused) {
                throw NftRequests.explainRefusal(socket, table, family.code(), id, refused.error());
            }
            // The answer was lost: a table that is gone was deleted; one still there was not.
            if (!KernelReader.exists(socket, table, family)) {
                return;
            }
            if (attempt == MOST_LOST_ANSWERS) {
                throw ((BatchOutcome.Unknown) outcome).cause();
            }
        }
    }

    /** Writes changes to one table into a batch, each message described in nft words. */
    private static final class Target {
        private final Batch batch;
        private final String table;
        private final int family;
        private final String id;
        private int nextSetId = 1;

        Target(Batch batch, String table, Family family) {
            this.batch = batch;
            this.table = table;
            this.family = family.code();
            this.id = family.nftName() + " " + table;
        }

        void replaceTable(RuleSet ruleSet) {
            try (NftnlTable t = NftnlTable.create(table, family)) {
                // Adding first makes the delete valid even when the table does not exist yet.
                batch.add(Netlink.NFT_MSG_NEWTABLE, family, CREATE, "table " + id, t::buildPayload);
                batch.add(Netlink.NFT_MSG_DELTABLE, family, 0, "delete table " + id, t::buildPayload);
                batch.add(Netlink.NFT_MSG_NEWTABLE, family, CREATE, "add table " + id, t::buildPayload);
            }
            ruleSet.sets().forEach(set -> write(new TableDiff.Change.CreateSet(set)));
            ruleSet.chains().forEach(chain -> write(new TableDiff.Change.CreateChain(chain)));
        }

        void write(TableDiff.Change change) {
            if (change instanceof TableDiff.Change.CreateSet c) {
                createSet(c.set());
                elements(Netlink.NFT_MSG_NEWSETELEM, "add", c.set(), KernelElements.encode(c.set()));
            } else if (change instanceof TableDiff.Change.DeleteElements c) {
                elements(Netlink.NFT_MSG_DELSETELEM, "delete", c.set(), c.elements());
            } else if (change instanceof TableDiff.Change.AddElements c) {
                elements(Netlink.NFT_MSG_NEWSETELEM, "add", c.set(), c.elements());
            } else if (change instanceof TableDiff.Change.CreateChain c) {
                chain(c.chain(), "add chain ");
                addRules(c.chain());
            } else if (change instanceof TableDiff.Change.SetPolicy c) {
                chain(c.chain(), "set policy " + c.chain().policy().nftName() + " of chain ");
            } else if (change instanceof TableDiff.Change.ReplaceRules c) {
                flush(c.chain().name());
                addRules(c.chain());
            } else if (change instanceof TableDiff.Change.DeleteChain c) {
                flush(c.name());
                try (NftnlChain chain = NftnlChain.create(table, c.name(), family)) {
                    batch.add(Netlink.NFT_MSG_DELCHAIN, family, 0, "delete chain " + id + " " + c.name(),
                            chain::buildPayload);
                }
            } else if (change instanceof TableDiff.Change.DeleteSet c) {
                try (NftnlSet set = NftnlSet.reference(table, c.name(), family)) {
                    batch.add(Netlink.NFT_MSG_DELSET, family, 0, "delete set " + id + " " + c.name(), set::buildPayload);
                }
            } else {
                throw new IllegalArgumentException("no message for " + change);
            }
        }

        private void createSet(NamedSet set) {
            try (NftnlSet s = NftnlSet.create(table, set.name(), family, set.type().datatype(), set.type().keyLength(),
                    set.flags(), nextSetId++)) {
                s.userdata(SetUserdata.encode(set.type()));
                batch.add(Netlink.NFT_MSG_NEWSET, family, CREATE, "add set " + id + " " + set.name(), s::buildPayload);
            }
        }

        /**
         * Element messages cut by bytes, counted in Java before anything is written: each message
         * stays within NftnlSet.ELEMENT_MESSAGE_BUDGET whatever the key length. Written in Java
         * (SetElementsMessage): libnftnl took four native calls per element.
         */
        private void elements(int message, String verb, NamedSet set, List<KernelElements.KernelElement> elements) {
            for (ElementChunks.Chunk chunk : ElementChunks.split(table, set.name(), elements)) {
                SetElementsMessage carrier = new SetElementsMessage(message, family,
                        message == Netlink.NFT_MSG_NEWSETELEM ? CREATE : 0, table, set.name());
                for (KernelElements.KernelElement element : elements.subList(chunk.from(), chunk.to())) {
                    carrier.add(element.key().toArray(), element.flags());
                }
                batch.add(carrier.toWire(verb + " element " + id + " " + set.name() + " (kernel elements " + chunk.from()
                        + " to " + (chunk.to() - 1) + ")"));
            }
        }

        private void chain(Chain chain, String what) {
            try (NftnlChain c = NftnlChain.create(table, chain.name(), family)
                    .hook(chain.type().nftName(), chain.hook().number(), chain.priority(), chain.policy().verdict())) {
                batch.add(Netlink.NFT_MSG_NEWCHAIN, family, CREATE, what + id + " " + chain.name(), c::buildPayload);
            }
        }

        /** A rule-delete naming only table and chain deletes every rule of the chain. */
        private void flush(String chain) {
            try (NftnlRule all = NftnlRule.create(table, chain, family)) {
                batch.add(Netlink.NFT_MSG_DELRULE, family, 0, "flush chain " + id + " " + chain, all::buildPayload);
            }
        }

        private void addRules(Chain chain) {
            for (Rule rule : chain.rules()) {
                try (NftnlRule r = NftnlRule.create(table, chain.name(), family)) {
                    for (Expr expr : RuleCompiler.compile(rule)) {
                        r.add(ExprCodec.encode(expr));
                    }
                    if (!rule.comment().isEmpty()) {
                        r.userdata(RuleComment.encode(rule.comment()));
                    }
                    batch.add(Netlink.NFT_MSG_NEWRULE, family, CREATE | Netlink.NLM_F_APPEND,
                            "add rule " + id + " " + chain.name() + " " + NftSyntax.ruleText(rule), r::buildPayload);
                }
            }
        }
    }

}
