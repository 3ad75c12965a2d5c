package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.HOST_LAN;
import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.OTHER_PORT;
import static io.bridgewall.it.lab.LabAddresses.PUB;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Logging of drops with a real dockerd and real packets: each dropped probe is logged once, with
 * the prefix of its reason, to the NFLOG group in the docker host's namespace (read there with
 * tcpdump, {@link NflogCapture}); a burst above the rate gives fewer lines than packets, and
 * every packet of it is still dropped (counted where it would arrive). Off by default.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class DropLoggingLabTest {
    private static final int GROUP = 7;
    private static final Duration LINE_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern DROP_COUNTER = Pattern.compile(
            "ip daddr @blocked_v4 [^\n]*counter packets (\\d+) bytes \\d+ drop");

    private Lab lab;
    private NflogCapture nflog;

    @BeforeAll
    void startLab() {
        Root.require();
        lab = Lab.start();
        nflog = NflogCapture.start(lab.host(), GROUP);
    }

    @AfterAll
    void stopLab() {
        if (nflog != null) {
            nflog.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private void apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "--netns", lab.host().name(), "--docker-host", lab.docker().host()));
        args.addAll(List.of(extra));
        Shell.Result applied = Bridgewall.run(List.of(), args);
        assertThat(applied.exitCode()).as(applied.stdout() + applied.stderr()).isZero();
    }

    /** The probe is dropped, and the packet is logged with this prefix (and only this one, SYN retries included). */
    private void assertDroppedAndLogged(ProbeSource from, String to, int port, String prefix) {
        ProbeResult probe = lab.probe(from, to, port);
        assertThat(probe.reached()).as(from + " -> " + to + ":" + port + " is dropped").isFalse();

        Optional<NflogCapture.Logged> line = nflog.await(l -> l.destination().equals(to) && l.prefix().equals(prefix), LINE_TIMEOUT);
        assertThat(line).as("a line '" + prefix + "' for " + from + " -> " + to + "; logged: " + nflog.logged() + nflog.problem())
                .isPresent();
        assertThat(nflog.logged()).filteredOn(l -> l.destination().equals(to)).as("every line for " + to)
                .extracting(NflogCapture.Logged::prefix).containsOnly(prefix);
        assertThat(line.get().group()).isEqualTo(GROUP);
    }

    private long blockedV4Drops() {
        String listing = lab.host().exec("nft", "list", "chain", "inet", "bridgewall", "forward").orThrow().stdout();
        Matcher m = DROP_COUNTER.matcher(listing);
        assertThat(m.find()).as(listing).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    @Order(1)
    void offByDefault() {
        apply();
        assertThat(lab.probe(lab.fromContainer("bridge-a"), LAN, WHO_PORT).reached()).isFalse();
        assertThat(lab.probe(lab.fromLan(), HOST_LAN, OTHER_PORT).reached()).isFalse();

        assertThat(nflog.await(l -> true, Duration.ofSeconds(2))).as("nothing logged " + nflog.problem()).isEmpty();
    }

    @Test
    @Order(2)
    void eachReasonHasItsPrefix() {
        apply("--log-drops", "--log-group", String.valueOf(GROUP));

        assertDroppedAndLogged(lab.fromContainer("bridge-a"), LAN, WHO_PORT, "bridgewall blocked: ");
        // docker0 is isolated: the neighbour's address lies in 172.16/12 (a blocked range) but it is a container
        assertDroppedAndLogged(lab.fromContainer("bridge-a"), lab.container("bridge-b").ip(), WHO_PORT, "bridgewall isolation: ");
        assertDroppedAndLogged(lab.fromContainer("user-a"), lab.container("bridge-a").ip(), WHO_PORT, "bridgewall isolation: ");
        assertDroppedAndLogged(lab.fromContainer("internal-a"), PUB, WHO_PORT, "bridgewall internal: ");
        assertDroppedAndLogged(lab.fromLan(), lab.container("user-a").ip(), WHO_PORT, "bridgewall inbound: ");
        assertDroppedAndLogged(lab.fromLan(), HOST_LAN, OTHER_PORT, "bridgewall input: ");

        // what is allowed is not logged
        assertThat(lab.probe(lab.fromContainer("user-a"), lab.container("user-b").ip(), WHO_PORT).reached()).isTrue();
        assertThat(lab.probe(lab.fromContainer("bridge-a"), PUB, WHO_PORT).reached()).isTrue();
        assertThat(nflog.await(l -> l.destination().equals(lab.container("user-b").ip()) || l.destination().equals(PUB)
                && !l.prefix().equals("bridgewall internal: "), Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    @Order(3)
    void aBurstAboveTheRateGivesFewerLinesThanPacketsAndEveryPacketIsStillDropped() {
        // A new rate replaces the log rules: their limits start full (burst 5).
        apply("--log-drops", "--log-group", String.valueOf(GROUP), "--log-rate", "1/minute");
        ArrivalCounter lanArrivals = ArrivalCounter.install(lab.lan(), WHO_PORT);
        int before = count(LAN);
        long dropsBefore = blockedV4Drops();

        // 30 connection attempts at once from one container; each nc gives up after 1 s
        Shell.Result burst = lab.docker().docker("exec", "bridge-a", "/bin/timeout", "10", "/bin/sh", "-c",
                "i=0; while [ $i -lt 30 ]; do /bin/nc -w 1 " + LAN + " " + WHO_PORT + " </dev/null & i=$((i+1)); done; wait");
        long dropped = blockedV4Drops() - dropsBefore;
        sleepMillis(1000);
        int lines = count(LAN) - before;

        assertThat(lanArrivals.packets()).as("packets that reached the LAN host").isZero();
        assertThat(dropped).as("SYNs dropped by the blocked-range rule (" + burst.stderr() + ")").isGreaterThanOrEqualTo(30);
        assertThat(lines).as("lines for " + dropped + " dropped packets: burst 5, then 1 a minute").isBetween(1, 6)
                .isLessThan((int) dropped);
        System.out.printf("drop logging burst: %d packets dropped, %d logged, 0 arrived%n", dropped, lines);
    }

    private int count(String destination) {
        return (int) nflog.logged().stream().filter(l -> l.destination().equals(destination)).count();
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
