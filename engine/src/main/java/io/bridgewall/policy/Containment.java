package io.bridgewall.policy;

import java.util.List;
import java.util.TreeSet;

/**
 * Which interfaces are container bridges before Docker has named them: every interface whose
 * name matches one of {@code patterns} and is not in {@code exempt}. Such a bridge gets the
 * full containment from its first packet, with no Docker and no subnet known; the bridges of
 * the policy are contained whatever their name.
 *
 * @param patterns names and trailing-{@code *} prefixes; Docker's own naming by default
 * @param exempt   exact names the patterns would match that are not container bridges (a VM bridge br-lan)
 */
public record Containment(List<InterfacePattern> patterns, List<InterfaceName> exempt) {
    /** The names dockerd gives the bridges it creates: docker0, and br- with the network id. */
    public static final List<InterfacePattern> DOCKER_NAMING = List.of(InterfacePattern.of("docker0"), InterfacePattern.of("br-*"));

    public Containment {
        // Sorted and unique: the same policy always plans to the same ruleset.
        patterns = List.copyOf(new TreeSet<>(patterns));
        exempt = List.copyOf(new TreeSet<>(exempt));
        for (InterfaceName name : exempt) {
            if (patterns.stream().noneMatch(p -> p.matches(name.value()))) {
                throw new InvalidInputException("--uncontain " + name + " has no effect: it matches no containment "
                        + "pattern (" + (patterns.isEmpty() ? "containment is off" : describe(patterns)) + "); drop it");
            }
        }
    }

    public static Containment dockerNaming() {
        return new Containment(DOCKER_NAMING, List.of());
    }

    public static Containment off() {
        return new Containment(List.of(), List.of());
    }

    public boolean isOff() {
        return patterns.isEmpty();
    }

    /** Whether {@code name} is matched by a pattern and not exempt. */
    public boolean contains(String name) {
        return patterns.stream().anyMatch(p -> p.matches(name)) && exempt.stream().noneMatch(e -> e.value().equals(name));
    }

    /** The patterns as typed, comma-separated: "br-*, docker0". */
    public static String describe(List<InterfacePattern> patterns) {
        return String.join(", ", patterns.stream().map(InterfacePattern::value).toList());
    }
}
