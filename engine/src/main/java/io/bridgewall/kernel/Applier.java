package io.bridgewall.kernel;

import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.nftnl.Batch;
import io.bridgewall.nftnl.NftnlChain;
import io.bridgewall.nftnl.NftnlRule;
import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.nftnl.NftnlTable;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Expr;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleCompiler;
import io.bridgewall.ruleset.RuleSet;
import java.util.List;
import java.util.OptionalInt;

/**
 * Brings the kernel to a planned ruleset in one transaction: the kernel commits it all in one
 * new generation or refuses all of it; no other table is touched. The first install creates
 * the table ("add table, delete table, add table and everything in it"); later applies keep
 * table, chains and sets and change only what differs (see {@link TableDiff} for why).
 */
public final class Applier {
    /** Kernel elements per set-element message: 1000 x at most 36 bytes stays under 64 KiB. */
    static final int ELEMENTS_PER_MESSAGE = 1000;
    /**
     * Someone else committing between our read-back and our batch makes the kernel refuse it
     * (ERESTART); we read again after a short random pause, so two racing appliers take turns.
     */
    static final int ATTEMPTS = 10;

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
     */
    public record Transaction(Kind kind, int messages, int bytes, int attempts, int generationBefore,
                              List<String> differences) {
        public Transaction {
            differences = List.copyOf(differences);
        }

        /** The generation this apply left: its commit's, or the one it found the plan already in force at. */
        public int generationOfOurs() {
            if (kind == Kind.UNCHANGED) {
                return generationBefore;
            }
            // A commit moves the generation by exactly one (the kernel skips 0 when it wraps).
            int next = generationBefore + 1;
            return next == 0 ? 1 : next;
        }
    }

    public static Transaction apply(NetlinkSocket socket, RuleSet planned) {
        for (int attempt = 1; ; attempt++) {
            ReadBack readBack = KernelReader.read(socket, planned.table(), planned.family());
            int generation = readBack.generation();
            TableDiff.Result diff = TableDiff.between(readBack.table(), planned);
            if (diff.unchanged()) {
                return new Transaction(Kind.UNCHANGED, 0, 0, attempt, generation, List.of());
            }
            Batch batch = new Batch(socket, sizeHint(planned), OptionalInt.of(generation));
            Target target = new Target(batch, planned.table(), planned.family());
            if (diff.replaceWholeTable()) {
                target.replaceTable(planned);
            } else {
                diff.changes().forEach(target::write);
            }
            try {
                batch.commit();
                Kind kind = !diff.replaceWholeTable() ? Kind.UPDATED
                        : readBack.table().isPresent() ? Kind.REPLACED : Kind.INSTALLED;
                return new Transaction(kind,
                        batch.messageCount(), batch.byteLength(), attempt, generation, diff.differences());
            } catch (KernelException e) {
                if (e.errno() != Netlink.ERESTART || attempt == ATTEMPTS) {
                    throw e;
                }
                pauseBeforeRetry(attempt);
            }
        }
    }

    private static void pauseBeforeRetry(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 5 * attempt + 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying an apply", e);
        }
    }

    /** Deletes our table atomically; a table that is not there is not an error. */
    public static void remove(NetlinkSocket socket, String table, Family family) {
        Batch batch = new Batch(socket, 0);
        String id = family.nftName() + " " + table;
        try (NftnlTable t = NftnlTable.create(table, family.code())) {
            batch.add(Netlink.NFT_MSG_NEWTABLE, family.code(), CREATE, "table " + id, t::buildPayload);
            batch.add(Netlink.NFT_MSG_DELTABLE, family.code(), 0, "delete table " + id, t::buildPayload);
        }
        batch.commit();
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

        private void elements(int message, String verb, NamedSet set, List<KernelElements.KernelElement> elements) {
            for (int from = 0; from < elements.size(); from += ELEMENTS_PER_MESSAGE) {
                int to = Math.min(from + ELEMENTS_PER_MESSAGE, elements.size());
                try (NftnlSet carrier = NftnlSet.reference(table, set.name(), family)) {
                    for (KernelElements.KernelElement element : elements.subList(from, to)) {
                        carrier.addElement(element.key().toArray(), element.flags());
                    }
                    batch.add(message, family, message == Netlink.NFT_MSG_NEWSETELEM ? CREATE : 0,
                            verb + " element " + id + " " + set.name() + " (kernel elements " + from + " to " + (to - 1) + ")",
                            carrier::buildElementsPayload);
                }
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

    private static int sizeHint(RuleSet ruleSet) {
        int elements = ruleSet.sets().stream().mapToInt(s -> 2 * s.elements().size()).sum();
        return 64 * elements + 1024 * ruleSet.ruleCount() + 64 * 1024;
    }
}
