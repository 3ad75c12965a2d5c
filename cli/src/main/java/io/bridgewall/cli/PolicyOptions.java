package io.bridgewall.cli;

import io.bridgewall.cli.config.BridgewallConfig;
import io.bridgewall.cli.config.ConfigReader;
import io.bridgewall.docker.DockerDiscovery;
import io.bridgewall.docker.DockerEndpoint;
import io.bridgewall.docker.DockerNetwork;
import io.bridgewall.netlink.NamespaceInterfaces;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.BridgeOrigin;
import io.bridgewall.policy.Bridges;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.Containment;
import io.bridgewall.policy.ContainmentCheck;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.HostInterfaces;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.InterfacePattern;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Port;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options that decide the policy; shared by apply and plan so both mean the same thing. */
final class PolicyOptions {
    @Option(names = "--bridge", paramLabel = "NAME=CIDR[,CIDR...]",
            description = "A bridge and its container subnets, e.g. docker0=172.17.0.0/16. Repeatable.")
    List<String> bridges = new ArrayList<>();

    @Option(names = "--allow-port", paramLabel = "PORT[/tcp|/udp]",
            description = "Open this host port to everyone (repeatable; replaces the default 22/tcp).")
    List<String> allowPorts = new ArrayList<>();

    @Option(names = "--docker-host", paramLabel = "unix:///PATH",
            description = "Docker Engine API socket (default: $DOCKER_HOST, else unix:///var/run/docker.sock).")
    String dockerHost;

    @Option(names = "--no-docker", description = "Do not ask Docker for its networks; use only --bridge.")
    boolean noDocker;

    @Option(names = "--docker-timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "Give up on Docker after this long (default: ${DEFAULT-VALUE}).")
    int dockerTimeoutSeconds;

    @Option(names = "--no-input",
            description = "Leave the host's input path alone (for hosts with their own firewall).")
    boolean noInput;

    @Option(names = "--contain", paramLabel = "PATTERN",
            description = "Contain every bridge so named from its first packet, before any Docker network names it: "
                    + "an interface name, or a prefix and a trailing '*' (repeatable; replaces the default docker0 "
                    + "and br-*); 'none' turns it off.")
    List<String> contain = new ArrayList<>();

    @Option(names = "--uncontain", paramLabel = "NAME",
            description = "An interface the --contain patterns match that is not a container bridge (a VM bridge "
                    + "br-lan): left out of containment (repeatable).")
    List<String> uncontain = new ArrayList<>();

    @Option(names = "--isolation", paramLabel = "strict|docker", defaultValue = "docker",
            description = "docker (default): containers of one user-defined network reach each other unless the "
                    + "network sets com.docker.network.bridge.enable_icc=false, docker0's do not; strict: no "
                    + "container reaches another, on any network. Different networks never reach each other.")
    String isolation = "docker";

    // ---- Config file (issue 10): /etc/bridgewall/bridgewall.yaml under the options typed. ----
    @Option(names = "--config", paramLabel = "FILE",
            description = "Read settings from FILE (default: /etc/bridgewall/bridgewall.yaml if it exists). An option "
                    + "typed on the command line wins over the file; a list option (--allow-port, --contain, ...) "
                    + "replaces the file's list.")
    Path configFile;

    @Option(names = "--no-config", description = "Ignore /etc/bridgewall/bridgewall.yaml: typed options and built-in defaults only.")
    boolean noConfig;

    /** What the config file says (nothing until {@link #applyConfigFile()}, or without a file). */
    BridgewallConfig config = BridgewallConfig.none();
    private boolean configApplied;
    /** Isolation per Docker network name: the file's, unless --isolation was typed. */
    Map<String, Isolation> networkIsolation = Map.of();
    /** The file's host input, unless --no-input or --allow-port was typed (they replace it whole). */
    Optional<HostInput> configHostInput = Optional.empty();

    /**
     * Reads the config file once and puts its values into the options a flag was not typed for,
     * so the command line wins and both pass through the same checks. Everything in the file is
     * checked, line by line, before anything else happens.
     */
    void applyConfigFile() {
        if (configApplied) {
            return;
        }
        configApplied = true;
        if (noConfig) {
            if (configFile != null) {
                throw new InvalidInputException("--config has no effect with --no-config; drop one of them");
            }
            return;
        }
        if (configFile == null && !Files.exists(ConfigReader.DEFAULT_PATH)) {
            return;
        }
        config = ConfigReader.read(configFile != null ? configFile : ConfigReader.DEFAULT_PATH);
        refuseWhatThisBuildDoesNotEnforce(config);
        if (!typed("--isolation")) {
            // --isolation typed decides every network, as its description says.
            config.isolation().ifPresent(value -> isolation = value.word());
            networkIsolation = config.networkIsolation();
        }
        if (!typed("--no-input") && !typed("--allow-port")) {
            configHostInput = config.hostInput().map(input -> input.managed()
                    ? new HostInput(true, input.ports().stream().map(BridgewallConfig.HostPort::port).toList())
                    : HostInput.unmanaged());
        }
        if (!typed("--contain") && !typed("--uncontain")) {
            // Exemptions only mean something against their patterns: either flag takes both.
            config.contain().ifPresent(patterns -> contain = new ArrayList<>(patterns));
            config.uncontain().ifPresent(names -> uncontain = new ArrayList<>(names));
        }
        if (!typed("--no-docker") && !typed("--docker-host")) {
            config.docker().ifPresent(enabled -> noDocker = !enabled);
            config.dockerHost().ifPresent(host -> dockerHost = host);
        }
        if (!typed("--docker-timeout")) {
            config.dockerTimeoutSeconds().ifPresent(seconds -> dockerTimeoutSeconds = seconds);
        }
    }

    /** The blocked ranges: the file's {@code blocked} (else the defaults) and its {@code extra-blocked}. */
    List<Cidr> blocked() {
        return Stream.concat(config.blocked().orElse(Policy.DEFAULT_BLOCKED).stream(), config.extraBlocked().stream()).toList();
    }

    /**
     * Fields the file may hold whose engine side is not in this build: refused, with their line,
     * unless they say what this build does anyway, so a file never seems to enforce what it
     * does not. Connecting one means taking it out of here and handing its values (see
     * BridgewallConfig) to the option it mirrors.
     */
    private static void refuseWhatThisBuildDoesNotEnforce(BridgewallConfig config) {
        String notHere = "is not enforced by this build of bridgewall; remove it";
        if (!config.allow().isEmpty()) {
            throw config.error(config.allow().get(0).line(), "allow", "exceptions are not enforced by this build of "
                    + "bridgewall; remove the list");
        }
        config.hostInput().ifPresent(input -> input.portsWithSources().stream().findFirst().ifPresent(port -> {
            throw config.error(port.line(), "host-input." + port.port().protocol().nftName(), "source ranges per port ('from') "
                    + notHere);
        }));
        if (config.dnsException().equals(Optional.of(true))) {
            throw config.error(config.lineOf("dns-exception"), "dns-exception", notHere + " (or set it to false)");
        }
        if (config.publishedPorts().equals(Optional.of(true))) {
            throw config.error(config.lineOf("published-ports"), "published-ports", notHere + " (or set it to false)");
        }
        BridgewallConfig.LoggingConfig logging = config.logging();
        if (logging.enabled().equals(Optional.of(true)) || logging.rate().isPresent() || logging.group().isPresent()) {
            throw config.error(logging.line(), "logging", "logging of drops " + notHere + " (or set enabled: false alone)");
        }
    }

    /** Whether option {@code name} was typed on the command line (false where no command line parsed it, as in unit tests). */
    private boolean typed(String name) {
        return command != null && command.commandLine() != null && command.commandLine().getParseResult() != null
                && command.commandLine().getParseResult().hasMatchedOption(name);
    }
    // ---- end of the config file's block ----

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The policy for the network namespace {@code netns} (the caller's when empty): what was
     * typed, what Docker reports, and both checked against that namespace's interfaces.
     */
    Policy policy(Optional<String> netns) {
        // Everything typed is checked before Docker is asked anything.
        checkOptions();
        List<DockerNetwork> networks = noDocker ? List.of() : discover();
        networks.forEach(network -> network.warnings().forEach(this::warn));
        return policy(networks, netns);
    }

    /** Refuses options that contradict each other or are out of range: bad input, before any work. */
    void checkOptions() {
        applyConfigFile();
        bridges.forEach(PolicyOptions::parseBridge);
        if (dockerTimeoutSeconds < 1 || dockerTimeoutSeconds > 300) {
            throw new InvalidInputException("--docker-timeout " + dockerTimeoutSeconds + " is out of range; use 1 to 300 seconds");
        }
        if (noDocker && dockerHost != null) {
            throw new InvalidInputException("--docker-host has no effect with --no-docker; drop one of them");
        }
        hostInput();
        containment();
        Isolation.parse(isolation);
    }

    /** The policy for Docker's {@code networks} as already discovered, with what was typed, checked against {@code netns}. */
    Policy policy(List<DockerNetwork> networks, Optional<String> netns) {
        return policyOfBridges(networks.stream().map(DockerNetwork::toBridge).toList(), netns);
    }

    /** As {@link #policy(List, Optional)}, from the bridges of Docker's networks already made. */
    Policy policyOfBridges(List<Bridge> discovered, Optional<String> netns) {
        List<Bridge> given = bridges.stream().map(PolicyOptions::parseBridge).toList();
        Containment containment = containment();
        Policy policy = new Policy(Bridges.overlay(discovered, given), blocked(), hostInput(), containment,
                Isolation.parse(isolation), networkIsolation);
        if (!policy.bridges().isEmpty() || !containment.isOff()) {
            HostInterfaces interfaces = hostInterfaces(netns);
            interfaces.check(policy.bridges());
            ContainmentCheck.warnings(policy, interfaces, !noDocker).forEach(this::warn);
        }
        return policy;
    }

    /** --contain and --uncontain: Docker's bridge naming unless told otherwise. */
    private Containment containment() {
        List<InterfaceName> exempt = uncontain.stream().map(name -> uncontainName(name)).toList();
        if (contain.contains(NONE)) {
            if (contain.size() > 1) {
                throw new InvalidInputException("--contain " + NONE + " turns containment off; it cannot go with other "
                        + "--contain patterns: drop one of them");
            }
            if (!exempt.isEmpty()) {
                throw new InvalidInputException("--uncontain has no effect with --contain " + NONE + "; drop one of them");
            }
            return Containment.off();
        }
        List<InterfacePattern> patterns = contain.isEmpty() ? Containment.DOCKER_NAMING
                : contain.stream().map(PolicyOptions::containPattern).toList();
        return new Containment(patterns, exempt);
    }

    private static final String NONE = "none";

    private static InterfacePattern containPattern(String text) {
        try {
            return InterfacePattern.of(text);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("--contain: " + e.getMessage());
        }
    }

    private static InterfaceName uncontainName(String text) {
        try {
            return InterfaceName.of(text);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("--uncontain: " + e.getMessage());
        }
    }

    DockerEndpoint endpoint() {
        return DockerEndpoint.resolve(Optional.ofNullable(dockerHost));
    }

    Duration dockerTimeout() {
        return Duration.ofSeconds(dockerTimeoutSeconds);
    }

    private List<DockerNetwork> discover() {
        return DockerDiscovery.discover(endpoint(), dockerTimeout());
    }

    /** The interfaces of the namespace the policy is for, read before anything is planned. */
    static HostInterfaces hostInterfaces(Optional<String> netns) {
        return HostInterfaces.from(NamespaceInterfaces.read(netns),
                netns.map(name -> "in network namespace " + name).orElse("on this host"));
    }

    void warn(String text) {
        PrintWriter err = command.commandLine().getErr();
        err.println("bridgewall: warning: " + text);
        err.flush();
    }

    private HostInput hostInput() {
        if (configHostInput.isPresent()) {
            return configHostInput.get();
        }
        HostInput input;
        if (noInput) {
            if (!allowPorts.isEmpty()) {
                throw new InvalidInputException("--allow-port has no effect with --no-input; drop one of them");
            }
            input = HostInput.unmanaged();
        } else {
            input = allowPorts.isEmpty() ? HostInput.defaults()
                    : new HostInput(true, allowPorts.stream().map(Port::parse).toList());
        }
        return input;
    }

    static Bridge parseBridge(String text) {
        int equals = text.indexOf('=');
        if (equals <= 0 || equals == text.length() - 1) {
            throw new InvalidInputException("--bridge '" + text + "' must look like NAME=CIDR[,CIDR...], e.g. docker0=172.17.0.0/16");
        }
        InterfaceName name = InterfaceName.of(text.substring(0, equals));
        List<Cidr> subnets = Arrays.stream(text.substring(equals + 1).split(",", -1)).map(Cidr::parse).toList();
        return new Bridge(name, subnets, true, false, new BridgeOrigin.Given());
    }
}
