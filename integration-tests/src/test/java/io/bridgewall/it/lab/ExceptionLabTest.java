package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.HOST_LAN;
import static io.bridgewall.it.lab.LabAddresses.HOST_UPLINK;
import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.LAN_10;
import static io.bridgewall.it.lab.LabAddresses.LAN_172;
import static io.bridgewall.it.lab.LabAddresses.OTHER_PORT;
import static io.bridgewall.it.lab.LabAddresses.SSH_PORT;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.it.support.WatchProcess;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Exceptions (issue 10) with a real dockerd and real packets: an exception reaches exactly its
 * address and port, while the same address on another port and the LAN's other addresses stay
 * blocked, over IPv4 and IPv6; one limited to a Docker network works from that network only;
 * a tampered exception is repaired; a host port limited to a source network accepts only
 * that network. The LAN namespace serves the who-service on 80 and 8080 of every address
 * (and of two IPv6 addresses, for a container on an IPv6 network).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class ExceptionLabTest {
    private static final String V6_NET = "v6net";
    private static final String V6_LAN = "fd00:50::2";
    private static final String V6_LAN_NEIGHBOUR = "fd00:50::3";
    private static final String V6_HOST_LAN = "fd00:50::1";
    private static final String V6_SUBNET = "fd00:30:6::/64";

    private Lab lab;
    private Path docroot;

    @BeforeAll
    void startLab() throws Exception {
        Root.require();
        lab = Lab.start();
        docroot = WhoService.writeDocroot(Files.createTempDirectory("bw-who-allow-"));
        WhoService.start(lab.lan(), docroot, OTHER_PORT);
        // IPv6 between the host and the LAN, and a Docker network with an IPv6 subnet routed back by the LAN.
        lab.host().exec("ip", "addr", "add", V6_HOST_LAN + "/64", "dev", "lan0", "nodad").orThrow();
        lab.lan().exec("ip", "addr", "add", V6_LAN + "/64", "dev", "lan0", "nodad").orThrow();
        lab.lan().exec("ip", "addr", "add", V6_LAN_NEIGHBOUR + "/64", "dev", "lan0", "nodad").orThrow();
        lab.lan().exec("ip", "-6", "route", "add", V6_SUBNET, "via", V6_HOST_LAN).orThrow();
        lab.host().exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1").orThrow();
        for (String address : List.of(V6_LAN, V6_LAN_NEIGHBOUR)) {
            for (int port : List.of(WHO_PORT, OTHER_PORT)) {
                lab.lan().exec("busybox", "httpd", "-p", "[" + address + "]:" + port, "-h", docroot.toString()).orThrow();
            }
        }
        lab.docker().docker("network", "create", "--ipv6", "--subnet", "172.30.6.0/24", "--subnet", V6_SUBNET, V6_NET)
                .orThrow();
        lab.startOnNetwork("v6-a", V6_NET);
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
        if (docroot != null) {
            Shell.run("rm", "-rf", docroot.toString());
        }
    }

    private Shell.Result apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "--netns", lab.host().name(), "--docker-host", lab.docker().host()));
        args.addAll(List.of(extra));
        return Bridgewall.run(List.of(), args);
    }

    private ProbeSource fromPub() {
        return new ProbeSource.FromNamespace("pub", lab.pub());
    }

    private boolean reaches(String container, String address, int port) {
        return lab.probe(lab.fromContainer(container), address, port).reached();
    }

    /** The container's address on the IPv6 network, as Docker gave it. */
    private String v6Address(String container) {
        return lab.docker().docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.GlobalIPv6Address}}{{end}}",
                container).orThrow().stdout().strip();
    }

    private static final String[] EXCEPTIONS = {
            "--allow", LAN_10 + ":" + WHO_PORT + "/tcp",
            "--allow", "[" + V6_LAN + "]:" + WHO_PORT + "/tcp",
            "--allow", LabContainers.USER_NET + "=" + LAN_172 + ":" + WHO_PORT};

    @Test
    @Order(1)
    void withoutFirewallEveryTargetAnswers() {
        lab.resetFirewall();
        assertThat(v6Address("v6-a")).startsWith("fd00:30:6:");
        for (String[] target : new String[][] {{LAN_10, "80"}, {LAN_10, "8080"}, {LAN, "80"}, {LAN_172, "80"},
                {V6_LAN, "80"}, {V6_LAN, "8080"}, {V6_LAN_NEIGHBOUR, "80"}}) {
            assertThat(reaches("v6-a", target[0], Integer.parseInt(target[1])))
                    .as("v6-a -> %s:%s, no firewall", target[0], target[1]).isTrue();
        }
    }

    @Test
    @Order(2)
    void anExceptionReachesExactlyItsAddressAndPort() {
        Shell.Result applied = apply(EXCEPTIONS);
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();

        assertThat(reaches("user-a", LAN_10, WHO_PORT)).as("user-a -> the exception %s:%d", LAN_10, WHO_PORT).isTrue();
        assertThat(reaches("bridge-a", LAN_10, WHO_PORT)).as("bridge-a (docker0) -> the exception").isTrue();
        assertThat(reaches("user-a", LAN_10, OTHER_PORT)).as("user-a -> the same address, another port").isFalse();
        assertThat(reaches("user-a", LAN, WHO_PORT)).as("user-a -> another LAN address").isFalse();
        assertThat(reaches("user-a", LabAddresses.METADATA, WHO_PORT)).as("user-a -> metadata").isFalse();
        assertThat(reaches("internal-a", LAN_10, WHO_PORT)).as("internal network: the exception is not for it").isFalse();
        assertThat(lab.probe(lab.fromContainer("user-a"), LabAddresses.PUB, WHO_PORT).peer())
                .as("user-a -> pub, masqueraded as before").contains(HOST_UPLINK);
    }

    @Test
    @Order(3)
    void anIpv6ExceptionLikewise() {
        assertThat(reaches("v6-a", V6_LAN, WHO_PORT)).as("v6-a -> [%s]:%d, the exception", V6_LAN, WHO_PORT).isTrue();
        assertThat(reaches("v6-a", V6_LAN, OTHER_PORT)).as("v6-a -> the same IPv6 address, another port").isFalse();
        assertThat(reaches("v6-a", V6_LAN_NEIGHBOUR, WHO_PORT)).as("v6-a -> the IPv6 neighbour").isFalse();
    }

    @Test
    @Order(4)
    void anExceptionForOneNetworkWorksFromThatNetworkOnly() {
        assertThat(reaches("user-a", LAN_172, WHO_PORT)).as("user-a (usernet) -> %s, usernet's exception", LAN_172).isTrue();
        assertThat(reaches("bridge-a", LAN_172, WHO_PORT)).as("bridge-a (docker0) -> usernet's exception").isFalse();
        assertThat(reaches("v6-a", LAN_172, WHO_PORT)).as("v6-a (v6net) -> usernet's exception").isFalse();
    }

    @Test
    @Order(5)
    void theKernelHoldsOneCountedRulePerExceptionAndProtocolBeforeTheDrops() {
        List<JsonNode> forward = NftRuleset.of(lab.host()).rules("bridgewall", "forward");
        List<String> comments = forward.stream().map(r -> r.path("comment").asText()).toList();
        int firstDrop = comments.indexOf("container to private or local IPv4");
        int exception = comments.indexOf("exception " + LAN_10 + ":80/tcp - --allow");
        assertThat(exception).as(comments.toString()).isPositive().isLessThan(firstDrop);
        assertThat(comments.indexOf("internal network: nothing enters")).isLessThan(exception);
        // Counted by the kernel: the probes above went through this rule.
        assertThat(counterPackets(forward.get(exception))).as("packets counted by the exception rule").isPositive();
        String ruleJson = forward.get(exception).path("expr").toString();
        assertThat(ruleJson).contains("\"daddr\"").contains("\"" + LAN_10 + "\"").contains("\"dport\"").contains("80");

        String usernetBridge = lab.container("user-a").network().bridge();
        List<JsonNode> limited = forward.stream()
                .filter(r -> r.path("comment").asText().startsWith("exception " + LabContainers.USER_NET + "=")).toList();
        // A port without protocol: tcp and udp, each from usernet's bridge only.
        assertThat(limited).hasSize(2).allSatisfy(r -> assertThat(r.path("expr").toString())
                .contains("\"iifname\"").contains("\"" + usernetBridge + "\""));
        assertThat(limited.get(0).path("expr").toString()).contains("\"tcp\"");
        assertThat(limited.get(1).path("expr").toString()).contains("\"udp\"");
    }

    @Test
    @Order(6)
    void aTamperedExceptionIsSeenAndRepaired() {
        List<JsonNode> forward = NftRuleset.of(lab.host()).rules("bridgewall", "forward");
        JsonNode exception = forward.stream()
                .filter(r -> r.path("comment").asText().equals("exception " + LAN_10 + ":80/tcp - --allow")).findFirst()
                .orElseThrow();
        // Someone widens the exception to another port.
        lab.host().exec("nft", "replace", "rule", "inet", "bridgewall", "forward", "handle", exception.path("handle").asText(),
                "iifname", "@contained", "iifname", "!=", "@uncontained", "ip", "daddr", LAN_10, "tcp", "dport",
                String.valueOf(OTHER_PORT), "counter", "accept", "comment", "\"exception " + LAN_10 + ":80/tcp - --allow\"")
                .orThrow();
        assertThat(reaches("user-a", LAN_10, OTHER_PORT)).as("user-a -> the tampered port, before the repair").isTrue();

        Shell.Result repaired = apply(EXCEPTIONS);
        assertThat(repaired.exitCode()).as(repaired.stderr()).isZero();
        assertThat(repaired.stdout()).startsWith("updated ")
                .contains("was: chain forward rule")
                .contains("ip daddr " + LAN_10 + " tcp dport " + OTHER_PORT + " counter accept")
                .contains("the plan has `iifname @contained iifname != @uncontained ip daddr " + LAN_10 + " tcp dport 80 ");
        assertThat(NftRuleset.text(lab.host())).contains("ip daddr " + LAN_10 + " tcp dport 80 ")
                .doesNotContain("tcp dport " + OTHER_PORT);
        assertThat(reaches("user-a", LAN_10, OTHER_PORT)).as("user-a -> the tampered port, after the repair").isFalse();
        assertThat(reaches("user-a", LAN_10, WHO_PORT)).as("user-a -> the exception, after the repair").isTrue();

        Shell.Result again = apply(EXCEPTIONS);
        assertThat(again.stdout()).as("read back as planned").startsWith("unchanged:");
    }

    @Test
    @Order(7)
    void aHostPortLimitedToASourceAcceptsOnlyThatSource() {
        Shell.Result control = apply("--allow-port", SSH_PORT + "/tcp");
        assertThat(control.exitCode()).as(control.stderr()).isZero();
        assertThat(lab.probe(fromPub(), HOST_UPLINK, SSH_PORT).reached()).as("pub -> host:22, open to all")
                .isTrue();

        Shell.Result applied = apply("--allow-port", SSH_PORT + "/tcp@192.168.50.0/24");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        assertThat(lab.probe(lab.fromLan(), HOST_LAN, SSH_PORT).reached()).as("lan -> host:22, from the allowed range").isTrue();
        assertThat(lab.probe(fromPub(), HOST_UPLINK, SSH_PORT).reached()).as("pub -> host:22").isFalse();
        assertThat(lab.probe(lab.fromLan(), HOST_LAN, OTHER_PORT).reached()).as("lan -> host:8080, not opened").isFalse();
        assertThat(reaches("bridge-a", "172.17.0.1", SSH_PORT)).as("docker0 container -> host:22").isFalse();
        assertThat(NftRuleset.text(lab.host())).containsPattern("ip saddr 192.168.50.0/24 tcp dport 22 counter packets [1-9]");
    }

    @Test
    @Order(8)
    void aBadExceptionChangesNothing() {
        String before = NftRuleset.text(lab.host());
        Shell.Result refused = apply("--allow", "0.0.0.0/0:80");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr().strip()).startsWith("bridgewall: invalid input: --allow '0.0.0.0/0:80': 0.0.0.0/0 is every address")
                .doesNotContain("\n");
        assertThat(NftRuleset.text(lab.host())).isEqualTo(before);
    }

    @Test
    @Order(9)
    void aNetworkThatDoesNotExistIsAWarning() {
        Shell.Result applied = apply("--allow", "ghostnet=" + LAN_10 + ":80/tcp");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        assertThat(applied.stderr()).contains("warning: network 'ghostnet' of an exception is not a Docker network or bridge "
                + "known to Docker; that part allows nothing until the network exists");
        assertThat(reaches("user-a", LAN_10, WHO_PORT)).as("user-a -> an exception for a network that does not exist").isFalse();
    }

    @Test
    @Order(10)
    void underWatchAnExceptionForANetworkTakesEffectWhenTheNetworkAppears() throws Exception {
        Path runDir = Files.createTempDirectory("bw-watch-allow-");
        try (WatchProcess watch = WatchProcess.start(lab.host(), lab.docker().host(), runDir,
                "--allow", "latenet=" + LAN_10 + ":" + WHO_PORT + "/tcp")) {
            assertThat(watch.stderr()).anyMatch(line -> line.contains("warning: network 'latenet' of an exception"));
            assertThat(reaches("user-a", LAN_10, WHO_PORT)).as("user-a: the exception is latenet's only").isFalse();

            int from = watch.stderrLineCount();
            String id = lab.docker().docker("network", "create", "--subnet", "172.30.8.0/24", "latenet").orThrow().stdout().strip();
            String bridge = "br-" + id.substring(0, 12);
            assertThat(watch.line("network create " + bridge, from, Duration.ofSeconds(10)))
                    .as("watch applied latenet: " + watch.stderr()).isPresent();
            lab.startOnNetwork("late-a", "latenet");

            assertThat(reaches("late-a", LAN_10, WHO_PORT)).as("late-a (latenet) -> its exception").isTrue();
            assertThat(reaches("late-a", LAN_10, OTHER_PORT)).as("late-a -> the same address, another port").isFalse();
            assertThat(reaches("late-a", LAN, WHO_PORT)).as("late-a -> another LAN address").isFalse();
            assertThat(NftRuleset.text(lab.host())).contains("iifname \"" + bridge + "\" ip daddr " + LAN_10 + " tcp dport 80 ");
        } finally {
            Shell.run("rm", "-rf", runDir.toString());
        }
    }

    private static long counterPackets(JsonNode rule) {
        for (JsonNode expr : rule.path("expr")) {
            if (expr.has("counter")) {
                return expr.get("counter").path("packets").asLong();
            }
        }
        throw new AssertionError("no counter in " + rule);
    }
}
