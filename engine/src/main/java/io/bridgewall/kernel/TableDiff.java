package io.bridgewall.kernel;

import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What must change in the kernel to turn the installed table into the planned one. Pure.
 *
 * <p>Why not always replace the whole table: when a transaction deletes and recreates base
 * chains and sets, the kernel switches rules to the new generation first and finishes the
 * rest (a new base chain's drop policy, a new set's lookup data) a moment later in the same
 * commit. Packets in that moment slip through; the under-traffic lab test caught it. An
 * update that keeps the table, chains and sets, and only adds and deletes the elements and
 * rules that differ, never has a moment where a kept set or policy is not in force.
 */
final class TableDiff {
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
     * @param replaceWholeTable nothing usable is installed (first install, or a table whose
     *                          shape bridgewall cannot update in place): add, delete, add it all
     * @param changes           otherwise, the in-place update; empty when nothing differs
     */
    record Result(boolean replaceWholeTable, List<Change> changes) {
        boolean unchanged() {
            return !replaceWholeTable && changes.isEmpty();
        }

        static Result replace() {
            return new Result(true, List.of());
        }
    }

    private TableDiff() {
    }

    static Result between(Optional<KernelReader.Installed> installed, RuleSet planned) {
        if (installed.isEmpty() || !installed.get().unexpected().isEmpty()) {
            return Result.replace();
        }
        RuleSet current = installed.get().ruleSet().comparable();
        RuleSet wanted = planned.comparable();
        Map<String, NamedSet> currentSets = byName(current.sets(), NamedSet::name);
        Map<String, Chain> currentChains = byName(current.chains(), Chain::name);

        List<Change> createSets = new ArrayList<>();
        List<Change> deleteElements = new ArrayList<>();
        List<Change> addElements = new ArrayList<>();
        for (NamedSet set : wanted.sets()) {
            NamedSet existing = currentSets.get(set.name());
            if (existing == null) {
                createSets.add(new Change.CreateSet(set));
                continue;
            }
            if (existing.type() != set.type() || existing.interval() != set.interval()) {
                return Result.replace();
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
        }

        List<Change> chainChanges = new ArrayList<>();
        for (Chain chain : wanted.chains()) {
            Chain existing = currentChains.get(chain.name());
            if (existing == null) {
                chainChanges.add(new Change.CreateChain(chain));
                continue;
            }
            if (existing.type() != chain.type() || existing.hook() != chain.hook()
                    || existing.priority() != chain.priority()) {
                return Result.replace();
            }
            if (existing.policy() != chain.policy()) {
                chainChanges.add(new Change.SetPolicy(chain));
            }
            if (!sameRules(existing.rules(), chain.rules())) {
                chainChanges.add(new Change.ReplaceRules(chain));
            }
        }

        Set<String> wantedChains = wanted.chains().stream().map(Chain::name).collect(Collectors.toSet());
        Set<String> wantedSets = wanted.sets().stream().map(NamedSet::name).collect(Collectors.toSet());
        List<Change> changes = new ArrayList<>(createSets);
        changes.addAll(deleteElements);
        changes.addAll(addElements);
        changes.addAll(chainChanges);
        current.chains().stream().map(Chain::name).filter(n -> !wantedChains.contains(n))
                .forEach(n -> changes.add(new Change.DeleteChain(n)));
        current.sets().stream().map(NamedSet::name).filter(n -> !wantedSets.contains(n))
                .forEach(n -> changes.add(new Change.DeleteSet(n)));
        return new Result(false, changes);
    }

    private static boolean sameRules(List<Rule> installed, List<Rule> planned) {
        return installed.equals(planned);
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        return items.stream().collect(Collectors.toMap(name, Function.identity(), (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
