package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.kernel.TableDiff.Change;
import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Port;
import io.bridgewall.policy.Protocol;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.testing.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Applying X and then Y converges to Y and verifies, for every pair of policies built from the
 * policy's parts (host input managed or not, other ports; no bridges, IPv4 only, IPv6 subnets,
 * internal networks, networks without masquerade), in both orders. The kernel is modelled as
 * it behaves: objects it creates go to the end of its lists, elements come back in hash order.
 */
class ConvergenceTest {
    private static final List<HostInput> INPUTS = List.of(HostInput.defaults(), HostInput.unmanaged(),
            new HostInput(true, List.of(new Port(80, Protocol.TCP), new Port(53, Protocol.UDP), new Port(22, Protocol.TCP))));
    private static final Bridge DOCKER0 = Fixtures.bridge("docker0", true, false, "", "172.17.0.0/16");
    private static final Bridge WITH_V6 = Fixtures.bridge("br-v6", true, false, "", "10.20.0.0/24", "fd00:20::/64");
    private static final Bridge INTERNAL = Fixtures.bridge("br-int", true, true, "", "10.30.0.0/24", "fd00:30::/64");
    private static final Bridge NO_MASQUERADE = Fixtures.bridge("br-direct", false, false, "", "10.40.0.0/24", "fd00:40::/64");
    private static final List<List<Bridge>> BRIDGES = List.of(List.of(), List.of(DOCKER0), List.of(DOCKER0, WITH_V6),
            List.of(DOCKER0, INTERNAL), List.of(NO_MASQUERADE), List.of(DOCKER0, WITH_V6, INTERNAL, NO_MASQUERADE));

    static List<RuleSet> plans() {
        List<RuleSet> plans = new ArrayList<>();
        for (HostInput input : INPUTS) {
            for (List<Bridge> bridges : BRIDGES) {
                plans.add(Planner.plan(new Policy(bridges, Policy.DEFAULT_BLOCKED, input)));
            }
        }
        return plans;
    }

    @Test
    void everyPairOfPoliciesConvergesInPlaceAndVerifiesInBothOrders() {
        List<RuleSet> plans = plans();
        Random hashOrder = new Random(42);
        int pairs = 0;
        for (RuleSet x : plans) {
            for (RuleSet y : plans) {
                if (x == y) {
                    continue;
                }
                SimulatedKernel kernel = new SimulatedKernel(hashOrder);
                kernel.apply(TableDiff.between(kernel.readBack(), x), x);
                assertThat(verify(kernel, x)).as("X installed").isEmpty();

                TableDiff.Result toY = TableDiff.between(kernel.readBack(), y);
                assertThat(toY.replaceWholeTable()).as("policy changes are in place").isFalse();
                assertThat(toY.differences()).isNotEmpty();
                kernel.apply(toY, y);

                assertThat(verify(kernel, y)).as("X then Y verifies Y\nX: %s\nY: %s", x, y).isEmpty();
                assertThat(TableDiff.between(kernel.readBack(), y).unchanged()).isTrue();
                pairs++;
            }
        }
        assertThat(pairs).isEqualTo(18 * 17);
    }

    @Test
    void noInputThenInputVerifiesAlthoughTheKernelListsTheInputChainLast() {
        RuleSet noInput = Planner.plan(new Policy(List.of(DOCKER0), Policy.DEFAULT_BLOCKED, HostInput.unmanaged()));
        RuleSet withInput = Planner.plan(Policy.withDefaults(List.of(DOCKER0)));
        SimulatedKernel kernel = new SimulatedKernel(new Random(1));
        kernel.apply(TableDiff.between(kernel.readBack(), noInput), noInput);
        kernel.apply(TableDiff.between(kernel.readBack(), withInput), withInput);

        assertThat(kernel.readBack().orElseThrow().ours().chains()).extracting(Chain::name)
                .containsExactly(Planner.FORWARD, Planner.POSTROUTING, Planner.INPUT);
        assertThat(verify(kernel, withInput)).isEmpty();
    }

    private static List<String> verify(SimulatedKernel kernel, RuleSet plan) {
        Verification verification = Verification.judge(7, new ReadBack(7, kernel.readBack()), plan);
        assertThat(verification.verified()).as(verification.summary()).isEqualTo(verification.differences().isEmpty());
        return verification.differences();
    }

    /** nf_tables as far as the diff can tell: named objects in creation order, elements as a hash set. */
    private static final class SimulatedKernel {
        private final Random hashOrder;
        private final Map<String, NamedSet> setShapes = new LinkedHashMap<>();
        private final Map<String, Set<KernelElements.KernelElement>> elements = new LinkedHashMap<>();
        private final Map<String, Chain> chains = new LinkedHashMap<>();
        private boolean exists;

        SimulatedKernel(Random hashOrder) {
            this.hashOrder = hashOrder;
        }

        Optional<InstalledTable> readBack() {
            if (!exists) {
                return Optional.empty();
            }
            List<TableDump.SetDump> sets = setShapes.values().stream().map(set -> KernelDumps.setDump(
                    new NamedSet(set.name(), set.type(), set.interval(), List.of()), hashOrder)
                    .withElements(shuffled(elements.get(set.name())))).toList();
            RuleSet shape = new RuleSet(Planner.TABLE, io.bridgewall.ruleset.Family.INET, List.of(), List.copyOf(chains.values()));
            TableDump chainsAndRules = KernelDumps.of(shape);
            return Optional.of(TableMapping.map(new TableDump(Planner.TABLE, io.bridgewall.ruleset.Family.INET, 0, sets,
                    chainsAndRules.chains(), chainsAndRules.rules(), List.of(), List.of())));
        }

        private List<NftnlSet.Element> shuffled(Set<KernelElements.KernelElement> kept) {
            List<NftnlSet.Element> out = new ArrayList<>(kept.stream()
                    .map(e -> new NftnlSet.Element(e.key().toArray(), e.flags())).toList());
            java.util.Collections.shuffle(out, hashOrder);
            return out;
        }

        void apply(TableDiff.Result diff, RuleSet planned) {
            if (diff.replaceWholeTable()) {
                exists = true;
                setShapes.clear();
                elements.clear();
                chains.clear();
                planned.sets().forEach(set -> apply(new Change.CreateSet(set)));
                planned.chains().forEach(chain -> apply(new Change.CreateChain(chain)));
                return;
            }
            diff.changes().forEach(this::apply);
        }

        private void apply(Change change) {
            if (change instanceof Change.CreateSet c) {
                setShapes.put(c.set().name(), c.set());
                elements.put(c.set().name(), new LinkedHashSet<>(KernelElements.encode(c.set())));
            } else if (change instanceof Change.DeleteElements c) {
                c.elements().forEach(elements.get(c.set().name())::remove);
            } else if (change instanceof Change.AddElements c) {
                elements.get(c.set().name()).addAll(c.elements());
            } else if (change instanceof Change.CreateChain c) {
                chains.put(c.chain().name(), c.chain());
            } else if (change instanceof Change.SetPolicy c) {
                Chain old = chains.get(c.chain().name());
                chains.put(old.name(), new Chain(old.name(), old.type(), old.hook(), old.priority(), c.chain().policy(), old.rules()));
            } else if (change instanceof Change.ReplaceRules c) {
                Chain old = chains.get(c.chain().name());
                chains.put(old.name(), new Chain(old.name(), old.type(), old.hook(), old.priority(), old.policy(), c.chain().rules()));
            } else if (change instanceof Change.DeleteChain c) {
                chains.remove(c.name());
            } else if (change instanceof Change.DeleteSet c) {
                setShapes.remove(c.name());
                elements.remove(c.name());
            }
        }
    }
}
