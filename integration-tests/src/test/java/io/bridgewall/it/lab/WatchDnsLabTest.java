package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.LAN_10;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.it.support.WatchProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * `watch` keeps the DNS exception current (issue 10): a resolver only a container started later
 * uses ({@code docker run --dns}) is blocked before that container exists, gets its port 53
 * exception when the container starts, and loses it when the container goes. Real dockerd, real
 * dnsmasq in the LAN namespace on {@value LabAddresses#LAN_10} (a private address the blocked
 * ranges cover), real packets; the kernel's ruleset is read independently with nft. bridgewall
 * reads an empty host resolv.conf and the lab dockerd's own configuration (no "dns" list), so
 * only the container can bring the resolver in.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchDnsLabTest {
    private static final Duration APPLIED = Duration.ofSeconds(10);
    private static final String RESOLVER = LAN_10;
    private static final String LATE = "dns-late";

    private Lab lab;
    private DnsServer resolver;
    private Path hostResolvConf;
    private Path runDir;
    private WatchProcess watch;

    @BeforeAll
    void startLabResolverAndWatch() throws IOException {
        Root.require();
        lab = Lab.start();
        lab.resetFirewall();
        resolver = DnsServer.start(lab.lan(), RESOLVER);
        hostResolvConf = Files.createTempFile("bw-resolv-", ".conf");
        Files.writeString(hostResolvConf, "# the lab host's own resolv.conf: nothing containers use\n");
        runDir = Files.createTempDirectory("bw-watch-dns-run-");
        watch = WatchProcess.start(lab.host(), lab.docker().host(), runDir, "--resolv-conf", hostResolvConf.toString(),
                "--docker-config", lab.docker().configFile().toString());
    }

    @AfterAll
    void stop() throws IOException {
        if (watch != null) {
            watch.close();
            System.out.println("watch log:\n" + String.join("\n", watch.stderr()));
        }
        for (AutoCloseable owned : new AutoCloseable[] {resolver, lab}) {
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
        if (runDir != null) {
            Shell.run("rm", "-rf", runDir.toString());
        }
    }

    /** busybox nslookup of the test name, asking {@code server} directly, from inside {@code container}. */
    private Shell.Result lookup(String container, String server) {
        return Shell.run(Duration.ofSeconds(20), null, List.of("docker", "-H", lab.docker().host(), "exec", container,
                "/bin/timeout", "8", "/bin/nslookup", DnsServer.NAME, server));
    }

    private String ruleset() {
        return lab.host().exec("nft", "list", "table", "inet", "bridgewall").orThrow().stdout();
    }

    @Test
    @Order(1)
    void aResolverNoContainerUsesYetIsBlocked() {
        assertThat(ruleset()).as("no rule names the resolver yet").doesNotContain(RESOLVER);
        assertThat(lookup("bridge-a", RESOLVER).stdout()).as("a query to " + RESOLVER + " from a docker0 container")
                .doesNotContain(DnsServer.ANSWER);
        assertThat(DnsServer.tcpConnects(lab, "bridge-a", RESOLVER, 53)).as("tcp 53 to the resolver").isFalse();
    }

    @Test
    @Order(2)
    void aContainerStartedWithDnsUnderWatchResolvesThroughIt() {
        int from = watch.stderrLineCount();
        lab.docker().docker("run", "-d", "--name", LATE, "--dns", RESOLVER, BusyboxImage.NAME,
                "/bin/httpd", "-f", "-p", String.valueOf(WHO_PORT), "-h", WhoService.IMAGE_DOCROOT).orThrow();
        String line = watch.line("DNS resolvers added " + RESOLVER, from, APPLIED).orElseThrow(() ->
                new AssertionError("no log line for the container's resolver: " + watch.stderr()));
        assertThat(line).contains("container start " + LATE).contains("container " + LATE + "'s --dns")
                .containsPattern("updated in 1 transaction, generation \\d+ -> \\d+");
        // The kernel, read independently: the resolver is open for port 53, and only for it.
        List<String> resolverRules = ruleset().lines().filter(l -> l.contains(RESOLVER)).toList();
        assertThat(resolverRules).as(ruleset()).isNotEmpty()
                .allSatisfy(rule -> assertThat(rule).containsPattern("(udp|tcp) dport 53 ").contains("accept"));
        Shell.Result resolved = DnsServer.lookupFrom(lab, LATE);
        assertThat(resolved.stdout()).as("the new container resolves: " + resolved.stdout() + resolved.stderr())
                .contains("Address: " + DnsServer.ANSWER);
        assertThat(lab.probe(lab.fromContainer("bridge-a"), RESOLVER, WHO_PORT).cell())
                .as("the resolver's address on another port").startsWith("blocked");
    }

    @Test
    @Order(3)
    void theResolverClosesWhenItsContainerGoes() {
        int from = watch.stderrLineCount();
        lab.docker().docker("rm", "-f", LATE).orThrow();
        assertThat(watch.line("DNS resolvers removed " + RESOLVER, from, APPLIED)).as(String.join("\n", watch.stderr()))
                .isPresent();
        assertThat(ruleset()).doesNotContain(RESOLVER);
        assertThat(DnsServer.tcpConnects(lab, "bridge-a", RESOLVER, 53)).as("tcp 53 to the resolver again").isFalse();
    }
}
