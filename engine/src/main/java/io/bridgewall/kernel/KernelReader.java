package io.bridgewall.kernel;

import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.DumpInterruptedException;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.nftnl.NftRequests;
import io.bridgewall.nftnl.NftnlChain;
import io.bridgewall.nftnl.NftnlFlowtable;
import io.bridgewall.nftnl.NftnlObject;
import io.bridgewall.nftnl.NftnlRule;
import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.nftnl.NftnlTable;
import io.bridgewall.nftnl.SetElementsMessage;
import io.bridgewall.ruleset.Expr;
import io.bridgewall.ruleset.Family;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads our table back from the kernel over netlink: the dumps only. What they mean (ours or
 * foreign) is {@link TableMapping}'s business.
 *
 * <p>A read is several dumps (table, sets, each set's elements, chains, rules, objects,
 * flowtables); a transaction by someone else between two of them would tear it. Reading the
 * generation before and after is not enough: the kernel makes a transaction's objects visible
 * before it counts the new generation (measured: "add table, delete table, add table" shows an
 * empty table at the old generation while it is being processed), and it counts the generation
 * before it has made everything visible. So a read counts only when no transaction was in
 * progress when it started nor completed while it ran: before and after the dumps we wait,
 * through the kernel's commit lock, for any transaction in progress to finish, and check that
 * the generation is still the one read first ({@link NftRequests#stillAt}). A dump that finds
 * the table or a set gone (ENOENT) means someone deleted it meanwhile. Either way we read
 * again, paced and bounded by {@link ContentionPacing}. (A transaction the kernel aborts leaves the generation
 * as it was; a read that ran during one may show objects it prepared. Such aborts are
 * refused batches, rare and short.)
 */
public final class KernelReader {
    /** A dump over every family. */
    private static final int NFPROTO_UNSPEC = 0;

    private KernelReader() {
    }

    /**
     * One consistent read of the table, mapped into ours and foreign; read again, paced by
     * {@link ContentionPacing}, while others' commits spoil the reads.
     */
    public static ReadBack read(NetlinkSocket socket, String table, Family family) {
        return read(socket, table, family, ContentionPacing.start());
    }

    /** As {@link #read(NetlinkSocket, String, Family)}, within the pacing of the operation it is part of. */
    static ReadBack read(NetlinkSocket socket, String table, Family family, ContentionPacing pacing) {
        int first = -1;
        int last;
        do {
            int before = NftRequests.generation(socket);
            if (first == -1) {
                first = before;
            }
            if (NftRequests.stillAt(socket, before)) {
                try {
                    Optional<TableDump> dump = dump(socket, table, family);
                    if (NftRequests.stillAt(socket, before)) {
                        return new ReadBack(before, dump.map(TableMapping::map));
                    }
                } catch (DumpInterruptedException e) {
                    // Each of a dump's own retries was interrupted by a commit: as spoiled as the rest.
                } catch (KernelException e) {
                    // Only someone else's transaction makes an object vanish between our dumps.
                    if (e.errno() != KernelException.ENOENT) {
                        throw e;
                    }
                }
            }
            last = NftRequests.generation(socket);
        } while (pacing.pauseBeforeAnotherAttempt());
        throw new ConcurrentChangeException("reading table " + family.nftName() + " " + table,
                pacing.describe("reads"), first, last);
    }

    /** Whether the table exists, without reading its contents. */
    public static boolean exists(NetlinkSocket socket, String table, Family family) {
        return tableFlags(socket, table, family).isPresent();
    }

    /** Every dump of one table, or empty when it does not exist. */
    static Optional<TableDump> dump(NetlinkSocket socket, String table, Family family) {
        OptionalInt flags = tableFlags(socket, table, family);
        if (flags.isEmpty()) {
            return Optional.empty();
        }
        List<TableDump.SetDump> sets = new ArrayList<>();
        for (TableDump.SetDump set : sets(socket, table, family)) {
            sets.add(set.withElements(elements(socket, table, family, set)));
        }
        return Optional.of(new TableDump(table, family, flags.getAsInt(), sets, chains(socket, table, family),
                rules(socket, table, family), objects(socket, table, family), flowtables(socket, table, family)));
    }

    private static OptionalInt tableFlags(NetlinkSocket socket, String table, Family family) {
        int[] flags = {0};
        try (NftnlTable request = NftnlTable.create(table, family.code())) {
            NftRequests.get(socket, Netlink.NFT_MSG_GETTABLE, family.code(), "reading table " + family.nftName()
                    + " " + table, request::buildPayload, message -> {
                        try (NftnlTable answer = NftnlTable.parse(message)) {
                            flags[0] = answer.flags();
                        }
                    });
            return OptionalInt.of(flags[0]);
        } catch (KernelException e) {
            if (e.errno() == KernelException.ENOENT) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }

    /** The sets' attributes; each parsed set is copied out and freed before the next message. */
    private static List<TableDump.SetDump> sets(NetlinkSocket socket, String table, Family family) {
        List<TableDump.SetDump> sets = new ArrayList<>();
        try (NftnlSet request = NftnlSet.reference(table, null, family.code())) {
            NftRequests.dump(socket, Netlink.NFT_MSG_GETSET, family.code(), "reading the sets of " + table,
                    request::buildPayload, message -> {
                        try (NftnlSet set = NftnlSet.parse(message)) {
                            if (table.equals(set.table())) {
                                sets.add(new TableDump.SetDump(set.name(), set.flags(), set.keyType(), set.keyLength(),
                                        set.dataType(), set.dataLength(), set.objectType(), set.policy(), set.size(),
                                        set.timeoutMs(), set.gcIntervalMs(), set.hasExpressions(),
                                        set.isConcatenation(), List.of()));
                            }
                        }
                    });
        }
        return sets;
    }

    /** Read in Java (SetElementsMessage): libnftnl took eight native calls per element. */
    private static List<NftnlSet.Element> elements(NetlinkSocket socket, String table, Family family,
                                                   TableDump.SetDump set) {
        List<NftnlSet.Element> elements = new ArrayList<>();
        try (NftnlSet request = NftnlSet.reference(table, set.name(), family.code())) {
            NftRequests.dump(socket, Netlink.NFT_MSG_GETSETELEM, family.code(), "reading the elements of set " + set.name(),
                    request::buildPayload, message -> elements.addAll(SetElementsMessage.read(message,
                            set.mayHoldElementData())));
        }
        return elements;
    }

    private static List<TableDump.RuleDump> rules(NetlinkSocket socket, String table, Family family) {
        List<TableDump.RuleDump> rules = new ArrayList<>();
        try (NftnlRule request = NftnlRule.filterByTable(table, family.code())) {
            NftRequests.dump(socket, Netlink.NFT_MSG_GETRULE, family.code(), "reading the rules of " + table,
                    request::buildPayload, message -> {
                        try (NftnlRule rule = NftnlRule.parse(message)) {
                            if (table.equals(rule.table())) {
                                List<Expr> exprs = rule.expressions().stream().map(ExprCodec::decode).toList();
                                rules.add(new TableDump.RuleDump(rule.chain(), exprs, RuleComment.decode(rule.userdata())));
                            }
                        }
                    });
        }
        return rules;
    }

    private static List<TableDump.ChainDump> chains(NetlinkSocket socket, String table, Family family) {
        List<TableDump.ChainDump> chains = new ArrayList<>();
        try (NftnlChain request = NftnlChain.filterByTable(table, family.code())) {
            NftRequests.dump(socket, Netlink.NFT_MSG_GETCHAIN, family.code(), "reading the chains of " + table,
                    request::buildPayload, message -> {
                        try (NftnlChain chain = NftnlChain.parse(message)) {
                            if (table.equals(chain.table())) {
                                chains.add(chain.isBaseChain()
                                        ? new TableDump.ChainDump(chain.name(), true, chain.type(), chain.hookNumber(),
                                        chain.priority(), chain.policy(), chain.device(), chain.flags())
                                        : TableDump.ChainDump.regular(chain.name()));
                            }
                        }
                    });
        }
        return chains;
    }

    /**
     * Every chain of every table and family in the namespace: what else filters or rewrites
     * packets beside our table (Docker's own chains, firewalld, ufw, iptables-nft).
     */
    public static List<HookedChain> allChains(NetlinkSocket socket) {
        List<HookedChain> chains = new ArrayList<>();
        NftRequests.dump(socket, Netlink.NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, "reading every chain", header -> {
        }, message -> {
            try (NftnlChain chain = NftnlChain.parse(message)) {
                chains.add(new HookedChain(chain.family(), chain.table(), chain.name(), chain.isBaseChain(),
                        chain.isBaseChain() ? chain.type() : "", chain.isBaseChain() ? chain.hookNumber() : -1,
                        chain.isBaseChain() ? chain.priority() : 0,
                        chain.isBaseChain() ? chain.policy().stream().mapToObj(p -> p == 0 ? "drop" : "accept").findFirst()
                                .orElse("accept") : ""));
            }
        });
        return chains;
    }

    private static List<TableDump.ObjectDump> objects(NetlinkSocket socket, String table, Family family) {
        List<TableDump.ObjectDump> objects = new ArrayList<>();
        try (NftnlObject request = NftnlObject.filterByTable(table, family.code())) {
            NftRequests.dump(socket, Netlink.NFT_MSG_GETOBJ, family.code(), "reading the stateful objects of " + table,
                    request::buildPayload, message -> {
                        try (NftnlObject object = NftnlObject.parse(message)) {
                            if (table.equals(object.table())) {
                                objects.add(new TableDump.ObjectDump(object.type(), object.name(), state(object),
                                        object.describe()));
                            }
                        }
                    });
        }
        return objects;
    }

    private static List<Long> state(NftnlObject object) {
        return switch (object.type()) {
            case TableDump.ObjectDump.COUNTER -> List.of(object.u64(NftnlAttr.OBJ_CTR_PKTS), object.u64(NftnlAttr.OBJ_CTR_BYTES));
            case TableDump.ObjectDump.QUOTA -> List.of(object.u64(NftnlAttr.OBJ_QUOTA_BYTES),
                    object.u64(NftnlAttr.OBJ_QUOTA_CONSUMED), object.u32(NftnlAttr.OBJ_QUOTA_FLAGS));
            case TableDump.ObjectDump.LIMIT -> List.of(object.u64(NftnlAttr.OBJ_LIMIT_RATE), object.u64(NftnlAttr.OBJ_LIMIT_UNIT),
                    object.u32(NftnlAttr.OBJ_LIMIT_BURST), object.u32(NftnlAttr.OBJ_LIMIT_TYPE), object.u32(NftnlAttr.OBJ_LIMIT_FLAGS));
            default -> List.of();
        };
    }

    private static List<TableDump.FlowtableDump> flowtables(NetlinkSocket socket, String table, Family family) {
        List<TableDump.FlowtableDump> flowtables = new ArrayList<>();
        try (NftnlFlowtable request = NftnlFlowtable.filterByTable(table, family.code())) {
            NftRequests.dump(socket, Netlink.NFT_MSG_GETFLOWTABLE, family.code(), "reading the flowtables of " + table,
                    request::buildPayload, message -> {
                        try (NftnlFlowtable flowtable = NftnlFlowtable.parse(message)) {
                            if (table.equals(flowtable.table())) {
                                flowtables.add(new TableDump.FlowtableDump(flowtable.name(), flowtable.hookNumber(),
                                        flowtable.priority(), flowtable.devices()));
                            }
                        }
                    });
        }
        return flowtables;
    }
}
