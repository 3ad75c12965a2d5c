package io.bridgewall.kernel;

import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.nftnl.NftRequests;
import io.bridgewall.nftnl.NftnlChain;
import io.bridgewall.nftnl.NftnlRule;
import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.nftnl.NftnlTable;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Expr;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleDecompiler;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.SetType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads our table back from the kernel over netlink into the same model the planner makes. */
public final class KernelReader {
    private KernelReader() {
    }

    /**
     * What the kernel holds for our table.
     *
     * @param ruleSet    the table in our model
     * @param unexpected what is in the table that bridgewall would never have put there
     */
    public record Installed(RuleSet ruleSet, List<String> unexpected) {
    }

    public static Optional<Installed> read(NetlinkSocket socket, String table, Family family) {
        if (!exists(socket, table, family)) {
            return Optional.empty();
        }
        List<String> unexpected = new ArrayList<>();
        List<NamedSet> sets = readSets(socket, table, family, unexpected);
        Map<String, List<Rule>> rules = readRules(socket, table, family);
        List<Chain> chains = readChains(socket, table, family, rules, unexpected);
        return Optional.of(new Installed(new RuleSet(table, family, sets, chains), unexpected));
    }

    /** Whether the table exists, without reading its contents. */
    public static boolean exists(NetlinkSocket socket, String table, Family family) {
        try (NftnlTable request = NftnlTable.create(table, family.code())) {
            NftRequests.get(socket, Netlink.NFT_MSG_GETTABLE, family.code(), "reading table " + family.nftName()
                    + " " + table, request::buildPayload, message -> { });
            return true;
        } catch (KernelException e) {
            if (e.errno() == KernelException.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    private static List<NamedSet> readSets(NetlinkSocket socket, String table, Family family, List<String> unexpected) {
        List<NamedSet> sets = new ArrayList<>();
        List<NftnlSet> parsed = new ArrayList<>();
        try (NftnlSet request = NftnlSet.reference(table, null, family.code())) {
            NftRequests.dump(socket, Netlink.NFT_MSG_GETSET, family.code(), "reading the sets of " + table,
                    request::buildPayload, message -> parsed.add(NftnlSet.parse(message)));
        }
        for (NftnlSet set : parsed) {
            try (set) {
                if (!table.equals(set.table())) {
                    continue;
                }
                Optional<SetType> type = SetType.byDatatype(set.keyType());
                if (type.isEmpty() || type.get().keyLength() != set.keyLength()) {
                    unexpected.add("set " + set.name() + " has key type " + set.keyType() + " of " + set.keyLength() + " bytes");
                    continue;
                }
                boolean interval = (set.flags() & NamedSet.FLAG_INTERVAL) != 0;
                List<NftnlSet.Element> elements = readElements(socket, table, family, set.name());
                sets.add(new NamedSet(set.name(), type.get(), interval,
                        KernelElements.decode(elements, interval, set.keyLength())));
            }
        }
        return sets;
    }

    private static List<NftnlSet.Element> readElements(NetlinkSocket socket, String table, Family family, String name) {
        try (NftnlSet holder = NftnlSet.reference(table, name, family.code())) {
            NftRequests.dump(socket, Netlink.NFT_MSG_GETSETELEM, family.code(), "reading the elements of set " + name,
                    holder::buildPayload, holder::parseElements);
            return holder.elements();
        }
    }

    private static Map<String, List<Rule>> readRules(NetlinkSocket socket, String table, Family family) {
        Map<String, List<Rule>> byChain = new LinkedHashMap<>();
        try (NftnlRule request = NftnlRule.filterByTable(table, family.code())) {
            NftRequests.dump(socket, Netlink.NFT_MSG_GETRULE, family.code(), "reading the rules of " + table,
                    request::buildPayload, message -> {
                        try (NftnlRule rule = NftnlRule.parse(message)) {
                            if (!table.equals(rule.table())) {
                                return;
                            }
                            List<Expr> exprs = rule.expressions().stream().map(ExprCodec::decode).toList();
                            byChain.computeIfAbsent(rule.chain(), c -> new ArrayList<>())
                                    .add(RuleDecompiler.decompile(exprs, RuleComment.decode(rule.userdata())));
                        }
                    });
        }
        return byChain;
    }

    private static List<Chain> readChains(NetlinkSocket socket, String table, Family family,
                                          Map<String, List<Rule>> rules, List<String> unexpected) {
        List<Chain> chains = new ArrayList<>();
        try (NftnlChain request = NftnlChain.filterByTable(table, family.code())) {
            NftRequests.dump(socket, Netlink.NFT_MSG_GETCHAIN, family.code(), "reading the chains of " + table,
                    request::buildPayload, message -> {
                        try (NftnlChain chain = NftnlChain.parse(message)) {
                            if (!table.equals(chain.table())) {
                                return;
                            }
                            toModel(chain, rules.getOrDefault(chain.name(), List.of()))
                                    .ifPresentOrElse(chains::add,
                                            () -> unexpected.add("chain " + chain.name() + " is not a base chain bridgewall makes"));
                        }
                    });
        }
        return chains;
    }

    private static Optional<Chain> toModel(NftnlChain chain, List<Rule> rules) {
        if (!chain.isBaseChain() || chain.policy().isEmpty()) {
            return Optional.empty();
        }
        Optional<Chain.ChainType> type = Arrays.stream(Chain.ChainType.values())
                .filter(t -> t.nftName().equals(chain.type())).findFirst();
        Optional<Chain.Hook> hook = Arrays.stream(Chain.Hook.values())
                .filter(h -> h.number() == chain.hookNumber()).findFirst();
        Optional<Chain.Policy> policy = Arrays.stream(Chain.Policy.values())
                .filter(p -> p.verdict() == chain.policy().getAsInt()).findFirst();
        if (type.isEmpty() || hook.isEmpty() || policy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Chain(chain.name(), type.get(), hook.get(), chain.priority(), policy.get(), rules));
    }
}
