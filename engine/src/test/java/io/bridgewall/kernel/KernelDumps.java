package io.bridgewall.kernel;

import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.RuleCompiler;
import io.bridgewall.ruleset.RuleSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * What the kernel's dumps return for a table bridgewall installed: the same shapes
 * {@link KernelReader} copies out of libnftnl, with elements in hash order (shuffled).
 */
final class KernelDumps {
    private KernelDumps() {
    }

    static TableDump of(RuleSet ruleSet) {
        return of(ruleSet, new Random(7));
    }

    static TableDump of(RuleSet ruleSet, Random hashOrder) {
        List<TableDump.SetDump> sets = ruleSet.sets().stream().map(set -> setDump(set, hashOrder)).toList();
        List<TableDump.ChainDump> chains = ruleSet.chains().stream().map(KernelDumps::chainDump).toList();
        List<TableDump.RuleDump> rules = new ArrayList<>();
        for (Chain chain : ruleSet.chains()) {
            chain.rules().forEach(rule -> rules.add(new TableDump.RuleDump(chain.name(), RuleCompiler.compile(rule), rule.comment())));
        }
        return new TableDump(ruleSet.table(), ruleSet.family(), 0, sets, chains, rules, List.of(), List.of());
    }

    static TableDump.SetDump setDump(NamedSet set, Random hashOrder) {
        List<NftnlSet.Element> elements = new ArrayList<>(KernelElements.encode(set).stream()
                .map(e -> new NftnlSet.Element(e.key().toArray(), e.flags())).toList());
        Collections.shuffle(elements, hashOrder);
        return TableDump.SetDump.plain(set.name(), set.flags(), set.type().datatype(), set.type().keyLength(), elements);
    }

    static TableDump.ChainDump chainDump(Chain chain) {
        return new TableDump.ChainDump(chain.name(), true, chain.type().nftName(), chain.hook().number(), chain.priority(),
                OptionalInt.of(chain.policy().verdict()), "", TableDump.ChainDump.FLAG_BASE);
    }

    /** The same dump with one set changed. */
    static TableDump withSet(TableDump dump, String name, UnaryOperator<TableDump.SetDump> change) {
        return new TableDump(dump.table(), dump.family(), dump.flags(),
                dump.sets().stream().map(s -> s.name().equals(name) ? change.apply(s) : s).toList(),
                dump.chains(), dump.rules(), dump.objects(), dump.flowtables());
    }
}
