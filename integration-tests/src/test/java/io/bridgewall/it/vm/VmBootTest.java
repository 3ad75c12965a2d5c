package io.bridgewall.it.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A real boot (issue 13): Debian 12 under qemu with the built .deb installed, both units enabled,
 * and a container with restart policy "always" that dockerd starts by itself as it comes up,
 * before anyone could run `apply`. From its first second the container probes a LAN neighbour
 * (10.99.0.2, ping) and the metadata address (169.254.169.254, HTTP), both behind a veth pair in
 * a namespace inside the VM (the VM has no network device).
 *
 * Boot 1 installs the package, starts the container with no unit enabled (its probes must get
 * through: the control that shows the LAN is reachable and the probes can see it), enables the
 * units and powers off. Boot 2 is the measured one: no probe may get through, bridgewall-boot
 * must have finished before docker.service started, and watch must be running and have applied
 * Docker's networks' policy. The scripts inside are integration-tests/vm/boot-test; everything
 * they collect lands in the run's shared folder, target/vm-runs/RUN/share/results.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the sequential classes: see integration-tests/pom.xml
class VmBootTest {
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(8);
    private static final Path RUNS = Path.of("target/vm-runs").toAbsolutePath();

    @Test
    void containerWithRestartPolicyIsContainedFromItsFirstPacketAndWatchTakesOver() throws IOException {
        DebianImage image = DebianImage.build(Qemu.BINARY, "qemu-img");
        Path run = RUNS.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path share = Files.createDirectories(run.resolve("share"));
        for (String script : List.of("early.sh", "main.sh", "probe.sh")) {
            Files.copy(DebianImage.bootTestScripts().resolve(script), share.resolve(script));
        }
        Files.copy(DebianImage.builtDeb(), share.resolve("bridgewall.deb"));
        Qemu vm = Qemu.fresh(image, run.resolve("overlay.qcow2"), share);
        Path results = share.resolve("results");

        Qemu.Boot setup = vm.boot(run.resolve("console-boot1.log"), BOOT_TIMEOUT);
        assertBootEnded(setup, run.resolve("console-boot1.log"), results.resolve("boot1"));
        String firstBoot = read(results.resolve("boot1/boot_id"));
        List<Probe> unprotected = Probe.read(results.resolve("boot1/probes.log"), firstBoot);
        assertThat(unprotected).as("control: without bridgewall the LAN peer answers the container")
                .anyMatch(p -> p.target().equals("lan-ping") && p.through());
        assertThat(unprotected).as("control: without bridgewall the metadata address answers the container")
                .anyMatch(p -> p.target().equals("metadata-http") && p.through());

        Qemu.Boot measured = vm.boot(run.resolve("console-boot2.log"), BOOT_TIMEOUT);
        Path boot2 = results.resolve("boot2");
        assertBootEnded(measured, run.resolve("console-boot2.log"), boot2);
        String secondBoot = read(boot2.resolve("boot_id"));
        assertThat(secondBoot).isNotEqualTo(firstBoot);

        List<Probe> probes = Probe.read(boot2.resolve("probes.log"), secondBoot);
        assertThat(probes).as("probes during boot 2").hasSizeGreaterThan(10);
        String bridgewallLog = lines(boot2.resolve("journal.txt")).stream().filter(line -> line.contains(" bridgewall[") || line.contains(" bridgewall-boot.service")
                        || line.contains(" bridgewall.service"))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(probes.stream().filter(Probe::through).count())
                .as("probes that got through during boot 2, of %d; bridgewall's journal:%n%s", probes.size(), bridgewallLog).isZero();
        assertThat(probes).extracting(Probe::target).contains("lan-ping", "metadata-http");

        Map<String, Map<String, String>> units = Units.read(boot2.resolve("units.txt"));
        Map<String, String> boot = units.get("bridgewall-boot.service");
        Map<String, String> docker = units.get("docker.service");
        Map<String, String> watch = units.get("bridgewall.service");
        assertThat(boot).containsEntry("ActiveState", "active").containsEntry("Result", "success").containsEntry("ExecMainStatus", "0");
        // A oneshot becomes active when its process has exited: the containment was in before dockerd began.
        long containedAt = Long.parseLong(boot.get("ActiveEnterTimestampMonotonic"));
        long dockerStartedAt = Long.parseLong(docker.get("InactiveExitTimestampMonotonic"));
        assertThat(containedAt).as("bridgewall-boot finished (µs since boot)").isPositive()
                .isLessThan(dockerStartedAt);
        assertThat(watch).containsEntry("ActiveState", "active").containsEntry("SubState", "running");
        assertThat(Long.parseLong(watch.get("InactiveExitTimestampMonotonic"))).as("watch started after dockerd")
                .isGreaterThan(Long.parseLong(docker.get("ActiveEnterTimestampMonotonic")));
        String journal = read(boot2.resolve("journal.txt"));
        assertThat(journal.lines().filter(line -> line.contains(" bridgewall[")))
                .as("watch applied the policy of Docker's networks")
                .anyMatch(line -> line.contains("following Docker's events") && line.contains("1 bridge network")
                        && (line.contains("transaction") || line.contains("unchanged")));
        assertThat(journal).doesNotContain("not applied");
        assertThat(read(boot2.resolve("ruleset.txt"))).contains("table inet bridgewall {", "\"docker0\"");
        assertThat(read(boot2.resolve("container.txt"))).startsWith("running");

        double firstProbe = probes.get(0).uptime();
        assertThat(firstProbe).as("the first probe came after the containment was in")
                .isGreaterThanOrEqualTo(containedAt / 1e6);
        System.out.printf(Locale.ROOT, "VM boot test: boot 1 (setup) %.0f s, boot 2 (measured) %.0f s; boot 2: bridgewall-boot done at %.2f s,"
                        + " docker.service started at %.2f s, first probe at %.2f s after boot, %d probes (%d LAN, %d metadata), %d got through;"
                        + " watch started at %.2f s; control in boot 1: %d of %d probes got through%n",
                setup.took().toMillis() / 1e3, measured.took().toMillis() / 1e3, containedAt / 1e6, dockerStartedAt / 1e6, firstProbe,
                probes.size(), probes.stream().filter(p -> p.target().equals("lan-ping")).count(),
                probes.stream().filter(p -> p.target().equals("metadata-http")).count(), probes.stream().filter(Probe::through).count(),
                Long.parseLong(watch.get("InactiveExitTimestampMonotonic")) / 1e6,
                unprotected.stream().filter(Probe::through).count(), unprotected.size());
        Files.deleteIfExists(run.resolve("overlay.qcow2"));
    }

    private static void assertBootEnded(Qemu.Boot boot, Path console, Path results) {
        String tail = tail(console);
        assertThat(boot.qemu().exitCode()).as("qemu (124: killed after %s)\nconsole:\n%s", BOOT_TIMEOUT, tail).isZero();
        assertThat(results.resolve("boot_id")).as("the boot's script did not finish; console:\n%s", tail).exists();
        assertThat(tail).as("the boot's script ended well").contains("vmtest: boot");
    }

    /** One probe line: BOOT_ID UPTIME TARGET through|blocked. */
    record Probe(String bootId, double uptime, String target, boolean through) {
        static List<Probe> read(Path log, String bootId) {
            return lines(log).stream().map(line -> line.split(" "))
                    .filter(f -> f.length == 4 && f[0].equals(bootId))
                    .map(f -> new Probe(f[0], Double.parseDouble(f[1]), f[2], f[3].equals("through"))).toList();
        }
    }

    /** `systemctl show -p ...` of several units, blocks separated by empty lines, keyed by Id. */
    static final class Units {
        static Map<String, Map<String, String>> read(Path file) {
            Map<String, Map<String, String>> units = new LinkedHashMap<>();
            for (String block : VmBootTest.read(file).split("\n\n")) {
                Map<String, String> properties = new LinkedHashMap<>();
                block.lines().filter(l -> l.contains("=")).forEach(l -> properties.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
                if (properties.containsKey("Id")) {
                    units.put(properties.get("Id"), properties);
                }
            }
            return units;
        }
    }

    private static String tail(Path console) {
        List<String> lines = lines(console);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static List<String> lines(Path file) {
        try (Stream<String> lines = Files.lines(file, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return lines.toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("missing result " + file, e);
        }
    }
}
