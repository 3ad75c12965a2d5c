package io.bridgewall.ruleset;

import java.util.List;
import java.util.Optional;

/** Everything bridgewall owns in the kernel: one table with its sets and chains. */
public record RuleSet(String table, Family family, List<NamedSet> sets, List<Chain> chains) {
    public RuleSet {
        sets = List.copyOf(sets);
        chains = List.copyOf(chains);
    }

    public Optional<NamedSet> set(String name) {
        return sets.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<Chain> chain(String name) {
        return chains.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public int ruleCount() {
        return chains.stream().mapToInt(c -> c.rules().size()).sum();
    }
}
