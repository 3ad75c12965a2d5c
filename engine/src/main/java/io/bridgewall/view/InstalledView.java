package io.bridgewall.view;

import io.bridgewall.kernel.Foreign;
import io.bridgewall.kernel.InstalledTable;
import io.bridgewall.kernel.ReadBack;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.Rule;
import java.util.ArrayList;
import java.util.List;

/**
 * What `show --json` prints: our table as one consistent read-back found it, each rule with its
 * counter, the counted drops gathered by reason, and whatever in the table bridgewall did not
 * put there. Pure: built from a {@link ReadBack}.
 *
 * @param installed  whether the table exists at {@code generation}; when not, everything else is empty
 * @param generation the ruleset generation the read saw (every dump ran at it)
 * @param drops      one entry per counted rule whose packets are dropped, in ruleset order: what
 *                   monitoring graphs
 * @param foreign    objects in our table bridgewall did not make (the next apply replaces the table)
 */
public record InstalledView(int format, String kind, TableId table, boolean installed, int generation,
                            RuleSetView ruleset, List<DropCounter> drops, List<ForeignView> foreign) implements View {
    public InstalledView {
        drops = List.copyOf(drops);
        foreign = List.copyOf(foreign);
    }

    public static InstalledView of(String table, Family family, ReadBack readBack) {
        TableId id = new TableId(family.nftName(), table);
        if (readBack.table().isEmpty()) {
            return new InstalledView(FORMAT, "show", id, false, readBack.generation(), RuleSetView.empty(), List.of(), List.of());
        }
        InstalledTable installed = readBack.table().get();
        return new InstalledView(FORMAT, "show", id, true, readBack.generation(),
                RuleSetView.of(installed.ours(), chain -> chain.rules().stream()
                        .<RuleSetView.RuleView>map(RuleSetView.RuleView.Installed::of).toList()),
                drops(installed.ours().chains()), installed.foreign().stream().map(ForeignView::of).toList());
    }

    /**
     * A drop counter.
     *
     * @param reason   the rule's comment ("container to private or local IPv4")
     * @param chain    the chain it is in
     * @param position the rule's place in its chain, from 0
     */
    public record DropCounter(String reason, String chain, int position, long packets, long bytes) {
    }

    /**
     * Counted rules that drop: verdict drop, or a rule that only counts at the end of a chain
     * whose policy is drop (the packets it counts are the policy's drops).
     */
    private static List<DropCounter> drops(List<Chain> chains) {
        List<DropCounter> out = new ArrayList<>();
        for (Chain chain : chains) {
            for (int i = 0; i < chain.rules().size(); i++) {
                Rule rule = chain.rules().get(i);
                RuleSetView.RuleView.Installed view = RuleSetView.RuleView.Installed.of(rule);
                boolean policyDrop = view.verdict().equals("continue") && i == chain.rules().size() - 1
                        && chain.policy() == Chain.Policy.DROP;
                if (view.counted() && !view.foreign() && (view.verdict().equals("drop") || policyDrop)) {
                    out.add(new DropCounter(rule.comment(), chain.name(), i, view.packets(), view.bytes()));
                }
            }
        }
        return out;
    }

    /**
     * Something in our table bridgewall did not make.
     *
     * @param kind        table_flags, set, chain, object, flowtable
     * @param description what it is and why it is not bridgewall's, in one line
     * @param nft         how `nft list` would print it, one line per element (no indentation of the table)
     */
    public record ForeignView(String kind, String description, List<String> nft) {
        public ForeignView {
            nft = List.copyOf(nft);
        }

        static ForeignView of(Foreign foreign) {
            String kind;
            if (foreign instanceof Foreign.TableFlags) {
                kind = "table_flags";
            } else if (foreign instanceof Foreign.ForeignSet) {
                kind = "set";
            } else if (foreign instanceof Foreign.ForeignChain) {
                kind = "chain";
            } else if (foreign instanceof Foreign.StatefulObject) {
                kind = "object";
            } else {
                kind = "flowtable";
            }
            return new ForeignView(kind, foreign.describe(), foreign.nftLines());
        }
    }
}
