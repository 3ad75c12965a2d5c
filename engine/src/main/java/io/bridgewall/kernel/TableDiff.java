package io.bridgewall.kernel;

import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.SetElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What must change in the kernel to turn the installed table into the planned one. Pure.
 *
 * <p>Objects are compared as the kernel identifies them: sets and chains by name (the kernel
 * lists them in creation order, which says nothing), set elements as sets, rules in order
 * within their chain. Counter values and human notes are not compared. The table is
 * unchanged exactly when there is nothing to send; {@link Result#differences()} says in
 * words what differs, so "verified" and "nothing to do" are the same judgement.
 *
 * <p>Why not always replace the whole table: when a transaction deletes and recreates base
 * chains and sets, the kernel switches rules to the new generation first and finishes the
 * rest (a new base chain's drop policy, a new set's lookup data) a moment later in the same
 * commit. Packets in that moment slip through; the under-traffic lab test caught it. An
 * update that keeps the table, chains and sets, and only adds and deletes the elements and
 * rules that differ, never has a moment where a kept set or policy is not in force. Anything
 * foreign (see {@link TableMapping}) is the exception: the table is replaced whole.
 */
final class TableDiff {
    /** Differences named in words before the rest is summed up. */
    private static final int ELEMENTS_NAMED = 3;

    /** One step of an update, in the order the batch must carry them. */
    sealed interface Change {
        record CreateSet(NamedSet set) implements Change {
        }

        record DeleteElements(NamedSet set, List<KernelElements.KernelElement> elements) implements Change {
        }

        record AddElements(NamedSet set, List<KernelElements.KernelElement> elements) implements Change {
        }

        record CreateChain(Chain chain) implements Change {
        }

        record SetPolicy(Chain chain) implements Change {
        }

        /** Flush the chain's rules and add the planned ones, in the same transaction. */
        record ReplaceRules(Chain chain) implements Change {
        }

        record DeleteChain(String name) implements Change {
        }

        record DeleteSet(String name) implements Change {
        }
    }

    /**
     * @param replaceWholeTable nothing usable is installed (first install, or a table with
     *                          something foreign or a shape bridgewall cannot update in place):
     *                          add, delete, add it all
     * @param changes           otherwise, the in-place update; empty when nothing differs
     * @param differences       what differs between kernel and plan, in words; empty exactly
     *                          when nothing needs sending
     */
    record Result(boolean replaceWholeTable, List<Change> changes, List<String> differences) {
        Result {
            changes = List.copyOf(changes);
            // Names come from the kernel, where anyone may have put control characters.
            differences = differences.stream().map(NftWords::printable).toList();
        }

        boolean unchanged() {
            return !replaceWholeTable && changes.isEmpty();
        }

        static Result replace(List<String> why) {
            return new Result(true, List.of(), why);
        }
    }

    private TableDiff() {
    }

    static Result between(Optional<InstalledTable> installed, RuleSet planned) {
        if (installed.isEmpty()) {
            return Result.replace(List.of("table " + planned.family().nftName() + " " + planned.table() + " is not installed"));
        }
        if (!installed.get().foreign().isEmpty()) {
            return Result.replace(installed.get().foreign().stream()
                    .map(f -> "not made by bridgewall: " + f.describe()).toList());
        }
        RuleSet current = installed.get().ours();
        Map<String, NamedSet> currentSets = byName(current.sets(), NamedSet::name);
        Map<String, Chain> currentChains = byName(current.chains(), Chain::name);
        List<String> differences = new ArrayList<>();

        List<Change> createSets = new ArrayList<>();
        List<Change> deleteElements = new ArrayList<>();
        List<Change> addElements = new ArrayList<>();
        for (NamedSet set : planned.sets()) {
            NamedSet existing = currentSets.get(set.name());
            if (existing == null) {
                createSets.add(new Change.CreateSet(set));
                differences.add("set " + set.name() + " is missing");
                continue;
            }
            if (existing.type() != set.type() || existing.interval() != set.interval()) {
                return Result.replace(List.of("set " + set.name() + " is of type " + existing.type().nftName()
                        + (existing.interval() ? " with intervals" : "") + ", the plan has " + set.type().nftName()
                        + (set.interval() ? " with intervals" : "")));
            }
            KernelElements.Difference difference = KernelElements.difference(existing, set);
            List<KernelElements.KernelElement> gone = difference.gone();
            List<KernelElements.KernelElement> added = difference.added();
            if (!gone.isEmpty()) {
                deleteElements.add(new Change.DeleteElements(set, gone));
            }
            if (!added.isEmpty()) {
                addElements.add(new Change.AddElements(set, added));
            }
            if (!gone.isEmpty() || !added.isEmpty()) {
                differences.add(elementDifference(existing, set));
            }
        }

        List<Change> chainChanges = new ArrayList<>();
        for (Chain chain : planned.chains()) {
            Chain existing = currentChains.get(chain.name());
            if (existing == null) {
                chainChanges.add(new Change.CreateChain(chain));
                differences.add("chain " + chain.name() + " is missing");
                continue;
            }
            if (existing.type() != chain.type() || existing.hook() != chain.hook()
                    || existing.priority() != chain.priority()) {
                return Result.replace(List.of("chain " + chain.name() + " is type " + existing.type().nftName() + " hook "
                        + existing.hook().nftName() + " priority " + existing.priority() + ", the plan has type "
                        + chain.type().nftName() + " hook " + chain.hook().nftName() + " priority " + chain.priority()));
            }
            if (existing.policy() != chain.policy()) {
                chainChanges.add(new Change.SetPolicy(chain));
                differences.add("chain " + chain.name() + " has policy " + existing.policy().nftName() + ", the plan has "
                        + chain.policy().nftName());
            }
            ruleDifference(existing, chain).ifPresent(difference -> {
                chainChanges.add(new Change.ReplaceRules(chain));
                differences.add(difference);
            });
        }

        Set<String> wantedChains = planned.chains().stream().map(Chain::name).collect(Collectors.toSet());
        Set<String> wantedSets = planned.sets().stream().map(NamedSet::name).collect(Collectors.toSet());
        List<Change> changes = new ArrayList<>(createSets);
        changes.addAll(deleteElements);
        changes.addAll(addElements);
        changes.addAll(chainChanges);
        current.chains().stream().map(Chain::name).filter(n -> !wantedChains.contains(n)).forEach(n -> {
            changes.add(new Change.DeleteChain(n));
            differences.add("chain " + n + " is not in the plan");
        });
        current.sets().stream().map(NamedSet::name).filter(n -> !wantedSets.contains(n)).forEach(n -> {
            changes.add(new Change.DeleteSet(n));
            differences.add("set " + n + " is not in the plan");
        });
        return new Result(false, changes, differences);
    }

    /** The first rule that differs, counters not counted; empty when the rules are the same. */
    private static Optional<String> ruleDifference(Chain installed, Chain planned) {
        List<Rule> have = installed.rules().stream().map(Rule::withZeroCounters).toList();
        List<Rule> want = planned.rules().stream().map(Rule::withZeroCounters).toList();
        if (have.equals(want)) {
            return Optional.empty();
        }
        for (int i = 0; i < Math.max(have.size(), want.size()); i++) {
            String kernel = i < have.size() ? "`" + NftSyntax.ruleText(have.get(i)) + "`" : "nothing";
            String plan = i < want.size() ? "`" + NftSyntax.ruleText(want.get(i)) + "`" : "nothing";
            if (i >= have.size() || i >= want.size() || !have.get(i).equals(want.get(i))) {
                return Optional.of("chain " + planned.name() + " rule " + (i + 1) + " is " + kernel + ", the plan has " + plan
                        + " (" + have.size() + " rules, the plan has " + want.size() + ")");
            }
        }
        throw new IllegalStateException("rules differ but no rule does");
    }

    private static String elementDifference(NamedSet installed, NamedSet planned) {
        Set<SetElement> have = installed.elements().stream().map(SetElement::withoutNote).collect(Collectors.toCollection(LinkedHashSet::new));
        Set<SetElement> want = planned.elements().stream().map(SetElement::withoutNote).collect(Collectors.toCollection(LinkedHashSet::new));
        List<SetElement> extra = have.stream().filter(e -> !want.contains(e)).toList();
        List<SetElement> missing = want.stream().filter(e -> !have.contains(e)).toList();
        List<String> parts = new ArrayList<>();
        if (!extra.isEmpty()) {
            parts.add("holds " + extra.size() + " element(s) not planned: " + named(planned, extra));
        }
        if (!missing.isEmpty()) {
            parts.add("lacks " + missing.size() + " planned element(s): " + named(planned, missing));
        }
        if (parts.isEmpty()) {
            parts.add("stores its ranges split differently from the plan");
        }
        return "set " + planned.name() + " " + String.join("; ", parts);
    }

    private static String named(NamedSet set, List<SetElement> elements) {
        String named = elements.stream().limit(ELEMENTS_NAMED).map(e -> NftSyntax.elementText(set.type(), e))
                .collect(Collectors.joining(", "));
        return elements.size() > ELEMENTS_NAMED ? named + ", ..." : named;
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        return items.stream().collect(Collectors.toMap(name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }
}
