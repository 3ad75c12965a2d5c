package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.HOST_LAN;
import static io.bridgewall.it.lab.LabAddresses.HOST_UPLINK;
import static io.bridgewall.it.lab.LabAddresses.OTHER_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.it.support.WatchProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Published ports (issue 10), with the lab's real dockerd ({@code "iptables": false}: its
 * userland proxy serves published ports on the host's own addresses) and real packets from the
 * LAN namespace: {@code docker run -p} opens the port on every host address, a port published on
 * one host address opens only there, an unpublished host port stays closed, a loopback-only port
 * opens nothing, a port published on 0.0.0.0 opens for IPv4 only, --no-published-ports opens none; under watch a port opens when its container
 * starts and closes when it stops.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class PublishedPortsLabTest {
    private static final String TABLE = "bridgewall";
    /** A second address of the host on the LAN link, where the port published on HOST_LAN is not. */
    private static final String HOST_LAN_2 = "192.168.50.3";
    private static final int EVERYWHERE = 8081;
    private static final int ON_HOST_LAN = 8082;
    private static final int LOOPBACK = 8083;
    private static final int WATCHED = 8084;
    private static final int IPV4_ONLY = 8085;
    /** IPv6 on the LAN link: the host's address and the LAN host's. */
    private static final String HOST_LAN_V6 = "fd50::1";
    private static final String LAN_V6 = "fd50::2";
    private static final Duration APPLIED = Duration.ofSeconds(10);

    private Lab lab;
    private Path docroot;
    private Path runDir;
    private WatchProcess watch;
    private String webId;

    @BeforeAll
    void startLab() throws IOException {
        Root.require();
        lab = Lab.start();
        lab.host().exec("ip", "addr", "add", HOST_LAN_2 + "/24", "dev", "lan0").orThrow();
        lab.host().exec("ip", "-6", "addr", "add", HOST_LAN_V6 + "/64", "dev", "lan0", "nodad").orThrow();
        lab.lan().exec("ip", "-6", "addr", "add", LAN_V6 + "/64", "dev", "lan0", "nodad").orThrow();
        docroot = WhoService.writeDocroot(Files.createTempDirectory("bw-published-who-"));
        // A host service on the second address, on the port the container publishes on HOST_LAN only:
        // an accept by port alone would open it.
        lab.host().exec("busybox", "httpd", "-p", HOST_LAN_2 + ":" + ON_HOST_LAN, "-h", docroot.toString()).orThrow();
        // Likewise on the IPv6 address, on the port a container publishes on 0.0.0.0 only.
        lab.host().exec("busybox", "httpd", "-p", "[" + HOST_LAN_V6 + "]:" + IPV4_ONLY, "-h", docroot.toString()).orThrow();
        webId = lab.docker().docker("run", "-d", "--name", "web", "-p", EVERYWHERE + ":80",
                "-p", HOST_LAN + ":" + ON_HOST_LAN + ":80", "-p", "127.0.0.1:" + LOOPBACK + ":80",
                BusyboxImage.NAME, "/bin/httpd", "-f", "-p", "80", "-h", WhoService.IMAGE_DOCROOT).orThrow().stdout().strip();
        lab.docker().docker("run", "-d", "--name", "web4", "-p", "0.0.0.0:" + IPV4_ONLY + ":80",
                BusyboxImage.NAME, "/bin/httpd", "-f", "-p", "80", "-h", WhoService.IMAGE_DOCROOT).orThrow();
        runDir = Files.createTempDirectory("bw-published-run-");
    }

    @AfterAll
    void stopLab() {
        if (watch != null) {
            watch.close();
            System.out.println("watch log:\n" + String.join("\n", watch.stderr()));
        }
        if (lab != null) {
            lab.close();
        }
        for (Path dir : new Path[] {docroot, runDir}) {
            if (dir != null) {
                Shell.run("rm", "-rf", dir.toString());
            }
        }
    }

    private Shell.Result apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "--netns", lab.host().name(), "--docker-host", lab.docker().host()));
        args.addAll(List.of(extra));
        return Bridgewall.run(List.of(), args);
    }

    private boolean fromLan(String address, int port) {
        return lab.probe(lab.fromLan(), address, port).reached();
    }

    @Test
    @Order(1)
    void withoutFirewallEveryPortAnswersTheLan() {
        lab.resetFirewall();
        assertThat(fromLan(HOST_LAN, EVERYWHERE)).as("published on every address, via docker-proxy").isTrue();
        assertThat(fromLan(HOST_LAN, ON_HOST_LAN)).as("published on " + HOST_LAN).isTrue();
        assertThat(fromLan(HOST_LAN_2, ON_HOST_LAN)).as("the host's own service on " + HOST_LAN_2).isTrue();
        assertThat(fromLan(HOST_LAN, OTHER_PORT)).as("an unpublished host service").isTrue();
        assertThat(fromLan(HOST_LAN_V6, EVERYWHERE)).as("published on every address, IPv6").isTrue();
        assertThat(fromLan(HOST_LAN_V6, IPV4_ONLY)).as("the host's own service on [" + HOST_LAN_V6 + "]").isTrue();
    }

    @Test
    @Order(2)
    void applyOpensExactlyWhatDockerPublishes() {
        Shell.Result applied = apply();
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();

        assertThat(fromLan(HOST_LAN, EVERYWHERE)).as("-p 8081:80 on the host's LAN address").isTrue();
        assertThat(fromLan(HOST_UPLINK, EVERYWHERE)).as("-p 8081:80 on the host's other address").isTrue();
        assertThat(fromLan(HOST_LAN, ON_HOST_LAN)).as("-p " + HOST_LAN + ":8082:80 on that address").isTrue();
        assertThat(fromLan(HOST_LAN_2, ON_HOST_LAN)).as("port 8082 on another host address").isFalse();
        assertThat(fromLan(HOST_LAN, OTHER_PORT)).as("an unpublished host port").isFalse();
        assertThat(fromLan(HOST_LAN_V6, EVERYWHERE)).as("-p 8081:80 on the host's IPv6 address").isTrue();
        assertThat(fromLan(HOST_LAN, IPV4_ONLY)).as("-p 0.0.0.0:8085:80 over IPv4").isTrue();
        assertThat(fromLan(HOST_LAN_V6, IPV4_ONLY)).as("port 8085 over IPv6, published for IPv4 only").isFalse();

        NftRuleset kernel = NftRuleset.of(lab.host());
        assertThat(kernel.elements(TABLE, "published_v4")).containsExactlyInAnyOrder("tcp . " + EVERYWHERE, "tcp . " + IPV4_ONLY);
        assertThat(kernel.elements(TABLE, "published_v6")).containsExactly("tcp . " + EVERYWHERE);
        assertThat(kernel.elements(TABLE, "published_addr_v4")).containsExactly(HOST_LAN + " . tcp . " + ON_HOST_LAN);
        assertThat(kernel.elements(TABLE, "published_addr_v6")).isEmpty();
    }

    @Test
    @Order(3)
    void planListsThemAndSaysWhatLoopbackNeeds() {
        Shell.Result plan = Bridgewall.run(List.of("ip", "netns", "exec", lab.host().name()),
                List.of("plan", "--docker-host", lab.docker().host()));
        assertThat(plan.exitCode()).as(plan.stderr()).isZero();

        String web = "web (id " + webId.substring(0, 12) + ") port 80";
        assertThat(plan.stdout()).contains(
                "#   published 8081/tcp on every IPv4 address - " + web + "\n",
                "#   published 192.168.50.1:8082/tcp - " + web + "\n",
                "#   published 127.0.0.1:8083/tcp - " + web + " (loopback only: nothing to open, lo is accepted)\n",
                "#   published 8081/tcp on every IPv6 address - " + web + "\n",
                "\t\t\ttcp . 8081 # " + web + "\n",
                "\t\t\t192.168.50.1 . tcp . 8082 # " + web + "\n");
    }

    @Test
    @Order(4)
    void noPublishedPortsOpensNone() {
        Shell.Result applied = apply("--no-published-ports");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();

        assertThat(fromLan(HOST_LAN, EVERYWHERE)).as("8081 with --no-published-ports").isFalse();
        assertThat(fromLan(HOST_LAN, ON_HOST_LAN)).as("8082 with --no-published-ports").isFalse();
        assertThat(NftRuleset.of(lab.host()).elements(TABLE, "published_v4")).isEmpty();
    }

    @Test
    @Order(5)
    void underWatchAPortOpensWhenItsContainerStartsAndClosesWhenItStops() {
        watch = WatchProcess.start(lab.host(), lab.docker().host(), runDir);
        assertThat(fromLan(HOST_LAN, EVERYWHERE)).as("8081 after watch's startup apply").isTrue();
        assertThat(fromLan(HOST_LAN, WATCHED)).as("8084 before any container publishes it").isFalse();

        int from = watch.stderrLineCount();
        long started = System.nanoTime();
        lab.docker().docker("run", "-d", "--name", "late", "-p", WATCHED + ":80", BusyboxImage.NAME,
                "/bin/httpd", "-f", "-p", "80", "-h", WhoService.IMAGE_DOCROOT).orThrow();
        String opened = watch.line("opened " + WATCHED + "/tcp on every IPv4 address", from, APPLIED)
                .orElseThrow(() -> new AssertionError("port not opened: " + watch.stderr()));
        System.out.printf("docker run to 'opened' logged: %d ms; %s%n", (System.nanoTime() - started) / 1_000_000, opened);
        assertThat(opened).startsWith("bridgewall: container start late (id ").contains("updated in 1 transaction");
        assertThat(NftRuleset.of(lab.host()).elements(TABLE, "published_v4")).contains("tcp . " + WATCHED);
        assertThat(fromLan(HOST_LAN, WATCHED)).as("8084 once its container runs").isTrue();

        from = watch.stderrLineCount();
        lab.docker().docker("kill", "late").orThrow();
        assertThat(watch.line("closed " + WATCHED + "/tcp on every IPv4 address", from, APPLIED))
                .as("port closed: " + watch.stderr()).isPresent();
        assertThat(NftRuleset.of(lab.host()).elements(TABLE, "published_v4"))
                .containsExactlyInAnyOrder("tcp . " + EVERYWHERE, "tcp . " + IPV4_ONLY);
        // docker-proxy is gone with the container: a host service on the port shows the firewall closed it.
        lab.host().exec("busybox", "httpd", "-p", "0.0.0.0:" + WATCHED, "-h", docroot.toString()).orThrow();
        assertThat(lab.probe(lab.fromHost(), HOST_LAN, WATCHED).reached()).as("the host service answers the host").isTrue();
        assertThat(fromLan(HOST_LAN, WATCHED)).as("8084 after its container stopped").isFalse();
        assertThat(fromLan(HOST_LAN, EVERYWHERE)).as("8081 still").isTrue();
    }
}
