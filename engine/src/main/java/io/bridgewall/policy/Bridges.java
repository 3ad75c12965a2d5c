package io.bridgewall.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Combines bridges from several sources. */
public final class Bridges {
    private Bridges() {
    }

    /**
     * Discovered bridges, with each given bridge added, or overriding the discovered one of the
     * same interface name. An override changes only what it names, the subnets: the discovered
     * bridge's internal and masquerade flags stay, and its origin says both sources.
     */
    public static List<Bridge> overlay(List<Bridge> discovered, List<Bridge> given) {
        Map<InterfaceName, Bridge> byName = new LinkedHashMap<>();
        discovered.forEach(b -> byName.put(b.name(), b));
        List<Bridge> added = new ArrayList<>();
        Set<InterfaceName> givenNames = new HashSet<>();
        for (Bridge bridge : given) {
            if (!givenNames.add(bridge.name())) {
                throw new InvalidInputException("bridge " + bridge.name() + " is given twice; give each bridge once");
            }
            Bridge found = byName.get(bridge.name());
            if (found == null) {
                added.add(bridge);
            } else {
                byName.put(bridge.name(), new Bridge(found.name(), bridge.subnets(), found.masquerade(),
                        found.internal(), overriddenOrigin(found, bridge), found.interContainerCommunication()));
            }
        }
        List<Bridge> out = new ArrayList<>(byName.values());
        out.addAll(added);
        return out;
    }

    private static BridgeOrigin overriddenOrigin(Bridge discovered, Bridge given) {
        if (discovered.origin() instanceof BridgeOrigin.Docker docker) {
            return new BridgeOrigin.DockerWithGivenSubnets(docker, discovered.subnets());
        }
        return given.origin();
    }
}
