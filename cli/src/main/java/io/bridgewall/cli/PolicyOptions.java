package io.bridgewall.cli;

import io.bridgewall.docker.DockerContainer;
import io.bridgewall.cli.config.BridgewallConfig;
import io.bridgewall.cli.config.ConfigReader;
import io.bridgewall.docker.DockerDiscovery;
import io.bridgewall.docker.DockerEndpoint;
import io.bridgewall.docker.ContainerDnsCache;
import io.bridgewall.docker.DockerClient;
import io.bridgewall.docker.DockerException;
import io.bridgewall.docker.DockerNetwork;
import io.bridgewall.dns.ContainerDns;
import io.bridgewall.dns.DnsDiscovery;
import io.bridgewall.netlink.NamespaceInterfaces;
import io.bridgewall.policy.Allowance;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.BridgeOrigin;
import io.bridgewall.policy.Bridges;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.Containment;
import io.bridgewall.policy.DockerFirewall;
import io.bridgewall.policy.DropLogging;
import io.bridgewall.policy.FastPath;
import io.bridgewall.policy.DnsResolver;
import io.bridgewall.policy.ContainmentCheck;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.HostInterfaces;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.InterfacePattern;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Port;
import io.bridgewall.policy.PublishedPorts;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options that decide the policy; shared by apply and plan so both mean the same thing. */
final class PolicyOptions {
    @Option(names = "--bridge", paramLabel = "NAME=CIDR[,CIDR...]",
            description = "A bridge and its container subnets, e.g. docker0=172.17.0.0/16. Repeatable.")
    List<String> bridges = new ArrayList<>();

    @Option(names = "--bridges-file", paramLabel = "FILE",
            description = "Bridges as --bridge takes them, one NAME=CIDR[,CIDR...] per line (# comments, blank lines; "
                    + "- reads standard input): for hosts with thousands of bridges. Adds to --bridge; a bridge given "
                    + "twice is refused.")
    String bridgesFile;

    /** --bridge and --bridges-file together, parsed once (the file is read on first use). */
    private List<Bridge> givenBridges;

    /** The bridges typed with --bridge and listed in --bridges-file; a name given twice is refused, naming where. */
    List<Bridge> givenBridges() {
        if (givenBridges == null) {
            List<Bridge> typed = bridges.stream().map(PolicyOptions::parseBridge).toList();
            List<Bridge> all = new ArrayList<>(typed);
            if (bridgesFile != null) {
                BridgesFile.Contents file = BridgesFile.read(bridgesFile, System.in);
                java.util.Set<InterfaceName> typedNames = new java.util.HashSet<>();
                typed.forEach(b -> typedNames.add(b.name()));
                for (Bridge bridge : file.bridges()) {
                    if (typedNames.contains(bridge.name())) {
                        throw new InvalidInputException(file.where(bridge.name()) + ": bridge " + bridge.name()
                                + " is also given with --bridge; give each bridge once (drop one of them)");
                    }
                }
                all.addAll(file.bridges());
            }
            givenBridges = List.copyOf(all);
        }
        return givenBridges;
    }

    @Option(names = "--allow-port", paramLabel = "PORT[/tcp|/udp][@CIDR[,CIDR...]]",
            description = "Open this host port, to everyone or only to the given source networks, e.g. "
                    + "22/tcp@10.1.0.0/16 (repeatable; replaces the default 22/tcp, which plan then says).")
    List<String> allowPorts = new ArrayList<>();

    // Exceptions (issue 10): destinations containers may reach despite the drops.
    @Option(names = "--allow", paramLabel = "[NETWORK[,NETWORK...]=]DEST[:PORT[-PORT]][/tcp|/udp]",
            description = "Let containers reach this address or network (and only this port or range and "
                    + "protocol, if given; a port without protocol means tcp and udp), e.g. 10.0.0.5:5432/tcp, "
                    + "[2001:db8::5]:5432, 10.0.2.0/24. NETWORK= limits it to the containers of those Docker "
                    + "networks: backend=10.0.0.5:5432/tcp. Repeatable.")
    List<String> allow = new ArrayList<>();

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

    @Option(names = "--docker-firewall", paramLabel = "auto|on|off", defaultValue = "auto",
            description = "Whether Docker runs its own iptables rules here (\"iptables\": true, Docker's default and "
                    + "hosted CI runners'). auto (default): on when Docker's chains (DOCKER, DOCKER-USER) are in the "
                    + "ruleset. On: coexistence mode, containment on top of Docker's rules, connections Docker DNATs to "
                    + "published ports pass, and the host input is left alone unless --allow-port is given.")
    String dockerFirewall = "auto";
    // --- Published ports (issue 10): Docker's published host ports open in the input chain. ---
    @Option(names = "--no-published-ports",
            description = "Do not open the host ports running containers publish (docker run -p); by default they "
                    + "are accepted for their protocol on the host address they are published on.")
    boolean noPublishedPorts;

    /** Whether Docker's running containers are asked for their published ports: only when they would open something. */
    boolean followsPublishedPorts() {
        return !noPublishedPorts && !noInput && !noDocker;
    }

    /** Refuses --no-published-ports where there is nothing to turn off. */
    private void checkPublishedPorts() {
        // Only a typed flag is refused: a config file may say "published-ports: false" for hosts where it matters.
        if (!typed("--no-published-ports")) {
            return;
        }
        if (noPublishedPorts && noInput) {
            throw new InvalidInputException("--no-published-ports has no effect with --no-input; drop one of them");
        }
        if (noPublishedPorts && noDocker) {
            throw new InvalidInputException("--no-published-ports has no effect with --no-docker (published ports come "
                    + "from Docker); drop one of them");
        }
    }

    /** The published ports of these running containers, as the policy takes them (off with --no-published-ports). */
    PublishedPorts publishedPorts(List<DockerContainer> running) {
        if (!followsPublishedPorts()) {
            return noPublishedPorts ? PublishedPorts.off() : PublishedPorts.none();
        }
        return PublishedPorts.of(running.stream().flatMap(c -> c.publishedPorts().stream()).toList());
    }

    /** Docker's running containers when their published ports are followed (warnings said), else none. */
    List<DockerContainer> runningContainers() {
        if (!followsPublishedPorts()) {
            return List.of();
        }
        if (listedContainers == null) {
            listedContainers = DockerDiscovery.runningContainers(endpoint(), dockerTimeout());
        }
        listedContainers.forEach(container -> container.warnings().forEach(this::warn));
        return listedContainers;
    }

    /**
     * Docker's running containers as listed once for this run (by {@link #runningContainers()} or
     * the DNS exception, whichever asks first): one list request serves both. watch lists again
     * per burst of container events and hands the list to {@link #refreshDns}.
     */
    private List<DockerContainer> listedContainers;
    // --- end of published ports ---

    @Option(names = "--no-fast-path",
            description = "Check every forwarded packet against the containment rules, established or not; by default "
                    + "established connections the current policy admitted skip them (the connection mark names the policy).")
    boolean noFastPath;

    // --- Logging of drops (issue 10): off by default -------------------------------------
    @Option(names = "--log-drops",
            description = "Log dropped packets, rate-limited, with a prefix per reason (bridgewall blocked:, isolation:, "
                    + "internal:, inbound:, input:); to the kernel log, or with --log-group to an NFLOG group.")
    boolean logDrops;

    @Option(names = "--log-rate", paramLabel = "N/second|minute|hour|day",
            description = "With --log-drops: at most this many lines per reason (default: 10/minute, burst 5).")
    String logRate;

    @Option(names = "--log-group", paramLabel = "N",
            description = "With --log-drops: send the lines to NFLOG group N (0-65535) for ulogd or "
                    + "'tcpdump -i nflog:N' instead of the kernel log.")
    Integer logGroup;

    /** --log-drops, --log-rate, --log-group; the two values mean nothing without the switch. */
    DropLogging dropLogging() {
        if (!logDrops && (logRate != null || logGroup != null)) {
            throw new InvalidInputException((logRate != null ? "--log-rate" : "--log-group")
                    + " has no effect without --log-drops; add --log-drops");
        }
        DropLogging.Rate rate = logRate == null ? DropLogging.DEFAULT_RATE
                : option("--log-rate", () -> DropLogging.Rate.parse(logRate));
        OptionalInt group = logGroup == null ? OptionalInt.empty() : OptionalInt.of(logGroup);
        return option("--log-group", () -> new DropLogging(logDrops, rate, group));
    }

    /** The value, or its one-line error with the option's name in front. */
    private static <T> T option(String name, Supplier<T> value) {
        try {
            return value.get();
        } catch (InvalidInputException e) {
            throw new InvalidInputException(name + ": " + e.getMessage());
        }
    }

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
    /** The file's exceptions, unless --allow was typed (then the typed ones replace them). */
    List<Allowance> configAllowances = List.of();
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
        if (!typed("--isolation")) {
            // --isolation typed decides every network, as its description says.
            config.isolation().ifPresent(value -> isolation = value.word());
            networkIsolation = config.networkIsolation();
        }
        if (!typed("--no-input") && !typed("--allow-port")) {
            configHostInput = config.hostInput().map(input -> input.managed() ? configHostInput(input) : HostInput.unmanaged());
        }
        if (!typed("--allow")) {
            configAllowances = configAllowances(config);
        }
        if (!typed("--no-dns-exception")) {
            config.dnsException().ifPresent(open -> noDnsException = !open);
        }
        if (!typed("--no-published-ports")) {
            config.publishedPorts().ifPresent(open -> noPublishedPorts = !open);
        }
        BridgewallConfig.LoggingConfig logging = config.logging();
        if (!typed("--log-drops") && !typed("--log-rate") && !typed("--log-group")) {
            logging.enabled().ifPresent(enabled -> logDrops = enabled);
            logging.rate().ifPresent(rate -> logRate = rate);
            logging.group().ifPresent(group -> logGroup = group);
            if (!logDrops) {
                // A rate or group under "enabled: false" (or none) is a setting for later, not an error in the file.
                logRate = null;
                logGroup = null;
            }
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

    /** The file's exceptions, each parsed as --allow would parse it; an error names its line. */
    private static List<Allowance> configAllowances(BridgewallConfig config) {
        List<Allowance> out = new ArrayList<>();
        for (int i = 0; i < config.allow().size(); i++) {
            BridgewallConfig.AllowRule rule = config.allow().get(i);
            String text = rule.networks().isEmpty() ? rule.destination()
                    : String.join(",", rule.networks()) + "=" + rule.destination();
            try {
                out.add(Allowance.parse(text, "config " + config.file() + ":" + rule.line()));
            } catch (InvalidInputException e) {
                throw config.error(rule.line(), "allow[" + i + "]", e.getMessage());
            }
        }
        return out;
    }

    /** The file's host input: ports open to all, and ports open only to their {@code from} ranges. */
    private static HostInput configHostInput(BridgewallConfig.HostInputConfig input) {
        java.util.SortedMap<Port, List<Cidr>> sources = new java.util.TreeMap<>();
        List<Port> open = new ArrayList<>();
        for (BridgewallConfig.HostPort port : input.ports()) {
            if (port.from().isEmpty()) {
                open.add(port.port());
            } else {
                sources.put(port.port(), port.from());
            }
        }
        return new HostInput(true, open, sources);
    }

    /** The blocked ranges: the file's {@code blocked} (else the defaults) and its {@code extra-blocked}. */
    List<Cidr> blocked() {
        return Stream.concat(config.blocked().orElse(Policy.DEFAULT_BLOCKED).stream(), config.extraBlocked().stream()).toList();
    }


    /** Whether option {@code name} was typed on the command line (false where no command line parsed it, as in unit tests). */
    private boolean typed(String name) {
        return command != null && command.commandLine() != null && command.commandLine().getParseResult() != null
                && command.commandLine().getParseResult().hasMatchedOption(name);
    }
    // ---- end of the config file's block ----

    // DNS exception (issue 10): udp and tcp 53, and nothing else, to the resolvers containers use.
    @Option(names = "--no-dns-exception",
            description = "Do not open udp and tcp port 53 to the resolvers containers use (found in the host's "
                    + "resolv.conf, Docker's daemon.json and running containers' resolv.conf).")
    boolean noDnsException;

    @Option(names = "--resolv-conf", paramLabel = "FILE",
            description = "The host's resolver list, which Docker hands to containers (default: /etc/resolv.conf).")
    String resolvConf;

    @Option(names = "--upstream-resolv-conf", paramLabel = "FILE",
            description = "systemd-resolved's upstream list, read instead when --resolv-conf names only its stub "
                    + "127.0.0.53 (default: /run/systemd/resolve/resolv.conf).")
    String upstreamResolvConf;

    @Option(names = "--docker-config", paramLabel = "FILE",
            description = "dockerd's configuration, for its \"dns\" list (default: /etc/docker/daemon.json).")
    String dockerConfig;

    /** What DNS discovery found: once for apply and plan; watch replaces it after container events ({@link #refreshDns}). */
    private DnsDiscovery.Result dns;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The policy for the network namespace {@code netns} (the caller's when empty): what was
     * typed, what Docker reports, and both checked against that namespace's interfaces.
     */
    Policy policy(Optional<String> netns) {
        // Everything typed is checked before Docker is asked anything.
        checkOptions();
        Timing.mark("options, config file");
        List<DockerNetwork> networks = noDocker ? List.of() : discover();
        if (!noDocker) {
            Timing.mark("docker: networks listed");
        }
        networks.forEach(network -> network.warnings().forEach(this::warn));
        DockerFirewall docker = dockerFirewall(netns);
        Timing.mark("Docker's firewall (ruleset)");
        Policy policy = policyOfBridges(networks.stream().map(DockerNetwork::toBridge).toList(), netns, docker)
                .withPublishedPorts(publishedPorts(runningContainers()));
        Timing.mark("published ports");
        return policy;
    }

    /** Refuses options that contradict each other or are out of range: bad input, before any work. */
    void checkOptions() {
        applyConfigFile();
        givenBridges();
        if (dockerTimeoutSeconds < 1 || dockerTimeoutSeconds > 300) {
            throw new InvalidInputException("--docker-timeout " + dockerTimeoutSeconds + " is out of range; use 1 to 300 seconds");
        }
        if (noDocker && dockerHost != null) {
            throw new InvalidInputException("--docker-host has no effect with --no-docker; drop one of them");
        }
        hostInput(DockerFirewall.off());
        allowances();
        containment();
        Isolation.parse(isolation);
        DockerFirewallOption.parse(dockerFirewall);
        checkPublishedPorts();
        dropLogging();
        dnsPaths();
    }

    /** The files DNS discovery reads; each option is a path, refused when empty or given with --no-dns-exception. */
    private DnsDiscovery.Paths dnsPaths() {
        DnsDiscovery.Paths defaults = DnsDiscovery.Paths.defaults();
        return new DnsDiscovery.Paths(dnsPath("--resolv-conf", resolvConf, defaults.resolvConf()),
                dnsPath("--upstream-resolv-conf", upstreamResolvConf, defaults.resolvedUpstream()),
                dnsPath("--docker-config", dockerConfig, defaults.dockerConfig()));
    }

    /** dockerd's daemon.json as --docker-config names it (doctor reads its "iptables" too). */
    Path dockerConfigPath() {
        return dnsPaths().dockerConfig();
    }

    private Path dnsPath(String option, String given, Path fallback) {
        if (given == null) {
            return fallback;
        }
        if (noDnsException) {
            throw new InvalidInputException(option + " has no effect with --no-dns-exception; drop one of them");
        }
        if (given.isBlank() || given.indexOf('\0') >= 0) {
            throw new InvalidInputException(option + " needs a file name, e.g. " + option + " " + fallback);
        }
        try {
            return Path.of(given);
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidInputException(option + " '" + given + "' is not a file name");
        }
    }

    /**
     * The resolvers containers use, found on first use (host files, and Docker's containers unless
     * --no-docker); warnings are printed as they are found. Nothing with --no-dns-exception; the latest {@link #refreshDns} under watch.
     */
    DnsDiscovery.Result dns() {
        if (dns == null) {
            if (noDnsException) {
                dns = new DnsDiscovery.Result(List.of(), List.of(), List.of());
            } else {
                dns = DnsDiscovery.discover(dnsPaths(), noDocker ? List.of() : containerDns());
                dns.warnings().forEach(this::warn);
            }
        }
        return dns;
    }

    /** The resolvers found, as the policy's DNS exceptions, each naming where it came from. */
    private List<DnsResolver> dnsResolvers() {
        return dns().nameservers().stream()
                .map(n -> new DnsResolver(new Cidr(n.address(), n.isIpv4() ? 32 : 128), n.describeSources()))
                .toList();
    }

    /** Whether running containers are asked for their resolvers (and watch follows them): DNS exception on, Docker asked. */
    boolean followsDns() {
        return !noDnsException && !noDocker;
    }

    /** Whether watch follows containers at all: for their published ports or their resolvers. */
    boolean followsContainers() {
        return followsPublishedPorts() || followsDns();
    }

    /** Each container inspected once for its resolvers (watch keeps it across bursts), by id. */
    private final ContainerDnsCache containerDnsCache = new ContainerDnsCache();

    /**
     * watch, after a burst of container events: the resolvers again, from the host's files and
     * {@code running} (this burst's one listing); only containers not seen before are inspected.
     * Warnings not said before are said. Unchanged without the DNS exception.
     *
     * @throws DockerException when Docker does not answer an inspect (the caller lists everything again)
     */
    DnsDiscovery.Result refreshDns(List<DockerContainer> running, DockerClient client) {
        DnsDiscovery.Result previous = dns();
        if (!followsDns()) {
            return previous;
        }
        dns = DnsDiscovery.discover(dnsPaths(), containerDnsCache.of(running, client));
        dns.warnings().stream().filter(w -> !previous.warnings().contains(w)).forEach(this::warn);
        return dns;
    }

    /** Each running container's resolv.conf and --dns; Docker failing here costs the containers' own resolvers only. */
    private List<ContainerDns> containerDns() {
        try (DockerClient client = DockerClient.open(endpoint(), dockerTimeout())) {
            if (listedContainers == null) {
                listedContainers = client.runningContainers();
            }
            return containerDnsCache.of(listedContainers, client);
        } catch (DockerException e) {
            warn("cannot list containers for their resolvers (" + e.getMessage() + "); only the host's files are used");
            return List.of();
        }
    }

    /** --allow, each parsed (the errors name the option); without any, the config file's. */
    List<Allowance> allowances() {
        if (allow.isEmpty()) {
            return configAllowances;
        }
        return allow.stream().map(text -> {
            try {
                return Allowance.parse(text, "--allow");
            } catch (InvalidInputException e) {
                throw new InvalidInputException("--allow " + e.getMessage(), e);
            }
        }).toList();
    }

    /** The policy for Docker's {@code networks} as already discovered, with what was typed, checked against {@code netns}. */
    Policy policy(List<DockerNetwork> networks, Optional<String> netns) {
        return policyOfBridges(networks.stream().map(DockerNetwork::toBridge).toList(), netns);
    }

    /** As {@link #policy(List, Optional)}, from the bridges of Docker's networks already made. */
    Policy policyOfBridges(List<Bridge> discovered, Optional<String> netns) {
        return policyOfBridges(discovered, netns, dockerFirewall(netns));
    }

    /** As above, with Docker's firewall already read from {@code netns}'s ruleset. */
    private Policy policyOfBridges(List<Bridge> discovered, Optional<String> netns, DockerFirewall docker) {
        List<Bridge> given = givenBridges();
        Containment containment = containment();
        Policy policy = new Policy(Bridges.overlay(discovered, given), blocked(), hostInput(docker), containment,
                Isolation.parse(isolation)).withNetworkIsolation(networkIsolation).withAllowances(allowances())
                .withDockerFirewall(docker).withDropLogging(dropLogging())
                .withFastPath(noFastPath ? FastPath.off() : FastPath.on());
        policy.unknownAllowanceNetworks().forEach(name -> warn("network '" + name + "' of an exception is not a Docker "
                + "network or bridge " + (noDocker ? "given with --bridge" : "known to Docker")
                + "; that part allows nothing until the network exists"));
        Timing.mark("policy built");
        if (!policy.bridges().isEmpty() || !containment.isOff()) {
            HostInterfaces interfaces = hostInterfaces(netns);
            interfaces.check(policy.bridges());
            ContainmentCheck.warnings(policy, interfaces, !noDocker).forEach(this::warn);
        }
        Timing.mark("interfaces read and checked");
        // After every check: bad input is one line, not preceded by what DNS discovery had to say.
        Policy withDns = policy.withDnsResolvers(dnsResolvers());
        Timing.mark("docker: containers, resolvers");
        return withDns;
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

    /** Whether Docker runs its own firewall in {@code netns}: as given, or read from its ruleset. */
    DockerFirewall dockerFirewall(Optional<String> netns) {
        return DockerFirewallOption.parse(dockerFirewall).resolve(netns, needsTheKernel, this::warn);
    }

    /** Set by commands that change the kernel (apply, watch): a ruleset they cannot read is their error, not a warning. */
    boolean needsTheKernel;

    /** Coexisting with Docker's own firewall, the host's input is left alone unless ports are given. */
    HostInput hostInput(DockerFirewall docker) {
        if (configHostInput.isPresent()) {
            return configHostInput.get();
        }
        HostInput input;
        if (noInput || docker.present() && allowPorts.isEmpty()) {
            if (!allowPorts.isEmpty()) {
                throw new InvalidInputException("--allow-port has no effect with --no-input; drop one of them");
            }
            input = HostInput.unmanaged();
        } else {
            try {
                input = allowPorts.isEmpty() ? HostInput.defaults() : HostInput.parsePorts(allowPorts);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("--allow-port " + e.getMessage(), e);
            }
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
