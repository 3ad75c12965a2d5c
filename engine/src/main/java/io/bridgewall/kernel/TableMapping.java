package io.bridgewall.kernel;

import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.plan.Planner;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.InterfaceKeys;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleDecompiler;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.SetElement;
import io.bridgewall.ruleset.ServiceKeys;
import io.bridgewall.ruleset.SetType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sorts what the kernel holds ({@link TableDump}) into the part bridgewall's model expresses
 * and the foreign rest. Pure. An object counts as ours only when every attribute that changes
 * what the kernel does is one bridgewall sets: a set of one of our names and key types with
 * flags 0 or interval and nothing else (no map data, timeout, size, policy, per-element
 * expressions); a base chain of one of our names on one of our hooks, with no device or flags.
 */
final class TableMapping {
    private TableMapping() {
    }

    static InstalledTable map(TableDump dump) {
        List<Foreign> foreign = new ArrayList<>();
        if (dump.flags() != 0) {
            foreign.add(new Foreign.TableFlags(dump.flags()));
        }
        List<NamedSet> sets = new ArrayList<>();
        for (TableDump.SetDump set : dump.sets()) {
            Optional<String> why = whyNotOurs(set);
            if (why.isPresent()) {
                foreign.add(new Foreign.ForeignSet(set, why.get()));
                continue;
            }
            SetType type = SetType.byDatatype(set.keyType()).orElseThrow();
            boolean interval = set.flags() == NamedSet.FLAG_INTERVAL;
            List<SetElement> elements = KernelElements.decode(set.elements(), interval, set.keyLength());
            // An interface-name range is ours only as a name or a trailing-* pattern, the two things nft can write.
            if (type == SetType.IFNAME && elements.stream().anyMatch(e -> InterfaceKeys.text(e).isEmpty())) {
                foreign.add(new Foreign.ForeignSet(set, "interface-name keys that are neither a name nor a prefix*"));
                continue;
            }
            if (type == SetType.IFNAME_PAIR && (interval || elements.stream().anyMatch(e -> InterfaceKeys.pairText(e).isEmpty()))) {
                foreign.add(new Foreign.ForeignSet(set, "interface-name pairs that are not two names"));
                continue;
            }
            if (ServiceKeys.isServiceType(type) && (interval || elements.stream().anyMatch(e -> ServiceKeys.text(type, e).isEmpty()))) {
                foreign.add(new Foreign.ForeignSet(set, "published-port keys with padding that is not zero"));
                continue;
            }
            sets.add(new NamedSet(set.name(), type, interval, elements));
        }
        Map<String, List<Rule>> rules = new LinkedHashMap<>();
        for (TableDump.RuleDump rule : dump.rules()) {
            rules.computeIfAbsent(rule.chain(), c -> new ArrayList<>())
                    .add(RuleDecompiler.decompile(rule.exprs(), rule.comment()));
        }
        List<Chain> chains = new ArrayList<>();
        for (TableDump.ChainDump chain : dump.chains()) {
            List<Rule> chainRules = rules.getOrDefault(chain.name(), List.of());
            Optional<Chain> ours = asOurs(chain, chainRules);
            if (ours.isPresent()) {
                chains.add(ours.get());
            } else {
                foreign.add(new Foreign.ForeignChain(chain, chainRules, whyNotOurs(chain)));
            }
        }
        dump.objects().forEach(object -> foreign.add(new Foreign.StatefulObject(object)));
        dump.flowtables().forEach(flowtable -> foreign.add(new Foreign.Flowtable(flowtable)));
        return new InstalledTable(new RuleSet(dump.table(), dump.family(), sets, chains), foreign);
    }

    private static Optional<String> whyNotOurs(TableDump.SetDump set) {
        if (!Planner.SET_NAMES.contains(set.name())) {
            return Optional.of("bridgewall makes no " + (set.isMap() ? "map" : "set") + " of this name");
        }
        if (set.dataType().isPresent()) {
            return Optional.of("a map to " + NftWords.dataType(set.dataType().getAsInt(), set.dataLength())
                    + ", bridgewall makes a plain set");
        }
        if (set.objectType().isPresent()) {
            return Optional.of("a map to " + NftWords.objectType(set.objectType().getAsInt())
                    + " objects, bridgewall makes a plain set");
        }
        Optional<SetType> type = SetType.byDatatype(set.keyType());
        if (type.isEmpty() || type.get().keyLength() != set.keyLength()) {
            return Optional.of("key type " + NftWords.keyType(set.keyType(), set.keyLength()));
        }
        if ((set.flags() & ~NamedSet.FLAG_INTERVAL) != 0) {
            return Optional.of("flags " + NftWords.setFlags(set.flags()));
        }
        if (set.timeoutMs().isPresent()) {
            return Optional.of("element timeout " + NftWords.duration(set.timeoutMs().getAsLong()));
        }
        if (set.gcIntervalMs().isPresent()) {
            return Optional.of("gc-interval " + NftWords.duration(set.gcIntervalMs().getAsInt()));
        }
        if (set.size().isPresent()) {
            return Optional.of("size limited to " + set.size().getAsInt() + " elements");
        }
        if (set.policy().isPresent() && set.policy().getAsInt() != 0) {
            return Optional.of("policy memory");
        }
        if (set.expressions()) {
            return Optional.of("stateful expressions on its elements");
        }
        if (set.concatenation()) {
            return Optional.of("a concatenated key");
        }
        boolean interval = set.flags() == NamedSet.FLAG_INTERVAL;
        for (NftnlSet.Element element : set.elements()) {
            if (NftWords.isCatchAll(element)) {
                return Optional.of("a catch-all element (*): it matches every key");
            }
            if (!element.isPlain()) {
                return Optional.of("elements with data, timeouts or expressions");
            }
            if (element.key().length != set.keyLength()
                    || (element.flags() & ~(interval ? NftnlSet.ELEMENT_INTERVAL_END : 0)) != 0) {
                return Optional.of("elements bridgewall cannot read (flags " + element.flags() + ", "
                        + element.key().length + "-byte key)");
            }
        }
        return Optional.empty();
    }

    private static Optional<Chain> asOurs(TableDump.ChainDump chain, List<Rule> rules) {
        if (!Planner.CHAIN_NAMES.contains(chain.name()) || !chain.base() || chain.policy().isEmpty()
                || !chain.device().isEmpty() || chain.flagsBeyondBase() != 0) {
            return Optional.empty();
        }
        Optional<Chain.ChainType> type = Arrays.stream(Chain.ChainType.values())
                .filter(t -> t.nftName().equals(chain.type())).findFirst();
        Optional<Chain.Hook> hook = Arrays.stream(Chain.Hook.values())
                .filter(h -> h.number() == chain.hook()).findFirst();
        Optional<Chain.Policy> policy = Arrays.stream(Chain.Policy.values())
                .filter(p -> p.verdict() == chain.policy().getAsInt()).findFirst();
        if (type.isEmpty() || hook.isEmpty() || policy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Chain(chain.name(), type.get(), hook.get(), chain.priority(), policy.get(), rules));
    }

    private static String whyNotOurs(TableDump.ChainDump chain) {
        if (!Planner.CHAIN_NAMES.contains(chain.name())) {
            return "bridgewall makes no chain of this name";
        }
        if (!chain.base()) {
            return "a regular chain, bridgewall's are base chains";
        }
        if (!chain.device().isEmpty()) {
            return "bound to device " + NftWords.printable(chain.device());
        }
        if (chain.flagsBeyondBase() != 0) {
            return "chain flags " + NftWords.chainFlags(chain.flagsBeyondBase());
        }
        return "type " + NftWords.printable(chain.type()) + " hook " + NftWords.hook(chain.hook())
                + " is not a kind bridgewall makes";
    }
}
