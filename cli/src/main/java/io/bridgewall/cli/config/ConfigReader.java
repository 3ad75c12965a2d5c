package io.bridgewall.cli.config;

import io.bridgewall.cli.config.BridgewallConfig.AllowRule;
import io.bridgewall.cli.config.BridgewallConfig.HostInputConfig;
import io.bridgewall.cli.config.BridgewallConfig.HostPort;
import io.bridgewall.cli.config.BridgewallConfig.LoggingConfig;
import io.bridgewall.cli.config.YamlNode.Scalar.Type;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InterfacePattern;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.Port;
import io.bridgewall.policy.Protocol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The config file's format: which keys exist at each level, what each value must be, and the
 * same checks as the command line's options, each failure reported with its file, line and
 * field. The format is documented, field by field, in packaging/bridgewall.yaml.example.
 */
public final class ConfigReader {
    /** Where bridgewall looks when no --config is given; a missing file there is no error. */
    public static final Path DEFAULT_PATH = Path.of("/etc/bridgewall/bridgewall.yaml");

    /** Docker's own rule for network names. */
    private static final Pattern NETWORK_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");
    private static final Pattern RATE = Pattern.compile("(\\d{1,6})/(second|minute|hour|day)");
    private static final String NONE = "none";

    private ConfigReader() {
    }

    public static BridgewallConfig read(Path path) {
        return read(path.toString(), YamlDocument.read(path));
    }

    /** Reads {@code bytes} as the contents of {@code file}: for tests and for files read elsewhere. */
    public static BridgewallConfig parse(String file, byte[] bytes) {
        return read(file, YamlDocument.parse(file, bytes));
    }

    private static BridgewallConfig read(String file, YamlNode.Mapping root) {
        Section top = new Section(file, "", root, List.of("blocked", "extra-blocked", "allow", "isolation", "host-input",
                "dns-exception", "published-ports", "logging", "contain", "uncontain", "docker"));
        Optional<List<Cidr>> blocked = top.list("blocked", Section::cidr);
        List<Cidr> extraBlocked = top.list("extra-blocked", Section::cidr).orElse(List.of());
        List<AllowRule> allow = top.list("allow", ConfigReader::allowRule).orElse(List.of());

        Optional<Isolation> isolation = Optional.empty();
        Map<String, Isolation> networkIsolation = Map.of();
        Optional<YamlNode> isolationNode = top.node("isolation");
        if (isolationNode.isPresent() && isolationNode.get() instanceof YamlNode.Mapping) {
            Section section = top.section("isolation", List.of("default", "networks"));
            isolation = section.scalar("default", Section::isolation);
            networkIsolation = section.map("networks", ConfigReader::networkName, Section::isolation);
        } else {
            isolation = top.scalar("isolation", Section::isolation);
        }

        Optional<HostInputConfig> hostInput = top.optionalSection("host-input", List.of("policy", "tcp", "udp"))
                .map(ConfigReader::hostInput);
        Optional<Boolean> dnsException = top.scalar("dns-exception", Section::bool);
        Optional<Boolean> publishedPorts = top.scalar("published-ports", Section::bool);
        LoggingConfig logging = top.optionalSection("logging", List.of("enabled", "rate", "group"))
                .map(section -> new LoggingConfig(section.scalar("enabled", Section::bool),
                        section.scalar("rate", ConfigReader::rate),
                        section.scalar("group", s -> s.integer(0, 65535)).map(OptionalInt::of).orElse(OptionalInt.empty()),
                        section.line()))
                .orElse(LoggingConfig.NONE);

        Optional<List<String>> contain = top.list("contain", s -> {
            String text = s.string();
            if (!text.equals(NONE)) {
                s.check(() -> InterfacePattern.of(text));
            }
            return text;
        });
        if (contain.filter(List::isEmpty).isPresent()) {
            throw top.error("contain", "is empty; list patterns such as [docker0, br-*], [" + NONE
                    + "] to turn containment off, or leave the key out for the defaults");
        }
        contain.filter(patterns -> patterns.contains(NONE) && patterns.size() > 1).ifPresent(patterns -> {
            throw top.error("contain", "'" + NONE + "' turns containment off; it cannot go with other patterns: drop one of them");
        });
        Optional<List<String>> uncontain = top.list("uncontain", s -> {
            String text = s.string();
            s.check(() -> InterfaceName.of(text));
            return text;
        });
        if (contain.filter(List.of(NONE)::equals).isPresent() && uncontain.filter(names -> !names.isEmpty()).isPresent()) {
            throw top.error("uncontain", "has no effect with 'contain: [" + NONE + "]'; drop one of them");
        }

        Optional<Section> docker = top.optionalSection("docker", List.of("enabled", "host", "timeout"));
        Optional<Boolean> dockerEnabled = docker.flatMap(s -> s.scalar("enabled", Section::bool));
        Optional<String> dockerHost = docker.flatMap(s -> s.scalar("host", ConfigReader::dockerHost));
        OptionalInt timeout = docker.flatMap(s -> s.scalar("timeout", v -> v.integer(1, 300)))
                .map(OptionalInt::of).orElse(OptionalInt.empty());
        if (dockerEnabled.equals(Optional.of(false)) && dockerHost.isPresent()) {
            throw docker.get().error("host", "has no effect with 'enabled: false'; drop one of them");
        }
        Map<String, Integer> fieldLines = new LinkedHashMap<>();
        recordLines("", root, fieldLines);
        return new BridgewallConfig(file, blocked, extraBlocked, allow, isolation, networkIsolation, hostInput, dnsException,
                publishedPorts, logging, contain, uncontain, dockerEnabled, dockerHost, timeout, fieldLines);
    }

    /** Every key of every mapping (not inside lists) by its dotted path, at its value's line. */
    private static void recordLines(String path, YamlNode.Mapping mapping, Map<String, Integer> lines) {
        for (YamlNode.Entry entry : mapping.entries()) {
            String field = path.isEmpty() ? entry.key() : path + "." + entry.key();
            lines.put(field, entry.value() instanceof YamlNode.Scalar ? entry.value().line() : entry.line());
            if (entry.value() instanceof YamlNode.Mapping inner) {
                recordLines(field, inner, lines);
            }
        }
    }

    /** {@code DEST...} or {@code {to: DEST..., networks: [NAME...]}}. */
    private static AllowRule allowRule(Section.Value value) {
        if (value.node() instanceof YamlNode.Mapping) {
            Section rule = value.section(List.of("to", "networks"));
            Section.Value to = rule.required("to");
            List<String> networks = rule.list("networks", ConfigReader::networkName).orElse(List.of());
            if (networks.isEmpty()) {
                throw rule.error("networks", "is empty; leave 'networks' out to allow from every network");
            }
            return new AllowRule(allowDestination(to), networks, to.line());
        }
        return new AllowRule(allowDestination(value), List.of(), value.line());
    }

    private static String networkName(Section.Value value) {
        String name = value.string();
        if (!NETWORK_NAME.matcher(name).matches()) {
            throw value.error("'" + name + "' is not a Docker network name (letters, digits, and _ . - after the first)");
        }
        return name;
    }

    /**
     * The shape of {@code DEST[:PORT[-PORT]][/tcp|/udp]}: DEST an IPv4 or IPv6 address or CIDR
     * (IPv6 with a port in brackets, {@code [2001:db8::5]:443}). Checked here so a typo is
     * reported with its line; the exception's own parser decides what it means.
     */
    private static String allowDestination(Section.Value value) {
        String text = value.string();
        String rest = text;
        String usage = "; write it like 10.0.0.5, 10.0.0.0/24:5432, 10.0.0.5:8000-8100/tcp or [2001:db8::5]:443/udp";
        if (rest.endsWith("/tcp") || rest.endsWith("/udp")) {
            rest = rest.substring(0, rest.length() - 4);
        }
        String destination = rest;
        String ports = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw value.error("'" + text + "' opens '[' without closing it" + usage);
            }
            destination = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw value.error("'" + text + "' has '" + after + "' after ']'" + usage);
                }
                ports = after.substring(1);
            }
        } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
            // One colon: an IPv4 destination and its ports. More colons: a bare IPv6 destination.
            destination = rest.substring(0, rest.indexOf(':'));
            ports = rest.substring(rest.indexOf(':') + 1);
        }
        String dest = destination;
        value.check(() -> Cidr.parse(dest), problem -> "'" + text + "': " + problem + usage);
        if (ports != null) {
            String[] range = ports.split("-", -1);
            if (range.length > 2 || !range[0].matches("\\d{1,5}") || (range.length == 2 && !range[1].matches("\\d{1,5}"))) {
                throw value.error("'" + text + "' has port '" + ports + "'; give PORT or PORT-PORT" + usage);
            }
            int low = Integer.parseInt(range[0]);
            int high = range.length == 2 ? Integer.parseInt(range[1]) : low;
            if (low < 1 || high > 65535 || low > high) {
                throw value.error("'" + text + "' has port " + (range.length == 2 ? "range " : "") + ports
                        + "; ports are 1 to 65535" + (range.length == 2 ? ", the lower first" : ""));
            }
        }
        return text;
    }

    /** {@code policy: drop|unmanaged}, {@code tcp:} and {@code udp:} lists, the defaults per protocol. */
    private static HostInputConfig hostInput(Section section) {
        Optional<String> policy = section.scalar("policy", value -> value.oneOf(List.of("drop", "unmanaged")));
        boolean managed = !policy.equals(Optional.of("unmanaged"));
        List<HostPort> ports = new ArrayList<>();
        for (Protocol protocol : Protocol.values()) {
            String key = protocol.nftName();
            Optional<List<HostPort>> given = section.list(key, value -> hostPort(value, protocol));
            if (!managed && given.isPresent()) {
                throw section.error(key, "ports have no effect with 'policy: unmanaged'; drop one of them");
            }
            if (managed) {
                ports.addAll(given.orElseGet(() -> HostInput.DEFAULT_PORTS.stream().filter(p -> p.protocol() == protocol)
                        .map(p -> new HostPort(p, List.of(), section.line())).toList()));
            }
        }
        Map<Port, HostPort> seen = new LinkedHashMap<>();
        for (HostPort port : ports) {
            HostPort first = seen.putIfAbsent(port.port(), port);
            if (first != null) {
                throw new ConfigException(section.file(), port.line(), section.path(port.port().protocol().nftName()),
                        "port " + port.port() + " is listed twice (first at line " + first.line() + "); list each port once");
            }
        }
        return new HostInputConfig(managed, ports);
    }

    /** {@code 22} or {@code {port: 22, from: [CIDR...]}}. */
    private static HostPort hostPort(Section.Value value, Protocol protocol) {
        if (value.node() instanceof YamlNode.Mapping) {
            Section entry = value.section(List.of("port", "from"));
            Section.Value number = entry.required("port");
            List<Cidr> from = entry.list("from", Section::cidr).orElse(List.of());
            if (from.isEmpty()) {
                throw entry.error("from", "is empty, which would open the port to nobody; list source ranges, "
                        + "or write the port alone to open it to everyone");
            }
            return new HostPort(new Port(number.integer(1, 65535), protocol), from, number.line());
        }
        return new HostPort(new Port(value.integer(1, 65535), protocol), List.of(), value.line());
    }

    private static String rate(Section.Value value) {
        String text = value.string();
        var matcher = RATE.matcher(text);
        if (!matcher.matches() || Integer.parseInt(matcher.group(1)) < 1) {
            throw value.error("'" + text + "' is not a rate; write it like 10/minute (a count from 1, per second, "
                    + "minute, hour or day)");
        }
        return text;
    }

    private static String dockerHost(Section.Value value) {
        String text = value.string();
        if (!text.startsWith("unix:///")) {
            throw value.error("'" + text + "' is not a unix socket address; write it like unix:///var/run/docker.sock");
        }
        return text;
    }

    /**
     * One level of the file: a mapping whose keys are checked against the known ones when it is
     * made, and typed getters that report the file, line and field of a bad value.
     */
    static final class Section {
        private final String file;
        private final String path;
        private final YamlNode.Mapping mapping;

        Section(String file, String path, YamlNode.Mapping mapping, List<String> known) {
            this.file = file;
            this.path = path;
            this.mapping = mapping;
            for (YamlNode.Entry entry : mapping.entries()) {
                if (known != null && !known.contains(entry.key())) {
                    throw new ConfigException(file, entry.line(), "", "unknown key '" + entry.key() + "'"
                            + (path.isEmpty() ? "" : " in " + path) + Suggestion.of(entry.key(), known)
                            .map(s -> "; did you mean '" + s + "'?").orElse("; known keys: " + String.join(", ", known)));
                }
            }
        }

        String file() {
            return file;
        }

        int line() {
            return mapping.line();
        }

        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        Optional<YamlNode> node(String key) {
            return mapping.entries().stream().filter(e -> e.key().equals(key)).findFirst().map(YamlNode.Entry::value);
        }

        private Optional<YamlNode.Entry> entry(String key) {
            return mapping.entries().stream().filter(e -> e.key().equals(key)).findFirst();
        }

        ConfigException error(String key, String problem) {
            int line = entry(key).map(e -> e.value().line()).orElse(mapping.line());
            return new ConfigException(file, line, path(key), problem);
        }

        Value required(String key) {
            return entry(key).map(e -> new Value(this, path(key), e.value()))
                    .orElseThrow(() -> new ConfigException(file, mapping.line(), path.isEmpty() ? key : path,
                            "'" + key + "' is missing"));
        }

        /** A single value; a key given with no value ({@code key:}) is refused rather than taken as the default. */
        <T> Optional<T> scalar(String key, Function<Value, T> convert) {
            return entry(key).map(e -> convert.apply(new Value(this, path(key), e.value())));
        }

        <T> Optional<List<T>> list(String key, Function<Value, T> convert) {
            return entry(key).map(e -> {
                if (!(e.value() instanceof YamlNode.Sequence sequence)) {
                    throw new ConfigException(file, e.value().line(), path(key), "expected a list (e.g. [a, b] or lines "
                            + "starting with '- '), found " + e.value().kind());
                }
                List<T> out = new ArrayList<>();
                for (int i = 0; i < sequence.items().size(); i++) {
                    out.add(convert.apply(new Value(this, path(key) + "[" + i + "]", sequence.items().get(i))));
                }
                return out;
            });
        }

        /** A mapping of names the format does not fix (network names) to values. */
        <T> Map<String, T> map(String key, Function<Value, String> checkName, Function<Value, T> convert) {
            Optional<Section> section = optionalSection(key, null);
            Map<String, T> out = new LinkedHashMap<>();
            section.ifPresent(s -> s.mapping.entries().forEach(e -> {
                checkName.apply(new Value(s, s.path(e.key()), new YamlNode.Scalar(e.key(), Type.STRING, e.line())));
                out.put(e.key(), convert.apply(new Value(s, s.path(e.key()), e.value())));
            }));
            return out;
        }

        Section section(String key, List<String> known) {
            return optionalSection(key, known).orElseThrow();
        }

        /** The mapping under {@code key}; {@code known} null accepts any key. */
        Optional<Section> optionalSection(String key, List<String> known) {
            return entry(key).map(e -> new Value(this, path(key), e.value()).section(known));
        }

        /** One value of the file at {@code path}. */
        record Value(Section in, String path, YamlNode node) {
            int line() {
                return node.line();
            }

            ConfigException error(String problem) {
                return new ConfigException(in.file, node.line(), path, problem);
            }

            Section section(List<String> known) {
                if (!(node instanceof YamlNode.Mapping mapping)) {
                    throw error("expected a mapping of keys" + (known == null ? "" : " (" + String.join(", ", known) + ")")
                            + ", found " + node.kind());
                }
                return new Section(in.file, path, mapping, known);
            }

            private YamlNode.Scalar scalar(Type expected, String what) {
                if (node instanceof YamlNode.Scalar scalar && scalar.type() == expected) {
                    return scalar;
                }
                throw error("expected " + what + ", found " + node.kind()
                        + (node instanceof YamlNode.Scalar s && s.type() == Type.NULL ? " (a key with no value)" : ""));
            }

            String string() {
                // Numbers written plainly (a port range 8000-8100 is a string, 5432 alone is not
                // asked for as one) and booleans are not strings here: quote them if meant.
                String text = scalar(Type.STRING, "a string").text();
                if (text.isBlank()) {
                    throw error("is empty; give a value or leave the key out");
                }
                return text;
            }

            boolean bool() {
                String text = scalar(Type.BOOLEAN, "true or false").text();
                // YAML 1.1 also reads yes/no/on/off as booleans; only the unambiguous words are taken.
                return switch (text) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw error("'" + text + "' is ambiguous; write true or false");
                };
            }

            int integer(int min, int max) {
                String text = scalar(Type.INTEGER, "a whole number from " + min + " to " + max).text();
                if (!text.matches("-?\\d{1,10}")) {
                    throw error("'" + text + "' is not a plain decimal number; write it like " + min);
                }
                long number = Long.parseLong(text);
                if (number < min || number > max) {
                    throw error(text + " is out of range; use " + min + " to " + max);
                }
                return (int) number;
            }

            String oneOf(List<String> words) {
                String text = node instanceof YamlNode.Scalar s && s.type() != Type.NULL ? s.text() : null;
                if (text == null) {
                    throw error("expected one of " + String.join(", ", words) + ", found " + node.kind());
                }
                if (!words.contains(text)) {
                    throw error("'" + text + "' is not one of " + String.join(", ", words)
                            + Suggestion.of(text, words).map(s -> "; did you mean '" + s + "'?").orElse(""));
                }
                return text;
            }

            /** Runs {@code parse}; its refusal is reported at this value. */
            <T> T check(java.util.function.Supplier<T> parse) {
                return check(parse, Function.identity());
            }

            <T> T check(java.util.function.Supplier<T> parse, Function<String, String> problem) {
                try {
                    return parse.get();
                } catch (InvalidInputException e) {
                    throw error(problem.apply(e.getMessage()));
                }
            }

            Cidr cidr() {
                String text = string();
                return check(() -> Cidr.parse(text));
            }

            Isolation isolation() {
                return Isolation.parse(oneOf(List.of(Isolation.STRICT.word(), Isolation.DOCKER.word())));
            }
        }

        static Cidr cidr(Value value) {
            return value.cidr();
        }

        static boolean bool(Value value) {
            return value.bool();
        }

        static Isolation isolation(Value value) {
            return value.isolation();
        }
    }
}
