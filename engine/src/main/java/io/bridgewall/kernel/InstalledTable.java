package io.bridgewall.kernel;

import io.bridgewall.ruleset.RuleSet;
import java.util.List;

/**
 * Our table as the kernel holds it: the part bridgewall's model can express ({@code ours},
 * compared with a plan by {@link TableDiff}) and everything else ({@code foreign}: flags,
 * sets, maps, chains, objects bridgewall never makes). A table with anything foreign does
 * not enforce a plan bridgewall can vouch for; the next apply replaces it whole.
 */
public record InstalledTable(RuleSet ours, List<Foreign> foreign) {
    public InstalledTable {
        foreign = List.copyOf(foreign);
    }

    public static InstalledTable onlyOurs(RuleSet ours) {
        return new InstalledTable(ours, List.of());
    }
}
