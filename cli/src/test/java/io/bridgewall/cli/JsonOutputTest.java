package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bridgewall.docker.FakeDockerd;
import io.bridgewall.kernel.Foreign;
import io.bridgewall.kernel.InstalledTable;
import io.bridgewall.kernel.ReadBack;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.BridgeOrigin;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.Containment;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InterfacePattern;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Port;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.Statement;
import io.bridgewall.view.InstalledView;
import io.bridgewall.view.PlanView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documents of `plan --json` and `show --json`, written from known values and parsed back
 * with Jackson: no kernel, no Docker. Fields are read one by one, as a script would.
 */
class JsonOutputTest {
    private static final String WEB = "br-0123456789ab";
    private static final String QUIET = "br-quiet000000";

    /** docker0 from Docker, a compose network that talks, one with enable_icc=false, an internal one from --bridge. */
    private static Policy knownPolicy() {
        List<Bridge> bridges = List.of(
                new Bridge(InterfaceName.of("docker0"), cidrs("172.17.0.0/16"), true, false,
                        new BridgeOrigin.Docker("bridge", "aaaaaaaaaaaa")),
                new Bridge(InterfaceName.of(WEB), cidrs("172.18.0.0/16", "fd00:18::/64"), true, false,
                        new BridgeOrigin.DockerWithGivenSubnets(new BridgeOrigin.Docker("web_default", "0123456789ab"),
                                cidrs("172.19.0.0/16"))),
                new Bridge(InterfaceName.of(QUIET), cidrs("172.20.0.0/24"), true, false,
                        new BridgeOrigin.Docker("quiet", "bbbbbbbbbbbb"), false),
                new Bridge(InterfaceName.of("bwinternal0"), cidrs("10.99.0.0/24"), true, true, new BridgeOrigin.Given()));
        return new Policy(bridges, Policy.DEFAULT_BLOCKED,
                new HostInput(true, List.of(Port.parse("22/tcp"), Port.parse("53/udp"))),
                new Containment(List.of(InterfacePattern.of("docker0"), InterfacePattern.of("br-*")),
                        List.of(InterfaceName.of("br-lan"))));
    }

    private static List<Cidr> cidrs(String... texts) {
        return List.of(texts).stream().map(Cidr::parse).toList();
    }

    private static JsonNode parse(String json) throws Exception {
        return JsonOutput.MAPPER.readTree(json);
    }

    private static JsonNode planJson(Policy policy) throws Exception {
        return parse(JsonOutput.text(PlanView.of(policy, Planner.plan(policy))));
    }

    private static JsonNode byField(JsonNode array, String field, String value) {
        return StreamSupport.stream(array.spliterator(), false).filter(n -> n.path(field).asText().equals(value))
                .findFirst().orElseThrow(() -> new AssertionError("no " + field + " = " + value + " in " + array));
    }

    /** The given field of each element of an array, in order. */
    private static List<String> field(JsonNode array, String name) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path(name).asText()).toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void planSaysTheFormatAndThePolicyAsDecided() throws Exception {
        JsonNode plan = planJson(knownPolicy());

        assertThat(plan.path("format").asInt()).isEqualTo(1);
        assertThat(plan.path("kind").asText()).isEqualTo("plan");
        assertThat(plan.path("table").path("family").asText()).isEqualTo("inet");
        assertThat(plan.path("table").path("name").asText()).isEqualTo("bridgewall");

        JsonNode policy = plan.path("policy");
        assertThat(policy.path("isolation").asText()).isEqualTo("docker");
        assertThat(texts(policy.path("blocked_destinations"))).containsExactly("10.0.0.0/8", "172.16.0.0/12",
                "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10", "fc00::/7", "fe80::/10");
        assertThat(policy.path("host_input").path("managed").asBoolean()).isTrue();
        assertThat(policy.path("host_input").path("open_ports").toString())
                .isEqualTo("[{\"port\":22,\"protocol\":\"tcp\"},{\"port\":53,\"protocol\":\"udp\"}]");
        JsonNode containment = policy.path("containment");
        assertThat(containment.path("enabled").asBoolean()).isTrue();
        assertThat(texts(containment.path("patterns"))).containsExactly("br-*", "docker0");
        assertThat(texts(containment.path("exempt"))).containsExactly("br-lan");
        assertThat(containment.path("ignored_exemptions").isEmpty()).isTrue();

        JsonNode bridges = policy.path("bridges");
        assertThat(field(bridges, "name")).containsExactly("docker0", WEB, QUIET, "bwinternal0");
        JsonNode docker0 = byField(bridges, "name", "docker0");
        assertThat(docker0.path("containers_talk").asBoolean()).isFalse();
        assertThat(docker0.path("isolated_because").asText()).isEqualTo("docker0");
        assertThat(docker0.path("masquerade").asBoolean()).isTrue();
        assertThat(docker0.path("origin").path("source").asText()).isEqualTo("docker");
        assertThat(docker0.path("origin").path("network").asText()).isEqualTo("bridge");

        JsonNode web = byField(bridges, "name", WEB);
        assertThat(texts(web.path("subnets"))).containsExactly("172.18.0.0/16", "fd00:18::/64");
        assertThat(web.path("containers_talk").asBoolean()).isTrue();
        assertThat(web.path("isolated_because").asText()).isEmpty();
        assertThat(web.path("origin").path("source").asText()).isEqualTo("docker_and_flag");
        assertThat(web.path("origin").path("network").asText()).isEqualTo("web_default");
        assertThat(web.path("origin").path("network_id").asText()).isEqualTo("0123456789ab");
        assertThat(texts(web.path("origin").path("docker_subnets"))).containsExactly("172.19.0.0/16");

        JsonNode quiet = byField(bridges, "name", QUIET);
        assertThat(quiet.path("containers_talk").asBoolean()).isFalse();
        assertThat(quiet.path("isolated_because").asText()).isEqualTo("enable_icc_false");

        JsonNode internal = byField(bridges, "name", "bwinternal0");
        assertThat(internal.path("internal").asBoolean()).isTrue();
        // Docker's flag says masquerade, but nothing of an internal network leaves the host.
        assertThat(internal.path("masquerade").asBoolean()).isFalse();
        assertThat(internal.path("origin").path("source").asText()).isEqualTo("flag");
        assertThat(internal.path("origin").path("network").asText()).isEmpty();
    }

    @Test
    void strictIsolationIsolatesEveryBridgeAndSaysWhy() throws Exception {
        JsonNode plan = planJson(knownPolicy().withIsolation(Isolation.STRICT));

        assertThat(plan.path("policy").path("isolation").asText()).isEqualTo("strict");
        for (JsonNode bridge : plan.path("policy").path("bridges")) {
            assertThat(bridge.path("containers_talk").asBoolean()).as(bridge.toString()).isFalse();
            assertThat(bridge.path("isolated_because").asText()).as(bridge.toString()).isEqualTo("strict");
        }
        assertThat(byField(plan.path("ruleset").path("sets"), "name", "icc_pairs").path("elements").isEmpty()).isTrue();
    }

    @Test
    void planHoldsTheRulesetElementByElementAndRuleByRule() throws Exception {
        Policy policy = knownPolicy();
        RuleSet planned = Planner.plan(policy);
        JsonNode ruleset = planJson(policy).path("ruleset");

        assertThat(ruleset.path("rule_count").asInt()).isEqualTo(planned.ruleCount());
        assertThat(field(ruleset.path("sets"), "name")).containsExactlyElementsOf(planned.sets().stream().map(s -> s.name()).toList());

        JsonNode bridges = byField(ruleset.path("sets"), "name", "bridges");
        assertThat(bridges.path("type").asText()).isEqualTo("ifname");
        assertThat(bridges.path("interval").asBoolean()).isFalse();
        JsonNode docker0 = byField(bridges.path("elements"), "value", "docker0");
        assertThat(docker0.path("comment").asText()).isEqualTo("docker network \"bridge\" (id aaaaaaaaaaaa)");

        JsonNode contained = byField(ruleset.path("sets"), "name", "contained");
        assertThat(contained.path("interval").asBoolean()).isTrue();
        assertThat(field(contained.path("elements"), "value")).containsExactly("br-*", "bwinternal0", "docker0");
        assertThat(byField(contained.path("elements"), "value", "br-*").path("comment").asText()).isEqualTo("name pattern");

        JsonNode pairs = byField(ruleset.path("sets"), "name", "icc_pairs");
        assertThat(pairs.path("type").asText()).isEqualTo("ifname . ifname");
        assertThat(field(pairs.path("elements"), "value")).containsExactly(WEB + " . " + WEB, "bwinternal0 . bwinternal0");

        JsonNode blocked = byField(ruleset.path("sets"), "name", "blocked_v4");
        assertThat(blocked.path("type").asText()).isEqualTo("ipv4_addr");
        assertThat(field(blocked.path("elements"), "value")).contains("10.0.0.0/8", "169.254.0.0/16");
        assertThat(field(byField(ruleset.path("sets"), "name", "host_udp_ports").path("elements"), "value"))
                .containsExactly("53");

        JsonNode forward = byField(ruleset.path("chains"), "name", "forward");
        assertThat(forward.path("type").asText()).isEqualTo("filter");
        assertThat(forward.path("hook").asText()).isEqualTo("forward");
        assertThat(forward.path("priority").asInt()).isZero();
        assertThat(forward.path("policy").asText()).isEqualTo("accept");
        Chain plannedForward = planned.chain("forward").orElseThrow();
        assertThat(forward.path("rules").size()).isEqualTo(plannedForward.rules().size());
        JsonNode blockedV4 = byField(forward.path("rules"), "comment", "container to private or local IPv4");
        assertThat(blockedV4.path("nft").asText()).isEqualTo("iifname @contained iifname != @uncontained "
                + "ip daddr @blocked_v4 counter drop comment \"container to private or local IPv4\"");
        assertThat(blockedV4.path("verdict").asText()).isEqualTo("drop");
        assertThat(blockedV4.path("counted").asBoolean()).isTrue();
        // A plan has no counter values: they exist only in the kernel.
        assertThat(blockedV4.has("packets")).isFalse();

        JsonNode input = byField(ruleset.path("chains"), "name", "input");
        assertThat(input.path("policy").asText()).isEqualTo("drop");
        JsonNode established = input.path("rules").get(0);
        assertThat(established.path("nft").asText()).isEqualTo("ct state established,related accept");
        assertThat(established.path("comment").asText()).isEmpty();
        assertThat(established.path("counted").asBoolean()).isFalse();
        JsonNode last = input.path("rules").get(input.path("rules").size() - 1);
        assertThat(last.path("verdict").asText()).isEqualTo("continue");
        assertThat(byField(byField(ruleset.path("chains"), "name", "postrouting").path("rules"), "comment",
                "containers leaving the host, IPv4").path("verdict").asText()).isEqualTo("masquerade");
    }

    @Test
    void hostInputLeftAloneHasNoPortsAndNoInputChain() throws Exception {
        Policy policy = knownPolicy();
        JsonNode plan = planJson(new Policy(policy.bridges(), policy.blockedDestinations(), HostInput.unmanaged(),
                policy.containment()));

        assertThat(plan.path("policy").path("host_input").path("managed").asBoolean()).isFalse();
        assertThat(plan.path("policy").path("host_input").path("open_ports").isEmpty()).isTrue();
        assertThat(field(plan.path("ruleset").path("chains"), "name")).doesNotContain("input");
    }

    @Test
    void showCountsEveryRuleAndGathersTheDropsByReason() throws Exception {
        RuleSet installed = withCounters(Planner.plan(knownPolicy()), "container to private or local IPv4", 7, 420);
        installed = withCounters(installed, "host input dropped by policy", 3, 180);
        installed = withCounters(installed, "containers of one network that allows it reach each other", 11, 900);
        JsonNode show = parse(JsonOutput.text(InstalledView.of("bridgewall", Family.INET,
                new ReadBack(42, Optional.of(InstalledTable.onlyOurs(installed))))));

        assertThat(show.path("format").asInt()).isEqualTo(1);
        assertThat(show.path("kind").asText()).isEqualTo("show");
        assertThat(show.path("installed").asBoolean()).isTrue();
        assertThat(show.path("generation").asInt()).isEqualTo(42);
        assertThat(show.path("foreign").isEmpty()).isTrue();
        assertThat(show.path("ruleset").path("rule_count").asInt()).isEqualTo(installed.ruleCount());

        JsonNode forwardRules = byField(show.path("ruleset").path("chains"), "name", "forward").path("rules");
        JsonNode blockedV4 = byField(forwardRules, "comment", "container to private or local IPv4");
        assertThat(blockedV4.path("packets").asLong()).isEqualTo(7);
        assertThat(blockedV4.path("bytes").asLong()).isEqualTo(420);
        assertThat(blockedV4.path("foreign").asBoolean()).isFalse();
        // Without values, as in the plan: a plan's rule and the installed one compare by their nft text.
        assertThat(blockedV4.path("nft").asText()).doesNotContain("packets").contains("counter drop");

        JsonNode drops = show.path("drops");
        JsonNode blockedDrop = byField(drops, "reason", "container to private or local IPv4");
        assertThat(blockedDrop.path("chain").asText()).isEqualTo("forward");
        // After the fast path, the same-bridge accept and the two internal-network drops.
        assertThat(blockedDrop.path("position").asInt()).isEqualTo(4);
        assertThat(blockedDrop.path("packets").asLong()).isEqualTo(7);
        assertThat(blockedDrop.path("bytes").asLong()).isEqualTo(420);
        // The input chain's last rule only counts; its chain's policy drops what it counted.
        assertThat(byField(drops, "reason", "host input dropped by policy").path("packets").asLong()).isEqualTo(3);
        // Accepted traffic is counted in its rule, but is no drop.
        assertThat(field(drops, "reason")).doesNotContain("containers of one network that allows it reach each other");
        assertThat(field(drops, "reason")).containsExactly("host input dropped by policy",
                "internal network: nothing leaves", "internal network: nothing enters", "container to private or local IPv4",
                "container to private or local IPv6", "container to container IPv4", "container to container IPv6",
                "container to a container bridge, its own or another, known or not",
                "no new connections into containers from outside; replies pass");
    }

    @Test
    void showMarksForeignObjects() throws Exception {
        RuleSet planned = Planner.plan(knownPolicy());
        JsonNode show = parse(JsonOutput.text(InstalledView.of("bridgewall", Family.INET, new ReadBack(5,
                Optional.of(new InstalledTable(planned, List.of(new Foreign.TableFlags(Foreign.TABLE_DORMANT))))))));

        JsonNode foreign = show.path("foreign");
        assertThat(foreign.size()).isEqualTo(1);
        assertThat(foreign.get(0).path("kind").asText()).isEqualTo("table_flags");
        assertThat(foreign.get(0).path("description").asText()).contains("dormant");
        assertThat(texts(foreign.get(0).path("nft"))).containsExactly("flags dormant");
    }

    @Test
    void notInstalledSaysSoWithTheGeneration() throws Exception {
        JsonNode show = parse(JsonOutput.text(InstalledView.of("bridgewall", Family.INET, new ReadBack(9, Optional.empty()))));

        assertThat(show.path("installed").asBoolean()).isFalse();
        assertThat(show.path("generation").asInt()).isEqualTo(9);
        assertThat(show.path("ruleset").path("sets").isEmpty()).isTrue();
        assertThat(show.path("ruleset").path("chains").isEmpty()).isTrue();
        assertThat(show.path("drops").isEmpty()).isTrue();
    }

    @Test
    void stringsFromOutsideAreDataNotTerminalEscapes() throws Exception {
        // A comment from the kernel with ESC, a C1 control (the terminal escape \x85 is no JSON), a bidi
        // override, a quote, a backslash and a non-ASCII letter.
        String comment = "evil \u001b[31m \u0085 \u202e \"quoted\" back\\slash caf\u00e9";
        RuleSet planned = Planner.plan(knownPolicy());
        Chain forward = planned.chain("forward").orElseThrow();
        List<Rule> rules = new ArrayList<>(forward.rules());
        rules.add(new Rule(List.of(), List.of(new Statement.Counter(1, 2), new Statement.Drop()), comment));
        RuleSet installed = replace(planned, new Chain(forward.name(), forward.type(), forward.hook(), forward.priority(),
                forward.policy(), rules));

        // Through stdout's terminal-escaping writer, as Main prints it.
        StringWriter stdout = new StringWriter();
        JsonOutput.print(TerminalText.escaping(stdout, "\n\t"), InstalledView.of("bridgewall", Family.INET,
                new ReadBack(1, Optional.of(InstalledTable.onlyOurs(installed)))));

        assertThat(stdout.toString()).matches("[\\x20-\\x7e\\n]*");
        JsonNode show = parse(stdout.toString());
        assertThat(byField(show.path("drops"), "position", String.valueOf(rules.size() - 1)).path("reason").asText())
                .isEqualTo(comment);
    }

    @Test
    void aDockerNetworkNameReachesTheScriptAsDockerHasIt(@TempDir Path dir) throws Exception {
        String name = "web\u001b[31m\u202e\u0085caf\u00e9";
        String id = "9c1b5e3d7a2f4b6c8d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";
        String networks = "[{\"Name\":" + JsonOutput.MAPPER.writeValueAsString(name) + ",\"Id\":\"" + id + "\","
                + "\"Driver\":\"bridge\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.1.0/24\"}]},\"Options\":{}}]";
        try (FakeDockerd fake = FakeDockerd.start(dir, (line, out) -> {
            FakeDockerd.write(out, line.startsWith("GET /_ping") ? FakeDockerd.response(200, "Api-Version: 1.41\r\n", "OK")
                    : FakeDockerd.response(200, "Content-Type: application/json\r\n", networks));
            return true;
        })) {
            Cli run = Cli.run("plan", "--json", "--docker-host", fake.endpoint().toString());

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            JsonNode bridge = byField(parse(run.stdout()).path("policy").path("bridges"), "name", "br-9c1b5e3d7a2f");
            assertThat(bridge.path("origin").path("network").asText()).isEqualTo(name);
            assertThat(bridge.path("origin").path("description").asText()).contains(name);
        }
    }

    @Test
    void planJsonIsTheOnlyThingOnStdoutAndWarningsGoToStderr() throws Exception {
        // --uncontain of a bridge of the policy has no effect: a warning, on stderr.
        Cli run = Cli.run("plan", "--json", "--no-docker", "--bridge", WEB + "=10.98.0.0/24", "--uncontain", WEB);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).startsWith("bridgewall: warning: --uncontain " + WEB + " has no effect");
        JsonNode plan = parse(run.stdout());
        assertThat(plan.path("kind").asText()).isEqualTo("plan");
        assertThat(texts(plan.path("policy").path("containment").path("ignored_exemptions"))).containsExactly(WEB);
        assertThat(byField(plan.path("policy").path("bridges"), "name", WEB).path("origin").path("source").asText())
                .isEqualTo("flag");
    }

    @Test
    void badInputWithJsonIsOneLineOnStderrAndNothingOnStdout() {
        Cli run = Cli.run("plan", "--json", "--no-docker", "--bridge", "docker0=0.0.0.0/0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.errorLine()).contains("default route");
    }

    /** The rule of the given comment with its counter at the given values. */
    private static RuleSet withCounters(RuleSet ruleSet, String comment, long packets, long bytes) {
        for (Chain chain : ruleSet.chains()) {
            List<Rule> rules = new ArrayList<>();
            boolean found = false;
            for (Rule rule : chain.rules()) {
                if (rule.comment().equals(comment)) {
                    found = true;
                    rule = new Rule(rule.matches(), rule.statements().stream()
                            .map(s -> s instanceof Statement.Counter ? new Statement.Counter(packets, bytes) : s).toList(),
                            rule.comment());
                }
                rules.add(rule);
            }
            if (found) {
                return replace(ruleSet, new Chain(chain.name(), chain.type(), chain.hook(), chain.priority(), chain.policy(), rules));
            }
        }
        throw new AssertionError("no rule with comment " + comment);
    }

    private static RuleSet replace(RuleSet ruleSet, Chain replacement) {
        return new RuleSet(ruleSet.table(), ruleSet.family(), ruleSet.sets(), ruleSet.chains().stream()
                .map(c -> c.name().equals(replacement.name()) ? replacement : c).toList());
    }

    @Test
    void planSaysWhichHostPortsAreOpenOnlyToSomeSources() throws Exception {
        Policy policy = knownPolicy();
        policy = new Policy(policy.bridges(), policy.blockedDestinations(),
                HostInput.parsePorts(List.of("22/tcp@10.1.0.0/16,192.168.10.0/24", "443/tcp")), policy.containment(),
                policy.isolation());
        JsonNode input = planJson(policy).path("policy").path("host_input");
        assertThat(input.path("open_ports").toString()).isEqualTo("[{\"port\":443,\"protocol\":\"tcp\"}]");
        assertThat(input.path("ports_from").toString())
                .isEqualTo("[{\"port\":22,\"protocol\":\"tcp\",\"from\":[\"10.1.0.0/16\",\"192.168.10.0/24\"]}]");
    }
}
