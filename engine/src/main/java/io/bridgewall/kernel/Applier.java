package io.bridgewall.kernel;

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

/**
 * Sends a ruleset to the kernel as one transaction that replaces our table: "add table,
 * delete table, add table and everything in it". The kernel commits it all in one new
 * generation or refuses all of it; no other table is touched.
 */
public final class Applier {
    /** Kernel elements per NEWSETELEM message: 1000 x at most 36 bytes stays under 64 KiB. */
    static final int ELEMENTS_PER_MESSAGE = 1000;

    private static final int CREATE = Netlink.NLM_F_CREATE;

    private Applier() {
    }

    /** What one apply sent, for the user and for benchmarks. */
    public record Transaction(int messages, int bytes) {
    }

    public static Transaction apply(NetlinkSocket socket, RuleSet ruleSet) {
        String table = ruleSet.table();
        int family = ruleSet.family().code();
        String id = ruleSet.family().nftName() + " " + table;
        Batch batch = new Batch(socket, sizeHint(ruleSet));
        replaceTable(batch, table, family, id);
        int setId = 1;
        for (NamedSet set : ruleSet.sets()) {
            addSet(batch, table, family, id, set, setId++);
        }
        for (Chain chain : ruleSet.chains()) {
            addChain(batch, table, family, id, chain);
        }
        batch.commit();
        return new Transaction(batch.messageCount(), batch.byteLength());
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

    private static void replaceTable(Batch batch, String table, int family, String id) {
        try (NftnlTable t = NftnlTable.create(table, family)) {
            // Adding first makes the delete valid even when the table does not exist yet.
            batch.add(Netlink.NFT_MSG_NEWTABLE, family, CREATE, "table " + id, t::buildPayload);
            batch.add(Netlink.NFT_MSG_DELTABLE, family, 0, "delete table " + id, t::buildPayload);
            batch.add(Netlink.NFT_MSG_NEWTABLE, family, CREATE, "add table " + id, t::buildPayload);
        }
    }

    private static void addSet(Batch batch, String table, int family, String id, NamedSet set, int setId) {
        try (NftnlSet s = NftnlSet.create(table, set.name(), family, set.type().datatype(), set.type().keyLength(),
                set.flags(), setId)) {
            s.userdata(SetUserdata.encode(set.type()));
            batch.add(Netlink.NFT_MSG_NEWSET, family, CREATE, "add set " + id + " " + set.name(), s::buildPayload);
        }
        List<KernelElements.KernelElement> elements = KernelElements.encode(set);
        for (int from = 0; from < elements.size(); from += ELEMENTS_PER_MESSAGE) {
            int to = Math.min(from + ELEMENTS_PER_MESSAGE, elements.size());
            try (NftnlSet carrier = NftnlSet.reference(table, set.name(), family)) {
                for (KernelElements.KernelElement element : elements.subList(from, to)) {
                    carrier.addElement(element.key().toArray(), element.flags());
                }
                batch.add(Netlink.NFT_MSG_NEWSETELEM, family, CREATE, "add element " + id + " " + set.name()
                        + " (kernel elements " + from + " to " + (to - 1) + ")", carrier::buildElementsPayload);
            }
        }
    }

    private static void addChain(Batch batch, String table, int family, String id, Chain chain) {
        try (NftnlChain c = NftnlChain.create(table, chain.name(), family)
                .hook(chain.type().nftName(), chain.hook().number(), chain.priority(), chain.policy().verdict())) {
            batch.add(Netlink.NFT_MSG_NEWCHAIN, family, CREATE, "add chain " + id + " " + chain.name(), c::buildPayload);
        }
        for (Rule rule : chain.rules()) {
            try (NftnlRule r = NftnlRule.create(table, chain.name(), family)) {
                for (Expr expr : RuleCompiler.compile(rule)) {
                    r.add(ExprCodec.encode(expr));
                }
                if (!rule.comment().isEmpty()) {
                    r.userdata(RuleComment.encode(rule.comment()));
                }
                String text = NftSyntax.ruleText(rule);
                batch.add(Netlink.NFT_MSG_NEWRULE, family, CREATE | Netlink.NLM_F_APPEND,
                        "add rule " + id + " " + chain.name() + " " + text, r::buildPayload);
            }
        }
    }

    private static int sizeHint(RuleSet ruleSet) {
        int elements = ruleSet.sets().stream().mapToInt(s -> 2 * s.elements().size()).sum();
        return 64 * elements + 1024 * ruleSet.ruleCount() + 64 * 1024;
    }
}
