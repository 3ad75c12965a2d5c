package io.bridgewall.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.cli.config.BridgewallConfig.AllowRule;
import io.bridgewall.cli.config.BridgewallConfig.HostPort;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Port;
import io.bridgewall.policy.Protocol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The config file's format: what a good file gives, and the one line every bad one gets. */
class ConfigReaderTest {
    /** The example shipped in the repository, from the cli module's directory (where the tests run). */
    static final Path EXAMPLE = Path.of("..", "packaging", "bridgewall.yaml.example");

    @TempDir
    Path dir;

    private static BridgewallConfig parse(String yaml) {
        return ConfigReader.parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    /** The one-line message of the refusal of {@code yaml}. */
    private static String refusal(String yaml) {
        return refusal(yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(byte[] bytes) {
        try {
            ConfigReader.parse("test.yaml", bytes);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("\n").startsWith("test.yaml:");
            return e.getMessage();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void theExampleAsInstalledChangesNothing() {
        // The package installs it as /etc/bridgewall/bridgewall.yaml: every field commented out.
        assertThat(ConfigReader.read(EXAMPLE)).isEqualTo(emptyFrom(EXAMPLE.toString()));
    }

    @Test
    void theExamplesCommentedOutFieldsAreTheBuiltInDefaults() throws Exception {
        // A default is '#' and the YAML line, indented by two spaces at most ('#blocked:', '#  - 10.0.0.0/8').
        String defaults = Files.readString(EXAMPLE).lines()
                .filter(line -> line.matches("#(\\S|  \\S).*"))
                .map(line -> line.substring(1))
                .reduce("", (a, b) -> a + b + "\n");
        BridgewallConfig example = parse(defaults);

        assertThat(example.blocked()).contains(Policy.DEFAULT_BLOCKED);
        assertThat(example.extraBlocked()).isEmpty();
        assertThat(example.allow()).isEmpty();
        assertThat(example.isolation()).contains(Isolation.DOCKER);
        assertThat(example.networkIsolation()).isEmpty();
        assertThat(example.hostInput()).hasValueSatisfying(input -> {
            assertThat(input.managed()).isEqualTo(HostInput.defaults().managed());
            assertThat(input.ports()).extracting(HostPort::port).isEqualTo(HostInput.DEFAULT_PORTS);
        });
        assertThat(example.dnsException()).contains(true);
        assertThat(example.publishedPorts()).contains(true);
        assertThat(example.logging().enabled()).contains(false);
        assertThat(example.contain()).contains(List.of("docker0", "br-*"));
        assertThat(example.uncontain()).contains(List.of());
        assertThat(example.docker()).contains(true);
        assertThat(example.dockerHost()).isEmpty();
        assertThat(example.dockerTimeoutSeconds()).hasValue(5);
        assertThat(example.fieldLines().keySet()).as("every top-level field of the format is in the example")
                .containsAll(List.of("blocked", "extra-blocked", "allow", "isolation", "host-input", "dns-exception",
                        "published-ports", "logging", "contain", "uncontain", "docker"));
    }

    @Test
    void everyExampleInTheExampleIsValid() throws Exception {
        // The lines under "# e.g.:" ('#   ' and the YAML) each form a file bridgewall takes.
        List<String> examples = new java.util.ArrayList<>();
        boolean inExample = false;
        for (String line : Files.readAllLines(EXAMPLE)) {
            if (line.equals("# e.g.:")) {
                inExample = true;
                examples.add("");
            } else if (inExample && line.startsWith("#   ")) {
                examples.set(examples.size() - 1, examples.get(examples.size() - 1) + line.substring(4) + "\n");
            } else {
                inExample = false;
            }
        }
        BridgewallConfig all = parse(String.join("", examples));

        assertThat(examples).hasSize(6);
        assertThat(all.extraBlocked()).containsExactly(Cidr.parse("203.0.113.0/24"));
        assertThat(all.allow()).extracting(AllowRule::destination, AllowRule::networks).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.0.0.5:5432/tcp", List.of()),
                org.assertj.core.groups.Tuple.tuple("10.0.0.6:6379/tcp", List.of("app")));
        assertThat(all.isolation()).contains(Isolation.STRICT);
        assertThat(all.networkIsolation()).containsExactly(Map.entry("shop_default", Isolation.DOCKER));
        assertThat(all.hostInput().orElseThrow().openPortArguments()).containsExactly("443/tcp", "51820/udp");
        assertThat(all.hostInput().orElseThrow().portsWithSources()).extracting(HostPort::port, HostPort::from)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(new Port(22, Protocol.TCP), List.of(Cidr.parse("192.168.10.0/24"))));
        assertThat(all.logging().enabled()).contains(true);
        assertThat(all.logging().rate()).contains("10/minute");
        assertThat(all.logging().group()).hasValue(1);
        assertThat(all.dockerHost()).contains("unix:///run/docker.sock");
    }

    @Test
    void theReadmeShowsTheExampleAsItIs() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String example = Files.readString(EXAMPLE);
        int start = readme.indexOf("```yaml\n# /etc/bridgewall/bridgewall.yaml");
        assertThat(start).as("the example in README.md's Configuration file section").isNotNegative();
        int body = start + "```yaml\n".length();

        assertThat(readme.substring(body, readme.indexOf("```", body))).isEqualTo(example);
    }

    @Test
    void anEmptyFileOrOneOfCommentsOnlyLeavesEverythingToTheDefaults() {
        assertThat(parse("")).isEqualTo(emptyFrom("test.yaml"));
        assertThat(parse("# nothing yet\n\n")).isEqualTo(emptyFrom("test.yaml"));
        assertThat(parse("---\n")).isEqualTo(emptyFrom("test.yaml"));
    }

    private static BridgewallConfig emptyFrom(String file) {
        BridgewallConfig none = BridgewallConfig.none();
        return new BridgewallConfig(file, none.blocked(), none.extraBlocked(), none.allow(), none.isolation(),
                none.networkIsolation(), none.hostInput(), none.dnsException(), none.publishedPorts(), none.logging(),
                none.contain(), none.uncontain(), none.docker(), none.dockerHost(), none.dockerTimeoutSeconds(), Map.of());
    }

    @Test
    void everyFieldKnowsItsLineForErrorsFoundLater() {
        BridgewallConfig config = parse("# switches\ndns-exception: true\nlogging:\n  enabled: true\n  rate: 5/second\n");

        assertThat(config.lineOf("dns-exception")).isEqualTo(2);
        assertThat(config.lineOf("logging")).isEqualTo(3);
        assertThat(config.lineOf("logging.rate")).isEqualTo(5);
        assertThat(config.lineOf("published-ports")).as("not in the file").isEqualTo(1);
    }

    @Test
    void aGoodFileGivesEveryValueInTheFormsTheOptionsTake() {
        BridgewallConfig config = parse("""
                blocked: [10.0.0.0/8, "fc00::/7"]
                extra-blocked:
                  - 198.51.100.0/24
                allow:
                  - 10.0.0.5:5432/tcp
                  - "[2001:db8::5]:443"
                  - to: 192.168.1.0/24:8000-8100/udp
                    networks: [app, shop_default]
                isolation:
                  default: strict
                  networks: {shop_default: docker, admin: strict}
                host-input:
                  tcp:
                    - 443
                    - port: 22
                      from: [192.168.10.0/24, "2001:db8:10::/64"]
                  udp: [51820]
                dns-exception: false
                published-ports: false
                logging: {enabled: true, rate: 5/second, group: 7}
                contain: [docker0, br-*, cni*]
                uncontain: [br-lan]
                docker: {enabled: true, host: "unix:///run/docker.sock", timeout: 30}
                """);

        assertThat(config.blocked()).contains(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fc00::/7")));
        assertThat(config.extraBlocked()).containsExactly(Cidr.parse("198.51.100.0/24"));
        assertThat(config.allow()).containsExactly(new AllowRule("10.0.0.5:5432/tcp", List.of(), 5),
                new AllowRule("[2001:db8::5]:443", List.of(), 6),
                new AllowRule("192.168.1.0/24:8000-8100/udp", List.of("app", "shop_default"), 7));
        assertThat(config.isolation()).contains(Isolation.STRICT);
        assertThat(config.networkIsolation()).isEqualTo(Map.of("shop_default", Isolation.DOCKER, "admin", Isolation.STRICT));
        assertThat(config.hostInput().orElseThrow().managed()).isTrue();
        assertThat(config.hostInput().orElseThrow().ports()).containsExactly(
                new HostPort(new Port(443, Protocol.TCP), List.of(), 14),
                new HostPort(new Port(22, Protocol.TCP), List.of(Cidr.parse("192.168.10.0/24"), Cidr.parse("2001:db8:10::/64")), 15),
                new HostPort(new Port(51820, Protocol.UDP), List.of(), 17));
        assertThat(config.hostInput().orElseThrow().openPortArguments()).containsExactly("443/tcp", "51820/udp");
        assertThat(config.dnsException()).contains(false);
        assertThat(config.publishedPorts()).contains(false);
        assertThat(config.logging().enabled()).contains(true);
        assertThat(config.logging().rate()).contains("5/second");
        assertThat(config.logging().group()).hasValue(7);
        assertThat(config.contain()).contains(List.of("docker0", "br-*", "cni*"));
        assertThat(config.uncontain()).contains(List.of("br-lan"));
        assertThat(config.docker()).contains(true);
        assertThat(config.dockerHost()).contains("unix:///run/docker.sock");
        assertThat(config.dockerTimeoutSeconds()).isEqualTo(OptionalInt.of(30));
    }

    @Test
    void aProtocolLeftOutOfHostInputKeepsItsDefaultAndAnEmptyListClosesIt() {
        assertThat(parse("host-input:\n  udp: [53]\n").hostInput().orElseThrow().openPortArguments())
                .containsExactly("22/tcp", "53/udp");
        assertThat(parse("host-input:\n  tcp: []\n").hostInput().orElseThrow().ports()).isEmpty();
        assertThat(parse("host-input:\n  policy: unmanaged\n").hostInput().orElseThrow())
                .satisfies(input -> assertThat(input.managed()).isFalse())
                .satisfies(input -> assertThat(input.ports()).isEmpty());
    }

    @Test
    void isolationAsOneWordSetsEveryNetwork() {
        assertThat(parse("isolation: strict\n").isolation()).contains(Isolation.STRICT);
        assertThat(parse("isolation: strict\n").networkIsolation()).isEmpty();
        assertThat(parse("isolation:\n  networks:\n    web: strict\n").isolation()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            isolaton: strict                         | test.yaml:1: unknown key 'isolaton'; did you mean 'isolation'?
            extra_blocked: []                        | test.yaml:1: unknown key 'extra_blocked'; did you mean 'extra-blocked'?
            hostinput: {}                            | test.yaml:1: unknown key 'hostinput'; did you mean 'host-input'?
            'logging:\\n  enable: true'              | test.yaml:2: unknown key 'enable' in logging; did you mean 'enabled'?
            'host-input:\\n  tpc: [22]'              | test.yaml:2: unknown key 'tpc' in host-input; did you mean 'tcp'?
            'isolation:\\n  defualt: strict'         | test.yaml:2: unknown key 'defualt' in isolation; did you mean 'default'?
            'docker:\\n  socket: unix:///x'          | test.yaml:2: unknown key 'socket' in docker; known keys: enabled, host, timeout
            colour: blue                             | test.yaml:1: unknown key 'colour'; known keys: blocked, extra-blocked, allow
            'allow:\\n  - to: 10.0.0.5\\n    network: [a]' | test.yaml:3: unknown key 'network' in allow[0]; did you mean 'networks'?
            """)
    void anUnknownKeyIsRefusedWithTheKeyItWasProbablyMeantToBe(String yaml, String message) {
        assertThat(refusal(yaml.replace("\\n", "\n"))).startsWith(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            'blocked: 10.0.0.0/8'                       | test.yaml:1: blocked: expected a list (e.g. [a, b] or lines starting with '- '), found the string '10.0.0.0/8'
            'blocked:\\n  - 10.0.0.0/8\\n  - 10.300.0.0/16' | test.yaml:3: blocked[1]: '10.300.0.0/16' is not a valid IPv4 network: octet '300' must be 0 to 255
            'extra-blocked: [10.0.0.1/8]'               | test.yaml:1: extra-blocked[0]: 10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?
            'extra-blocked: [example.com]'              | test.yaml:1: extra-blocked[0]:
            'extra-blocked: [10.0.0.0/33]'              | test.yaml:1: extra-blocked[0]: prefix length /33 is out of range
            'extra-blocked: [8]'                        | test.yaml:1: extra-blocked[0]: expected a string, found a number (8)
            'isolation: loose'                          | test.yaml:1: isolation: 'loose' is not one of strict, docker
            'isolation: stric'                          | test.yaml:1: isolation: 'stric' is not one of strict, docker; did you mean 'strict'?
            'isolation:\\n  networks:\\n    web: true'    | test.yaml:3: isolation.networks.web: 'true' is not one of strict, docker
            'isolation:\\n  networks:\\n    -web: strict' | test.yaml:3: isolation.networks.-web: '-web' is not a Docker network name
            'isolation:\\n  networks: [web]'             | test.yaml:2: isolation.networks: expected a mapping of keys, found a list
            'isolation: [strict]'                       | test.yaml:1: isolation: expected one of strict, docker, found a list
            'host-input:\\n  tcp: [22, 70000]'          | test.yaml:2: host-input.tcp[1]: 70000 is out of range; use 1 to 65535
            'host-input:\\n  tcp: [0]'                  | test.yaml:2: host-input.tcp[0]: 0 is out of range; use 1 to 65535
            'host-input:\\n  tcp: ["22"]'               | test.yaml:2: host-input.tcp[0]: expected a whole number from 1 to 65535, found the string '22'
            'host-input:\\n  tcp: [22.5]'               | test.yaml:2: host-input.tcp[0]: expected a whole number from 1 to 65535, found a decimal number (22.5)
            'host-input:\\n  tcp: [0x16]'               | test.yaml:2: host-input.tcp[0]: '0x16' is not a plain decimal number
            'host-input:\\n  tcp: [99999999999999999999]' | test.yaml:2: host-input.tcp[0]: '99999999999999999999' is not a plain decimal number
            'host-input:\\n  tcp: [22, 22]'             | test.yaml:2: host-input.tcp: port 22/tcp is listed twice (first at line 2)
            'host-input:\\n  policy: accept'            | test.yaml:2: host-input.policy: 'accept' is not one of drop, unmanaged
            'host-input:\\n  policy: unmanaged\\n  tcp: [22]' | test.yaml:3: host-input.tcp: ports have no effect with 'policy: unmanaged'
            'host-input:\\n  tcp:\\n    - port: 22\\n      from: []' | test.yaml:4: host-input.tcp[0].from: is empty, which would open the port to nobody
            'host-input:\\n  tcp:\\n    - port: 22\\n      from: [10.0.0.300/24]' | test.yaml:4: host-input.tcp[0].from[0]: '10.0.0.300/24' is not a valid IPv4 network
            'host-input:\\n  tcp:\\n    - from: [10.0.0.0/24]' | test.yaml:3: host-input.tcp[0]: 'port' is missing
            'host-input: drop'                          | test.yaml:1: host-input: expected a mapping of keys (policy, tcp, udp), found the string 'drop'
            'dns-exception: yes'                        | test.yaml:1: dns-exception: 'yes' is ambiguous; write true or false
            'dns-exception: "false"'                    | test.yaml:1: dns-exception: expected true or false, found the string 'false'
            'published-ports:'                          | test.yaml:1: published-ports: expected true or false, found nothing (a key with no value)
            'logging:\\n  rate: 10/fortnight'           | test.yaml:2: logging.rate: '10/fortnight' is not a rate; write it like 10/minute
            'logging:\\n  rate: 0/second'               | test.yaml:2: logging.rate: '0/second' is not a rate
            'logging:\\n  group: 65536'                 | test.yaml:2: logging.group: 65536 is out of range; use 0 to 65535
            'logging:\\n  group: -1'                    | test.yaml:2: logging.group: -1 is out of range; use 0 to 65535
            'allow: [10.0.0.5:99999]'                   | test.yaml:1: allow[0]: '10.0.0.5:99999' has port 99999; ports are 1 to 65535
            'allow: [10.0.0.5:90-80/tcp]'               | test.yaml:1: allow[0]: '10.0.0.5:90-80/tcp' has port range 90-80; ports are 1 to 65535, the lower first
            'allow: [db.lan:5432]'                      | test.yaml:1: allow[0]: 'db.lan:5432':
            'allow: [10.0.0.5:ssh]'                     | test.yaml:1: allow[0]: '10.0.0.5:ssh' has port 'ssh'; give PORT or PORT-PORT
            'allow: ["[2001:db8::5:443"]'               | test.yaml:1: allow[0]: '[2001:db8::5:443' opens '[' without closing it
            'allow:\\n  - to: 10.0.0.5\\n    networks: []' | test.yaml:3: allow[0].networks: is empty; leave 'networks' out
            'allow:\\n  - networks: [app]'              | test.yaml:2: allow[0]: 'to' is missing
            'allow:\\n  - to: 10.0.0.5\\n    networks: [my net]' | test.yaml:3: allow[0].networks[0]: 'my net' is not a Docker network name
            'contain: []'                               | test.yaml:1: contain: is empty; list patterns such as [docker0, br-*], [none] to turn containment off
            'contain: [none, br-*]'                     | test.yaml:1: contain: 'none' turns containment off; it cannot go with other patterns
            'contain: ["*"]'                            | test.yaml:1: contain[0]: interface pattern '*' matches every interface
            'contain: [br-*x]'                          | test.yaml:1: contain[0]: interface pattern 'br-*x' has a '*' before its end
            'uncontain: [a-name-far-too-long]'          | test.yaml:1: uncontain[0]:
            'contain: [none]\\nuncontain: [br-lan]'     | test.yaml:2: uncontain: has no effect with 'contain: [none]'
            'docker:\\n  timeout: 0'                    | test.yaml:2: docker.timeout: 0 is out of range; use 1 to 300
            'docker:\\n  timeout: 301'                  | test.yaml:2: docker.timeout: 301 is out of range; use 1 to 300
            'docker:\\n  timeout: 5s'                   | test.yaml:2: docker.timeout: expected a whole number from 1 to 300, found the string '5s'
            'docker:\\n  host: tcp://10.0.0.1:2375'     | test.yaml:2: docker.host: 'tcp://10.0.0.1:2375' is not a unix socket address
            'docker:\\n  enabled: false\\n  host: unix:///x' | test.yaml:3: docker.host: has no effect with 'enabled: false'
            'docker:\\n  host: ""'                      | test.yaml:2: docker.host: expected a string, found nothing (a key with no value)
            """)
    void everyBadValueIsRefusedWithItsLineAndField(String yaml, String message) {
        assertThat(refusal(yaml.replace("\\n", "\n"))).startsWith(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            'isolation: strict\\nisolation: docker'      | test.yaml:2: key 'isolation' is given twice (first at line 1); give each key once
            'logging:\\n  enabled: true\\n  enabled: false' | test.yaml:3: key 'enabled' is given twice (first at line 2)
            '- isolation: strict'                       | test.yaml:1: the file holds a list; it must be a mapping of keys such as 'isolation: strict'
            'strict'                                    | test.yaml:1: the file holds the string 'strict'; it must be a mapping
            'isolation: strict\\n---\\nisolation: docker' | test.yaml:3: a second YAML document ('---'); put everything in one document
            'isolation: strict: docker'                 | test.yaml:1: not valid YAML: mapping values are not allowed here
            'blocked: [10.0.0.0/8'                      | test.yaml:
            'isolation: !!str strict'                   | test.yaml:1: tag 'tag:yaml.org,2002:str': YAML tags are not supported
            'blocked: !!binary aGk='                    | test.yaml:1: tag 'tag:yaml.org,2002:binary': YAML tags are not supported
            'isolation: &mode strict\\nnot: *mode'      | test.yaml:2: alias '*mode': anchors and aliases are not supported
            'host-input: &input\\n  tcp: [22]'          | test.yaml:1: anchor '&input': anchors and aliases are not supported
            'a:\\n  b: 1\\n - c'                        | test.yaml:3: not valid YAML: expected <block end>, but found '<block sequence start>' (while parsing a block mapping)
            'isolation: "\\0strict"'                  | test.yaml:1: control character U+0000 in a value; remove it
            """)
    void malformedYamlIsOneLineWithItsLine(String yaml, String message) {
        assertThat(refusal(yaml.replace("\\n", "\n"))).startsWith(message);
    }

    @Test
    void aBillionLaughsStopsAtTheFirstAnchorWithoutExpandingAnything() {
        StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            char previous = (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [");
            yaml.append(String.join(",", java.util.Collections.nCopies(9, "*" + previous))).append("]\n");
        }
        yaml.append("blocked: *i\n");

        long start = System.nanoTime();
        assertThat(refusal(yaml.toString())).isEqualTo(
                "test.yaml:1: anchor '&a': anchors and aliases are not supported; write each value out");
        assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds").isLessThan(2_000);
    }

    @Test
    void anAliasAloneIsRefusedToo() {
        assertThat(refusal("isolation: *mode\n")).startsWith("test.yaml:1: alias '*mode': anchors and aliases are not supported");
    }

    @Test
    void deepNestingIsRefusedAtTheLimitNotAfterExhaustingTheStack() {
        String flow = "blocked: " + "[".repeat(100_000);
        assertThat(refusal(flow)).startsWith("test.yaml:1: nested deeper than " + YamlDocument.MAX_DEPTH + " levels");

        StringBuilder block = new StringBuilder();
        for (int level = 0; level < 40; level++) {
            block.append("  ".repeat(level)).append("k").append(level).append(":\n");
        }
        assertThat(refusal(block.toString())).contains("nested deeper than " + YamlDocument.MAX_DEPTH + " levels");
    }

    @Test
    void aHugeFileIsRefusedBeforeItIsParsed() throws Exception {
        Path huge = dir.resolve("huge.yaml");
        byte[] comment = ("# " + "x".repeat(1021) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (var out = Files.newOutputStream(huge)) {
            for (int i = 0; i < 64 * 1024; i++) {
                out.write(comment);
            }
        }
        assertThatThrownBy(() -> ConfigReader.read(huge)).isInstanceOf(ConfigException.class)
                .hasMessage(huge + ":1: is larger than 256 KiB; a config file is a few KiB of YAML: is this the right file?");
    }

    @Test
    void aLongValueIsRefusedWithItsLine() {
        assertThat(refusal("isolation: strict\ndocker:\n  host: unix:///" + "x".repeat(10_000) + "\n"))
                .startsWith("test.yaml:3: a value of 10008 characters; no field takes more than 4096");
    }

    @Test
    void binaryJunkIsRefusedAsNotText() {
        assertThat(refusal(new byte[] {'a', ':', ' ', '1', '\n', (byte) 0xff, (byte) 0xfe, 0, 1}))
                .isEqualTo("test.yaml:2: not UTF-8 text (byte 0xff); a config file is YAML text: is this the right file?");
        assertThat(refusal(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}))
                .isEqualTo("test.yaml:1: control character U+007F; a config file is YAML text: is this the right file?");
        assertThat(refusal("isolation: strict\n\u001b[31m\n")).startsWith("test.yaml:2: control character U+001B");
    }

    @Test
    void aFileThatIsNotThereOrNotAFileIsOneLine(@TempDir Path empty) {
        Path missing = empty.resolve("missing.yaml");
        assertThatThrownBy(() -> ConfigReader.read(missing)).isInstanceOf(ConfigException.class)
                .hasMessage(missing + ":1: no such file; give an existing file or leave --config out");
        assertThatThrownBy(() -> ConfigReader.read(empty)).isInstanceOf(ConfigException.class)
                .hasMessage(empty + ":1: is a directory; give the config file itself");
        assertThatThrownBy(() -> ConfigReader.read(Path.of("/dev/zero"))).isInstanceOf(ConfigException.class)
                .hasMessage("/dev/zero:1: is not a regular file; give the config file itself");
    }

    @Test
    void aByteOrderMarkAndWindowsLineEndsAreFine() {
        assertThat(parse("\uFEFFisolation: strict\r\ndns-exception: false\r\n").isolation()).contains(Isolation.STRICT);
    }

    @Test
    void anErrorFoundLaterNamesTheFileAndLineGiven() {
        BridgewallConfig config = parse("allow:\n  - 10.0.0.5:5432\n");
        assertThat(config.error(config.allow().get(0).line(), "allow[0]", "refused by the exception parser"))
                .hasMessage("test.yaml:2: allow[0]: refused by the exception parser");
        assertThat(Optional.of(config.allow().get(0).destination())).contains("10.0.0.5:5432");
    }
}
