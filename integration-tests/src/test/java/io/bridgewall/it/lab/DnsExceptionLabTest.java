package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.HOST_LAN;
import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.LAN_10;
import static io.bridgewall.it.lab.LabAddresses.LAN_172;
import static io.bridgewall.it.lab.LabAddresses.OTHER_PORT;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.io.IOException;
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
 * DNS keeps working by default (issue 10), with a real dockerd, a real DNS server and real
 * packets. dnsmasq runs in the LAN namespace on {@value LabAddresses#LAN_10}, a private address
 * the blocked ranges cover, and the lab's dockerd has it as its {@code dns}: docker0 containers
 * query it directly, user-network containers through Docker's embedded DNS (127.0.0.11), which
 * forwards from the container's namespace. A second dnsmasq runs on the host itself
 * ({@value LabAddresses#HOST_LAN}), used by one container started with {@code --dns}: its
 * queries meet the input chain, not forward. bridgewall reads the lab dockerd's configuration
 * ({@code --docker-config}) and an empty host resolv.conf (never this machine's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class DnsExceptionLabTest {
    private static final String RESOLVER = LAN_10;
    private static final String HOST_RESOLVER = HOST_LAN;
    private static final String HOST_DNS_CONTAINER = "hostdns-a";

    private Lab lab;
    private DnsServer lanResolver;
    private DnsServer hostResolver;
    private Path hostResolvConf;

    @BeforeAll
    void startLab() throws IOException {
        Root.require();
        lab = Lab.start("{\"dns\": [\"" + RESOLVER + "\"]}");
        lanResolver = DnsServer.start(lab.lan(), RESOLVER);
        hostResolver = DnsServer.start(lab.host(), HOST_RESOLVER);
        lab.docker().docker("run", "-d", "--name", HOST_DNS_CONTAINER, "--dns", HOST_RESOLVER, BusyboxImage.NAME,
                "/bin/httpd", "-f", "-p", String.valueOf(WHO_PORT), "-h", WhoService.IMAGE_DOCROOT).orThrow();
        hostResolvConf = Files.createTempFile("bw-resolv-", ".conf");
        Files.writeString(hostResolvConf, "# the lab host's own resolv.conf: nothing containers use\n");
    }

    @AfterAll
    void stopLab() throws IOException {
        for (AutoCloseable owned : new AutoCloseable[] {hostResolver, lanResolver, lab}) {
            try {
                if (owned != null) {
                    owned.close();
                }
            } catch (Exception e) {
                System.err.println("teardown: " + e);
            }
        }
        if (hostResolvConf != null) {
            Files.deleteIfExists(hostResolvConf);
        }
    }

    private List<String> hostFiles() {
        return List.of("--resolv-conf", hostResolvConf.toString(), "--docker-config", lab.docker().configFile().toString());
    }

    private Shell.Result apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "--netns", lab.host().name(), "--docker-host", lab.docker().host()));
        args.addAll(List.of(extra));
        Shell.Result applied = Bridgewall.run(List.of(), args);
        assertThat(applied.exitCode()).as(applied.stdout() + applied.stderr()).isZero();
        return applied;
    }

    private Shell.Result applyWithLabFiles(String... extra) {
        List<String> args = new ArrayList<>(hostFiles());
        args.addAll(List.of(extra));
        return apply(args.toArray(String[]::new));
    }

    private static void assertResolves(Shell.Result lookup, String what) {
        assertThat(lookup.stdout()).as(what + ": " + lookup.stdout() + lookup.stderr()).contains("Address: " + DnsServer.ANSWER);
    }

    private static void assertDoesNotResolve(Shell.Result lookup, String what) {
        assertThat(lookup.stdout()).as(what + ": " + lookup.stdout() + lookup.stderr()).doesNotContain(DnsServer.ANSWER);
    }

    @Test
    @Order(1)
    void withoutFirewallEveryContainerResolves() {
        // The control: the lab's DNS works, so any failure below is the firewall's doing.
        lab.resetFirewall();
        assertResolves(DnsServer.lookupFrom(lab, "bridge-a"), "docker0 container, no firewall");
        assertResolves(DnsServer.lookupFrom(lab, "user-a"), "user-network container, no firewall");
        assertResolves(DnsServer.lookupFrom(lab, HOST_DNS_CONTAINER), "container using the host's resolver, no firewall");
        assertThat(lab.probe(lab.fromContainer("bridge-a"), RESOLVER, WHO_PORT).reached())
                .as("the resolver's address serves port 80 too").isTrue();
    }

    @Test
    @Order(2)
    void byDefaultContainersResolveThroughTheResolversTheyUse() {
        applyWithLabFiles();
        assertResolves(DnsServer.lookupFrom(lab, "bridge-a"), "docker0 container querying " + RESOLVER + " directly");
        assertResolves(DnsServer.lookupFrom(lab, "user-a"), "user-network container through Docker's embedded DNS");
        assertResolves(DnsServer.lookupFrom(lab, HOST_DNS_CONTAINER), "container querying the host's own resolver "
                + HOST_RESOLVER + " (input chain)");
        assertThat(DnsServer.tcpConnects(lab, "bridge-a", RESOLVER, 53)).as("tcp 53 to the resolver").isTrue();
        assertThat(DnsServer.tcpConnects(lab, HOST_DNS_CONTAINER, HOST_RESOLVER, 53)).as("tcp 53 to the host's resolver").isTrue();
    }

    @Test
    @Order(3)
    void nothingButPort53ToTheResolversIsOpened() {
        applyWithLabFiles();
        assertThat(lab.probe(lab.fromContainer("bridge-a"), RESOLVER, WHO_PORT).cell())
                .as("the resolver's address on another port").startsWith("blocked");
        assertThat(lab.probe(lab.fromContainer("user-a"), RESOLVER, WHO_PORT).cell())
                .as("the resolver's address on another port, user network").startsWith("blocked");
        for (String neighbour : List.of(LAN, LAN_172)) {
            assertThat(lab.probe(lab.fromContainer("bridge-a"), neighbour, WHO_PORT).cell())
                    .as("another LAN address " + neighbour).startsWith("blocked");
            assertThat(DnsServer.tcpConnects(lab, "bridge-a", neighbour, WHO_PORT)).as("tcp to " + neighbour).isFalse();
        }
        assertThat(DnsServer.tcpConnects(lab, HOST_DNS_CONTAINER, HOST_RESOLVER, OTHER_PORT))
                .as("the host's other port " + OTHER_PORT + " from a container").isFalse();
        // The kernel, read independently: every rule naming a resolver matches port 53 only.
        String ruleset = lab.host().exec("nft", "list", "table", "inet", "bridgewall").orThrow().stdout();
        List<String> resolverRules = ruleset.lines().filter(l -> l.contains(RESOLVER) || l.contains(HOST_RESOLVER)).toList();
        assertThat(resolverRules).as(ruleset).isNotEmpty()
                .allSatisfy(rule -> assertThat(rule).containsPattern("(udp|tcp) dport 53 ").contains("accept"));
    }

    @Test
    @Order(4)
    void noDnsExceptionTurnsItOff() {
        apply("--no-dns-exception"); // no files to read: giving them with it is refused as bad input
        assertDoesNotResolve(DnsServer.lookupFrom(lab, "bridge-a"), "docker0 container, --no-dns-exception");
        assertDoesNotResolve(DnsServer.lookupFrom(lab, "user-a"), "user-network container, --no-dns-exception");
        assertDoesNotResolve(DnsServer.lookupFrom(lab, HOST_DNS_CONTAINER), "host's resolver, --no-dns-exception");
        assertThat(DnsServer.tcpConnects(lab, "bridge-a", RESOLVER, 53)).as("tcp 53, --no-dns-exception").isFalse();
        String ruleset = lab.host().exec("nft", "list", "table", "inet", "bridgewall").orThrow().stdout();
        assertThat(ruleset).doesNotContain(RESOLVER).doesNotContain("dport 53");
    }

    @Test
    @Order(5)
    void planListsEachResolverAndWhereItCameFrom() {
        List<String> args = new ArrayList<>(List.of("plan", "--docker-host", lab.docker().host()));
        args.addAll(hostFiles());
        Shell.Result plan = Bridgewall.run(List.of("ip", "netns", "exec", lab.host().name()), args);
        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        List<String> resolvers = plan.stdout().lines().filter(l -> l.contains("dns resolver")).toList();
        assertThat(resolvers).as(plan.stdout()).hasSize(2);
        assertThat(resolvers.get(0)).contains(RESOLVER).contains("dns in " + lab.docker().configFile())
                .contains("container bridge-a's resolv.conf");
        assertThat(resolvers.get(1)).contains(HOST_RESOLVER).contains("container " + HOST_DNS_CONTAINER + "'s --dns");
        assertThat(plan.stdout()).contains("127.0.0.11 (Docker's embedded DNS");
    }
}
