package io.bridgewall.cli.config;

import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.Port;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a config file says, validated, each field empty where the file is silent (the built-in
 * default or the command line decides). The values are in the forms the command line's options
 * take, so a flag and a file field pass through the same parsers; fields whose engine side
 * is elsewhere ({@link #allow()}, {@link #dnsException()}, {@link #publishedPorts()},
 * {@link #logging()}, sources in {@link HostInputConfig#ports()}) carry their line so whatever
 * parses them further can report it with {@link #error}.
 *
 * @param file             the file, as named in every error
 * @param blocked          replaces {@code Policy.DEFAULT_BLOCKED} when present
 * @param extraBlocked     added to the blocked ranges (the defaults or {@code blocked})
 * @param allow            exceptions, each in the {@code --allow} syntax, optionally for some networks only
 * @param isolation        strict or docker for every network without its own entry
 * @param networkIsolation strict or docker for the Docker network of that name
 * @param hostInput        the input chain: managed with these ports, or left alone
 * @param dnsException     {@code dns-exception}: false is {@code --no-dns-exception}
 * @param publishedPorts   {@code published-ports}: false is {@code --no-published-ports}
 * @param logging          logging of drops
 * @param contain          {@code --contain} patterns (or "none")
 * @param uncontain        {@code --uncontain} names
 * @param docker           {@code docker.enabled}: false is {@code --no-docker}
 * @param dockerHost       {@code --docker-host}
 * @param dockerTimeoutSeconds {@code --docker-timeout}
 * @param fieldLines       the line of every key given, by its path ({@code logging.rate}); see {@link #lineOf}
 */
public record BridgewallConfig(String file, Optional<List<Cidr>> blocked, List<Cidr> extraBlocked, List<AllowRule> allow,
                               Optional<Isolation> isolation, Map<String, Isolation> networkIsolation,
                               Optional<HostInputConfig> hostInput, Optional<Boolean> dnsException,
                               Optional<Boolean> publishedPorts, LoggingConfig logging, Optional<List<String>> contain,
                               Optional<List<String>> uncontain, Optional<Boolean> docker, Optional<String> dockerHost,
                               OptionalInt dockerTimeoutSeconds, Map<String, Integer> fieldLines) {
    public BridgewallConfig {
        blocked = blocked.map(List::copyOf);
        extraBlocked = List.copyOf(extraBlocked);
        allow = List.copyOf(allow);
        networkIsolation = Map.copyOf(networkIsolation);
        contain = contain.map(List::copyOf);
        uncontain = uncontain.map(List::copyOf);
        fieldLines = Map.copyOf(fieldLines);
    }

    /** No file: every field empty. */
    public static BridgewallConfig none() {
        return new BridgewallConfig("", Optional.empty(), List.of(), List.of(), Optional.empty(), Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), LoggingConfig.NONE, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalInt.empty(), Map.of());
    }

    /** The line of {@code field} ({@code dns-exception}, {@code docker.host}) in the file; 1 when it is not there. */
    public int lineOf(String field) {
        return fieldLines.getOrDefault(field, 1);
    }

    /**
     * An exception from the {@code allow} list.
     *
     * @param destination the {@code --allow} argument, {@code DEST[:PORT[-PORT]][/tcp|/udp]}
     * @param networks    Docker network names it is limited to; empty for every network
     * @param line        where it is written
     */
    public record AllowRule(String destination, List<String> networks, int line) {
        public AllowRule {
            networks = List.copyOf(networks);
        }
    }

    /**
     * The host's input chain.
     *
     * @param managed false: {@code policy: unmanaged}, as {@code --no-input}
     * @param ports   open ports (the defaults filled in per protocol), each from everywhere or from its sources only
     */
    public record HostInputConfig(boolean managed, List<HostPort> ports) {
        public HostInputConfig {
            ports = List.copyOf(ports);
        }

        /** The ports open to everyone, as {@code --allow-port} arguments (22/tcp). */
        public List<String> openPortArguments() {
            return ports.stream().filter(p -> p.from().isEmpty()).map(p -> p.port().toString()).toList();
        }

        /** The ports open only from some source ranges (SSH from the admin network). */
        public List<HostPort> portsWithSources() {
            return ports.stream().filter(p -> !p.from().isEmpty()).toList();
        }
    }

    /** A host port, open to everyone ({@code from} empty) or only from {@code from}. */
    public record HostPort(Port port, List<Cidr> from, int line) {
        public HostPort {
            from = List.copyOf(from);
        }
    }

    /**
     * Logging of drops.
     *
     * @param enabled {@code logging.enabled} (off by default)
     * @param rate    {@code N/second|minute|hour|day}, lines per drop reason
     * @param group   an nflog group; empty for the kernel log
     * @param line    where the {@code logging} section starts (1 when absent)
     */
    public record LoggingConfig(Optional<Boolean> enabled, Optional<String> rate, OptionalInt group, int line) {
        static final LoggingConfig NONE = new LoggingConfig(Optional.empty(), Optional.empty(), OptionalInt.empty(), 1);

        public boolean isEmpty() {
            return enabled.isEmpty() && rate.isEmpty() && group.isEmpty();
        }
    }

    /** An error at {@code line} of this file, for a value parsed further outside this package. */
    public ConfigException error(int line, String field, String problem) {
        return new ConfigException(file, line, field, problem);
    }
}
