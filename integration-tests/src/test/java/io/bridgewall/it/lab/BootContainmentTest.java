package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.HOST_UPLINK;
import static io.bridgewall.it.lab.LabAddresses.LAN;
import static io.bridgewall.it.lab.LabAddresses.PUB;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.cli.demo.NamespaceLab;
import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.DockerDaemon;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A boot, rehearsed in namespaces: the boot step ({@code apply --no-docker}, no dockerd
 * running) installs containment alone; then dockerd starts and, before anyone asks its API
 * anything, brings back a container with a restart policy whose bridge it creates anew. The
 * container probes the LAN in a loop from its first second: a counter in the LAN namespace,
 * where nothing of the docker host can drop them, sees not one packet of it, while the same
 * container reaches the public host masqueraded. Before containment (the first dockerd run)
 * the same loop does reach the LAN: the control.
 */
@Timeout(600)
class BootContainmentTest {
    private static final String SUBNET = "172.30.5.0/24";
    private static final int ROUNDS = 600;
    /** Busybox only: a LAN connection attempt, then one who-service request to the public host, about 4 per second. */
    private static final String PROBE_LOOP = "echo start; i=0; while [ $i -lt " + ROUNDS + " ]; do i=$((i+1)); "
            + "echo lan-try; /bin/timeout 1 /bin/nc -w 1 " + LAN + " " + WHO_PORT + " </dev/null && echo lan-reached; "
            + "echo -e 'GET /cgi-bin/who HTTP/1.0\\r\\n\\r' | /bin/timeout 2 /bin/nc -w 1 " + PUB + " " + WHO_PORT + "; "
            + "/bin/sleep 0.2; done";

    @Test
    void containmentInstalledBeforeDockerdHoldsTheContainersItRestartsFromTheirFirstPacket(@TempDir Path tmp) {
        Root.require();
        try (NamespaceLab namespaces = NamespaceLab.create("bw-boot")) {
            Netns host = Netns.existing(namespaces.add("host"));
            Netns pub = Netns.existing(namespaces.add("pub"));
            Netns lan = Netns.existing(namespaces.add("lan"));
            LabWiring.wire(namespaces, host, pub, lan);
            Path docroot = WhoService.writeDocroot(tmp.resolve("www"));
            WhoService.start(pub, docroot, WHO_PORT);
            WhoService.start(lan, docroot, WHO_PORT);
            ArrivalCounter lanArrivals = ArrivalCounter.install(lan, WHO_PORT);

            try (DockerDaemon docker = DockerDaemon.start(host)) {
                try {
                    BusyboxImage.importInto(docker);
                    String network = docker.docker("network", "create", "--subnet", SUBNET, "bootnet").orThrow().stdout().strip();
                    String bridge = "br-" + network.substring(0, 12);
                    docker.docker("run", "-d", "--restart", "always", "--name", "prober", "--network", "bootnet",
                            BusyboxImage.NAME, "/bin/sh", "-c", PROBE_LOOP).orThrow();
                    awaitTrue("the prober's packets at the LAN with no firewall (the control)", () -> lanArrivals.packets() > 0);

                    long[] atBoot = new long[1];
                    docker.restart(() -> {
                        // The machine is "off": no dockerd, and its bridges gone as after a reboot.
                        host.exec("ip", "link", "del", bridge).orThrow();
                        host.exec("ip", "link", "del", "docker0").orThrow();
                        Shell.Result boot = Bridgewall.run(List.of(), List.of("apply", "--no-docker", "--netns", host.name()));
                        assertThat(boot.exitCode()).as(boot.stderr()).isZero();
                        NftRuleset kernel = NftRuleset.of(host);
                        assertThat(kernel.elements("bridgewall", "contained")).containsExactly("br-*", "docker0");
                        assertThat(kernel.elements("bridgewall", "bridges")).isEmpty();
                        atBoot[0] = lanArrivals.packets();
                    });

                    awaitTrue("the restarted prober's first 20 rounds",
                            () -> afterLastStart(docker).stream().filter("lan-try"::equals).count() >= 20);
                    assertThat(lanArrivals.packets()).as("packets at the LAN since the boot step; " + lanArrivals.listing())
                            .isEqualTo(atBoot[0]);
                    assertThat(afterLastStart(docker)).doesNotContain("lan-reached");
                    awaitTrue("an answer from the public host to the restarted prober, masqueraded",
                            () -> afterLastStart(docker).contains("peer=" + HOST_UPLINK));
                    assertThat(host.exec("ip", "link", "show", bridge).ok()).as("dockerd made the bridge anew").isTrue();
                } catch (RuntimeException | Error e) {
                    System.err.println("dockerd log: " + docker.log());
                    throw e;
                } finally {
                    docker.docker("rm", "-f", "prober");
                }
            }
        }
    }

    /** The prober's output lines since its last start (docker logs holds every run's). */
    private static List<String> afterLastStart(DockerDaemon docker) {
        List<String> lines = Arrays.stream(docker.docker("logs", "prober").stdout().split("\n")).map(String::strip).toList();
        int start = lines.lastIndexOf("start");
        return start < 0 ? List.of() : lines.subList(start + 1, lines.size());
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        for (int i = 0; i < 120; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Shell.sleep(500);
        }
        throw new AssertionError("not within 60 s: " + what);
    }
}
