package io.bridgewall.cli;

import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the kernel work happens. */
final class TargetOptions {
    @Option(names = "--netns", paramLabel = "NAME",
            description = "Work in this network namespace (as listed by 'ip netns list') instead of the host's.")
    String netns;

    Optional<String> netns() {
        return Optional.ofNullable(netns);
    }
}
