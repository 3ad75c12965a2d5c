package io.bridgewall.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What containment will hold that may not be meant to: pure, one warning line each, never a
 * failure (refusing would leave a booting host with no containment at all).
 */
public final class ContainmentCheck {
    private ContainmentCheck() {
    }

    /**
     * Warnings for the interfaces of the namespace that the patterns contain although no bridge
     * of the policy names them:
     * <ul>
     * <li>a bridge, when Docker was asked ({@code dockerAsked}): Docker names every bridge it made,
     *     so this one is someone else's (a VM bridge br-lan), contained all the same;</li>
     * <li>an interface that is not a bridge (a pattern like e* holding eth0), with or without Docker;</li>
     * <li>an --uncontain naming a bridge of the policy, which stays contained.</li>
     * </ul>
     * Linear in interfaces times patterns.
     */
    public static List<String> warnings(Policy policy, HostInterfaces host, boolean dockerAsked) {
        Containment containment = policy.containment();
        Set<String> known = new HashSet<>();
        policy.bridges().forEach(b -> known.add(b.name().value()));
        List<String> out = new ArrayList<>();
        for (HostInterfaces.HostInterface candidate : host.interfaces()) {
            String name = candidate.name();
            Optional<InterfacePattern> pattern = containment.patterns().stream().filter(p -> p.matches(name)).findFirst();
            if (pattern.isEmpty() || known.contains(name) || !containment.contains(name)) {
                continue;
            }
            if (!candidate.isBridge()) {
                out.add(name + " " + host.where() + " matches the containment pattern " + pattern.get() + " but is "
                        + candidate.describeKind() + ", not a bridge: its forwarded traffic is contained like a "
                        + "container bridge's; exclude it with --uncontain " + name + " or narrow the pattern (--contain)");
            } else if (dockerAsked) {
                out.add("bridge " + name + " " + host.where() + " matches the containment pattern " + pattern.get()
                        + " but no Docker network uses it: it is contained like a container bridge (no private "
                        + "destinations, no other bridges, no new connections in); if it is not Docker's, exclude it "
                        + "with --uncontain " + name);
            }
        }
        for (Bridge bridge : policy.ignoredExemptions()) {
            String origin = bridge.origin().describe();
            out.add("--uncontain " + bridge.name() + " has no effect: " + bridge.name() + " is a bridge of the policy"
                    + (origin.isEmpty() ? "" : " (" + origin + ")") + ", which is always contained; drop it");
        }
        return out;
    }
}
