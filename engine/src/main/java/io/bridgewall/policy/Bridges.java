package io.bridgewall.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Combines bridges from several sources. */
public final class Bridges {
    private Bridges() {
    }

    /**
     * Discovered bridges, with each given bridge added or replacing the discovered one of the
     * same interface name: what a user types wins over what Docker reports.
     */
    public static List<Bridge> overlay(List<Bridge> discovered, List<Bridge> given) {
        Map<InterfaceName, Bridge> byName = new LinkedHashMap<>();
        discovered.forEach(b -> byName.put(b.name(), b));
        List<Bridge> added = new ArrayList<>();
        for (Bridge bridge : given) {
            if (byName.containsKey(bridge.name())) {
                byName.put(bridge.name(), bridge);
            } else {
                added.add(bridge);
            }
        }
        List<Bridge> out = new ArrayList<>(byName.values());
        out.addAll(added);
        return out;
    }
}
