package io.bridgewall.policy;

import java.util.List;

/**
 * Where a bridge of the policy came from. The checks against the host depend on it (a name
 * Docker chose must be a bridge or Docker's own pattern), and {@code plan} shows it.
 */
public sealed interface BridgeOrigin {
    /** One line for humans: the plan's comments and error messages. */
    String describe();

    /** Reported by Docker: name, subnets and flags as Docker has them. */
    record Docker(String network, String shortId) implements BridgeOrigin {
        public Docker {
            if (network == null || shortId == null) {
                throw new IllegalArgumentException("a Docker network has a name and an id");
            }
        }

        @Override
        public String describe() {
            return "docker network \"" + network + "\" (id " + shortId + ")";
        }
    }

    /** Given with {@code --bridge} and not known to Docker. */
    record Given() implements BridgeOrigin {
        @Override
        public String describe() {
            return "given with --bridge";
        }
    }

    /**
     * Reported by Docker, with the subnets replaced by {@code --bridge}: Docker's flags
     * (internal, masquerade) still hold.
     */
    record DockerWithGivenSubnets(Docker docker, List<Cidr> dockerSubnets) implements BridgeOrigin {
        public DockerWithGivenSubnets {
            dockerSubnets = List.copyOf(dockerSubnets);
        }

        @Override
        public String describe() {
            return docker.describe() + ", subnets given with --bridge (Docker has "
                    + (dockerSubnets.isEmpty() ? "none" : String.join(", ", dockerSubnets.stream().map(Cidr::toString).toList()))
                    + ")";
        }
    }

    /** Built by code (tests, the demo, benchmarks): {@code text} says what it is, or nothing. */
    record Described(String text) implements BridgeOrigin {
        public Described {
            text = text == null ? "" : text;
        }

        @Override
        public String describe() {
            return text;
        }
    }

    /** The Docker network a bridge's name came from, if Docker named it. */
    default java.util.Optional<Docker> dockerNetwork() {
        if (this instanceof Docker docker) {
            return java.util.Optional.of(docker);
        }
        if (this instanceof DockerWithGivenSubnets overridden) {
            return java.util.Optional.of(overridden.docker());
        }
        return java.util.Optional.empty();
    }
}
