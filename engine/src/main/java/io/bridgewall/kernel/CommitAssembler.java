package io.bridgewall.kernel;

import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkAttributes;
import io.bridgewall.netlink.NetlinkMessage;
import io.bridgewall.ruleset.Family;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gathers nf_tables notifications into one {@link RulesetMonitor.Commit} per committed
 * transaction. Pure: bytes in, commits out. The kernel sends a transaction's notifications
 * under its commit lock, object messages first and NFT_MSG_NEWGEN last, so everything between
 * two NEWGENs belongs to the second. Only the nfgenmsg header and two string attributes are
 * read, in Java, with every length checked; nothing reaches libnftnl.
 */
final class CommitAssembler {
    /** Enough for our whole table deleted (every rule line, set and chain) and a few changes of others. */
    static final int MAX_DESCRIBED = 30;

    private final String table;
    private final Family family;
    /** Change description -> how many messages said it; ours and others apart, in arrival order. */
    private final Map<String, Integer> ours = new LinkedHashMap<>();
    private final Map<String, Integer> others = new LinkedHashMap<>();

    CommitAssembler(String table, Family family) {
        this.table = table;
        this.family = family;
    }

    /**
     * Takes one notification; returns the commit it completes (its NEWGEN), or a "notifications
     * lost" commit when the message cannot be read, which fails safe the same way.
     */
    Optional<RulesetMonitor.Commit> offer(NetlinkMessage message) {
        if (message.type() == Netlink.NLMSG_OVERRUN) {
            return Optional.of(lost("the kernel reported an overrun"));
        }
        if (message.type() >> 8 != Netlink.NFNL_SUBSYS_NFTABLES) {
            return Optional.empty(); // NLMSG_NOOP padding, or another subsystem: not a change
        }
        if (message.length() < Netlink.NLMSG_HDRLEN + Netlink.NFGENMSG_LENGTH) {
            return Optional.of(lost("unreadable notification: " + message.length() + " bytes, shorter than its headers"));
        }
        NetlinkAttributes attributes;
        try {
            attributes = NetlinkAttributes.of(message, Netlink.NLMSG_HDRLEN + Netlink.NFGENMSG_LENGTH);
        } catch (KernelException e) {
            return Optional.of(lost("unreadable notification: " + e.getMessage()));
        }
        int kind = message.type() & 0xff;
        if (kind == Netlink.NFT_MSG_NEWGEN) {
            if (attributes.u32(Netlink.NFTA_GEN_ID).isEmpty()) {
                return Optional.of(lost("unreadable notification: a new generation without its id"));
            }
            RulesetMonitor.Commit commit = new RulesetMonitor.Commit(attributes.u32(Netlink.NFTA_GEN_ID).getAsInt(),
                    attributes.u32(Netlink.NFTA_GEN_PROC_PID).orElse(0), attributes.string(Netlink.NFTA_GEN_PROC_NAME).orElse(""),
                    !ours.isEmpty(), described());
            clear();
            return Optional.of(commit);
        }
        int messageFamily = message.bytes().get(Netlink.NLMSG_HDRLEN) & 0xff;
        String messageTable = attributes.string(Netlink.NFTA_OBJECT_TABLE).orElse("");
        String change = describe(kind, messageFamily, messageTable, attributes);
        Map<String, Integer> side = messageFamily == family.code() && messageTable.equals(table) ? ours : others;
        side.merge(change, 1, Integer::sum);
        return Optional.empty();
    }

    /**
     * Notifications were dropped: what was gathered belongs to a transaction whose other
     * messages are gone, so it is thrown away and the caller told to read everything again.
     */
    RulesetMonitor.Commit lost(String why) {
        clear();
        return new RulesetMonitor.Commit(0, 0, "", true, List.of(RulesetMonitor.Commit.NOTIFICATIONS_LOST, why));
    }

    private void clear() {
        ours.clear();
        others.clear();
    }

    private List<String> described() {
        List<String> lines = new ArrayList<>();
        int total = ours.size() + others.size();
        for (Map<String, Integer> side : List.of(ours, others)) {
            // A table added or deleted is the headline of its side: first, before the rules and sets it took along.
            List<Map.Entry<String, Integer>> changes = new ArrayList<>(side.entrySet());
            changes.sort(java.util.Comparator.comparing(change -> !isTableChange(change.getKey())));
            for (Map.Entry<String, Integer> change : changes) {
                if (lines.size() == MAX_DESCRIBED) {
                    lines.add("and " + (total - MAX_DESCRIBED) + " more");
                    return lines;
                }
                lines.add(change.getValue() == 1 ? change.getKey() : change.getKey() + " (x" + change.getValue() + ")");
            }
        }
        return lines;
    }

    private static boolean isTableChange(String description) {
        return description.matches("\\S+ table .*");
    }

    /** "delete chain inet bridgewall forward", "add element inet bridgewall bridges", "add rule ip nat postrouting". */
    private static String describe(int kind, int family, String table, NetlinkAttributes attributes) {
        String verb;
        String object;
        int nameAttribute = 2;
        switch (kind) {
            case Netlink.NFT_MSG_NEWTABLE, Netlink.NFT_MSG_DELTABLE -> {
                object = "table";
                nameAttribute = 0;
            }
            case Netlink.NFT_MSG_NEWCHAIN, Netlink.NFT_MSG_DELCHAIN -> {
                object = "chain";
                nameAttribute = 3; // NFTA_CHAIN_NAME
            }
            case Netlink.NFT_MSG_NEWRULE, Netlink.NFT_MSG_DELRULE -> object = "rule"; // attribute 2: its chain
            case Netlink.NFT_MSG_NEWSET, Netlink.NFT_MSG_DELSET -> object = "set";
            case Netlink.NFT_MSG_NEWSETELEM, Netlink.NFT_MSG_DELSETELEM -> object = "element"; // attribute 2: its set
            case Netlink.NFT_MSG_NEWOBJ, Netlink.NFT_MSG_DELOBJ -> object = "object";
            case Netlink.NFT_MSG_NEWFLOWTABLE, Netlink.NFT_MSG_DELFLOWTABLE -> object = "flowtable";
            default -> {
                return "message " + kind + " " + Family.nameOf(family) + " " + table;
            }
        }
        verb = switch (kind) {
            case Netlink.NFT_MSG_NEWTABLE, Netlink.NFT_MSG_NEWCHAIN, Netlink.NFT_MSG_NEWRULE, Netlink.NFT_MSG_NEWSET,
                 Netlink.NFT_MSG_NEWSETELEM, Netlink.NFT_MSG_NEWOBJ, Netlink.NFT_MSG_NEWFLOWTABLE -> "add";
            default -> "delete";
        };
        String name = nameAttribute == 0 ? "" : attributes.string(nameAttribute).map(n -> " " + n).orElse("");
        return verb + " " + object + " " + Family.nameOf(family) + " " + table + name;
    }
}
