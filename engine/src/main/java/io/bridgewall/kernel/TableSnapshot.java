package io.bridgewall.kernel;

import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.WireMessage;
import io.bridgewall.nftnl.Batch;
import io.bridgewall.nftnl.NftnlTable;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.SetElement;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Our table as the kernel held it at one generation, kept as the messages that bring it back
 * exactly: "add table, delete table" and, when it existed, "add table" with every set, element,
 * chain and rule, as a first install writes them (counters start again at zero). Sent in one
 * batch, they leave the table as it was whatever it holds then, and no other table is touched.
 *
 * <p>With it goes a digest of the content, so that later a read of the kernel can tell whether
 * it still holds (or holds again) this state: SHA-256 over the install messages of the content
 * in a canonical order (sets and chains by name, elements sorted, without notes and counter
 * values), since the kernel lists objects in creation order and a hash set in its own order.
 *
 * <p>Only a table bridgewall's model expresses in full can be kept: anything foreign (a rule,
 * set, flag or object bridgewall never makes) would not come back, so {@link #of} refuses it.
 *
 * @param shape   what the table held, in words ("3 chains, 12 rules, 9 set elements"); empty
 *                when it was not installed
 * @param restore the body of the transaction that brings this state back (no batch begin/end)
 */
public record TableSnapshot(String table, Family family, Optional<String> shape, String digest,
                            List<WireMessage> restore) {
    /** The digest of "the table is not installed". */
    public static final String ABSENT = "absent";
    /** Far above any real table (10,000 networks take a few thousand messages), far below memory trouble. */
    public static final int MAX_MESSAGES = 1_000_000;

    /** NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE, NFTA_SET_TABLE, NFTA_SET_ELEM_LIST_TABLE: all 1. */
    private static final int TABLE_ATTRIBUTE = 1;
    private static final Set<Integer> RESTORE_TYPES = Set.of(Netlink.NFT_MSG_NEWTABLE, Netlink.NFT_MSG_DELTABLE,
            Netlink.NFT_MSG_NEWSET, Netlink.NFT_MSG_NEWSETELEM, Netlink.NFT_MSG_NEWCHAIN, Netlink.NFT_MSG_NEWRULE);

    public TableSnapshot {
        restore = List.copyOf(restore);
        checkRestore(table, family, restore);
    }

    /** Thrown when the table holds what a snapshot could not bring back. */
    public static final class UnrestorableException extends RuntimeException {
        public UnrestorableException(String message) {
            super(message);
        }
    }

    /** The state one consistent read found. */
    public static TableSnapshot of(ReadBack readBack, String table, Family family) {
        if (readBack.table().isEmpty()) {
            return absent(table, family);
        }
        InstalledTable installed = readBack.table().get();
        if (!installed.foreign().isEmpty()) {
            throw new UnrestorableException("table " + family.nftName() + " " + table + " holds "
                    + installed.foreign().size() + " thing(s) bridgewall did not make (first: "
                    + NftWords.printable(installed.foreign().get(0).describe()) + "), which a rollback could not bring back");
        }
        RuleSet content = installed.ours();
        List<WireMessage> body = Applier.compile(Optional.empty(), content, OptionalInt.empty()).wire().orElseThrow().body();
        return new TableSnapshot(table, family, Optional.of(shape(content)), digest(Optional.of(content)), body);
    }

    /** "Not installed": the restore deletes the table if it is there. */
    public static TableSnapshot absent(String table, Family family) {
        Batch batch = new Batch(OptionalInt.empty());
        String id = family.nftName() + " " + table;
        try (NftnlTable t = NftnlTable.create(table, family.code())) {
            // Adding first makes the delete valid when the table is not there either.
            batch.add(Netlink.NFT_MSG_NEWTABLE, family.code(), Netlink.NLM_F_CREATE, "table " + id, t::buildPayload);
            batch.add(Netlink.NFT_MSG_DELTABLE, family.code(), 0, "delete table " + id, t::buildPayload);
        }
        return new TableSnapshot(table, family, Optional.empty(), ABSENT, batch.toWire().body());
    }

    public boolean present() {
        return shape.isPresent();
    }

    /** What the table held, in words. */
    public String describe() {
        return shape.map(s -> "table " + family.nftName() + " " + table + " (" + s + ")")
                .orElse("no table " + family.nftName() + " " + table);
    }

    /** The digest of what a read found: {@link #ABSENT}, the content's digest, or empty when it holds something foreign. */
    public static Optional<String> digestOf(ReadBack readBack) {
        if (readBack.table().isEmpty()) {
            return Optional.of(ABSENT);
        }
        InstalledTable installed = readBack.table().get();
        return installed.foreign().isEmpty() ? Optional.of(digest(Optional.of(installed.ours()))) : Optional.empty();
    }

    /** The digest of a planned (or read) table; equal for equal content however it was made. */
    public static String digest(Optional<RuleSet> content) {
        if (content.isEmpty()) {
            return ABSENT;
        }
        RuleSet canonical = canonical(content.get());
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        sha256.update((canonical.family().nftName() + " " + canonical.table() + "\n").getBytes(StandardCharsets.UTF_8));
        Applier.compile(Optional.empty(), canonical, OptionalInt.empty()).wire().orElseThrow().body()
                .forEach(message -> sha256.update(message.bytes()));
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static RuleSet canonical(RuleSet ruleSet) {
        List<NamedSet> sets = ruleSet.sets().stream().sorted(Comparator.comparing(NamedSet::name))
                .map(set -> new NamedSet(set.name(), set.type(), set.interval(), set.elements().stream()
                        .map(SetElement::withoutNote).sorted(Comparator.comparing(SetElement::first)
                                .thenComparing(SetElement::last)).toList()))
                .toList();
        List<Chain> chains = ruleSet.chains().stream().sorted(Comparator.comparing(Chain::name))
                .map(chain -> new Chain(chain.name(), chain.type(), chain.hook(), chain.priority(), chain.policy(),
                        chain.rules().stream().map(Rule::withZeroCounters).toList()))
                .toList();
        return new RuleSet(ruleSet.table(), ruleSet.family(), sets, chains);
    }

    private static String shape(RuleSet ruleSet) {
        return ruleSet.chains().size() + " chains, " + ruleSet.ruleCount() + " rules, "
                + ruleSet.sets().stream().mapToInt(s -> s.elements().size()).sum() + " set elements";
    }

    /**
     * What a restore may hold, checked again when it is read from a file: it starts by deleting
     * our table ("add table, delete table"), and every message only adds a table, set, element,
     * chain or rule of our table in our family, well formed. So whatever a damaged or hostile
     * file holds, a restore can never touch another table, and the kernel judges the rest.
     */
    private static void checkRestore(String table, Family family, List<WireMessage> restore) {
        if (restore.size() < 2 || restore.size() > MAX_MESSAGES) {
            throw new IllegalArgumentException("a restore holds 2 to " + MAX_MESSAGES + " messages, not " + restore.size());
        }
        if (restore.get(0).type() != Netlink.nftType(Netlink.NFT_MSG_NEWTABLE)
                || restore.get(1).type() != Netlink.nftType(Netlink.NFT_MSG_DELTABLE)) {
            throw new IllegalArgumentException("a restore starts with 'add table, delete table'");
        }
        for (int i = 0; i < restore.size(); i++) {
            String problem = problem(restore.get(i), table, family);
            if (problem != null) {
                throw new IllegalArgumentException("restore message " + i + " " + problem);
            }
            if (i > 1 && restore.get(i).type() == Netlink.nftType(Netlink.NFT_MSG_DELTABLE)) {
                throw new IllegalArgumentException("restore message " + i + " deletes the table again");
            }
        }
    }

    private static String problem(WireMessage message, String table, Family family) {
        int type = message.type();
        if (type >> 8 != Netlink.NFNL_SUBSYS_NFTABLES || !RESTORE_TYPES.contains(type & 0xff)) {
            return "is of type " + type + ", not one that adds a table, set, element, chain or rule";
        }
        if ((message.flags() & Netlink.NLM_F_REQUEST) == 0) {
            return "is not a request";
        }
        if (message.family() != family.code()) {
            return "is for family " + message.family() + ", not " + family.nftName();
        }
        ByteBuffer bytes = ByteBuffer.wrap(message.bytes()).order(ByteOrder.nativeOrder());
        int offset = Netlink.NLMSG_HDRLEN + 4;
        String named = null;
        while (offset < bytes.limit()) {
            if (bytes.limit() - offset < 4) {
                return "ends inside an attribute header";
            }
            int length = bytes.getShort(offset) & 0xffff;
            int attribute = bytes.getShort(offset + 2) & 0x3fff;
            if (length < 4 || length > bytes.limit() - offset) {
                return "has an attribute of length " + length + " that does not fit";
            }
            if (attribute == TABLE_ATTRIBUTE) {
                if (named != null) {
                    return "names its table twice";
                }
                byte[] value = new byte[length - 4];
                bytes.get(offset + 4, value);
                named = value.length > 0 && value[value.length - 1] == 0
                        ? new String(value, 0, value.length - 1, StandardCharsets.UTF_8) : "";
            }
            offset += (length + 3) & ~3;
        }
        if (!table.equals(named)) {
            return "is not for table " + family.nftName() + " " + table;
        }
        return null;
    }
}
