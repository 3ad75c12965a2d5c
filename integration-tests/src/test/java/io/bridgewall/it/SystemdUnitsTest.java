package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units in packaging/systemd: the ordering that makes containment hold from boot
 * (boot unit before networking and dockerd, watch after dockerd without depending on it), the
 * restart policy, and hardening that leaves bridgewall what it needs. Read as files here; and
 * checked by systemd itself (`systemd-analyze verify`) where the tool is installed. Needs no root.
 */
class SystemdUnitsTest {
    private static final Path UNITS = Path.of("../packaging/systemd").toAbsolutePath().normalize();

    private final Unit watch = Unit.read(UNITS.resolve("bridgewall.service"));
    private final Unit boot = Unit.read(UNITS.resolve("bridgewall-boot.service"));

    @Test
    void watchRunsAfterDockerWithoutDependingOnItAndAlwaysRestarts() {
        assertThat(watch.values("Service", "ExecStart")).singleElement().asString().endsWith("/bridgewall watch");
        assertThat(watch.values("Unit", "After")).contains("docker.service", "bridgewall-boot.service");
        assertThat(watch.values("Unit", "Wants")).contains("docker.service");
        for (String hard : List.of("Requires", "Requisite", "BindsTo", "PartOf")) {
            assertThat(watch.values("Unit", hard)).as(hard + "=: dockerd stopping must not stop watch").doesNotContain("docker.service");
        }
        assertThat(watch.value("Service", "Restart")).isEqualTo("always");
        assertThat(seconds(watch.value("Service", "RestartSec"))).isBetween(1L, 30L);
        assertThat(watch.value("Unit", "StartLimitIntervalSec")).as("never stop restarting").isEqualTo("0");
        assertThat(watch.values("Install", "WantedBy")).contains("multi-user.target");
    }

    @Test
    void watchMayUseNetlinkEnterNamespacesAndKeepItsLockUnderRun() {
        assertThat(watch.values("Service", "CapabilityBoundingSet")).contains("CAP_NET_ADMIN", "CAP_SYS_ADMIN");
        assertThat(watch.values("Service", "RestrictAddressFamilies")).contains("AF_NETLINK", "AF_UNIX");
        assertThat(watch.value("Service", "RestrictNamespaces")).isIn("net", "no");
        assertThat(watch.value("Service", "RuntimeDirectory")).isEqualTo("bridgewall");
        assertHardenedButRunnable(watch);
    }

    @Test
    void bootUnitContainsBeforeNetworkingAndDockerWithNoDockerAtAll() {
        assertThat(boot.value("Unit", "DefaultDependencies")).isEqualTo("no");
        assertThat(boot.values("Unit", "Before")).contains("network-pre.target", "docker.service", "bridgewall.service");
        assertThat(boot.values("Unit", "Wants")).contains("network-pre.target");
        assertThat(boot.values("Unit", "After")).contains("local-fs.target");
        assertThat(boot.values("Unit", "After")).as("nothing it runs after may itself wait for networking or dockerd")
                .doesNotContainAnyElementsOf(boot.values("Unit", "Before"))
                .noneMatch(unit -> unit.startsWith("network") || unit.startsWith("docker") || unit.equals("sysinit.target")
                        || unit.equals("basic.target"));
        for (String dependency : List.of("Requires", "Wants", "Requisite", "BindsTo")) {
            assertThat(boot.values("Unit", dependency)).doesNotContain("docker.service", "docker.socket");
        }
        assertThat(boot.value("Service", "Type")).isEqualTo("oneshot");
        assertThat(boot.values("Service", "ExecStart")).singleElement().asString().endsWith("/bridgewall apply --no-docker");
        assertThat(boot.values("Service", "ExecStop")).as("stopping (shutdown) leaves the ruleset in place").isEmpty();
        assertThat(boot.values("Service", "CapabilityBoundingSet")).contains("CAP_NET_ADMIN");
        assertThat(boot.values("Install", "WantedBy")).contains("sysinit.target");
        assertHardenedButRunnable(boot);
    }

    private static void assertHardenedButRunnable(Unit unit) {
        assertThat(unit.value("Service", "NoNewPrivileges")).isEqualTo("yes");
        assertThat(unit.value("Service", "ProtectSystem")).isEqualTo("strict");
        // The JIT writes executable memory; --enable-br-netfilter writes /proc/sys.
        assertThat(unit.values("Service", "MemoryDenyWriteExecute")).doesNotContain("yes", "true");
        assertThat(unit.values("Service", "ProtectKernelTunables")).doesNotContain("yes", "true");
        assertThat(unit.values("Service", "PrivateNetwork")).doesNotContain("yes", "true");
    }

    @Test
    void systemdItselfAcceptsBothUnits(@TempDir Path root) throws IOException {
        boolean available = Shell.run("sh", "-c", "command -v systemd-analyze").ok();
        if (!available && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("systemd-analyze is missing in CI (CI=true): .ci/run installs the systemd package");
        }
        Assumptions.assumeTrue(available,
                "systemd-analyze is not installed: the units are checked as files only (the other tests)");
        // A root holding the machine's own units, ours, and a stand-in for the installed launcher.
        Path units = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        Shell.run("cp", "-a", "/usr/lib/systemd/system/.", units.toString()).orThrow();
        try (Stream<Path> files = Files.walk(units)) {
            for (Path link : files.filter(Files::isSymbolicLink).toList()) {
                if (Files.readSymbolicLink(link).isAbsolute()) {
                    Files.delete(link); // masked units (-> /dev/null): nothing to verify against, and outside the root
                }
            }
        }
        for (String name : List.of("bridgewall.service", "bridgewall-boot.service")) {
            Files.copy(UNITS.resolve(name), units.resolve(name));
        }
        Path launcher = Files.createDirectories(root.resolve("usr/bin")).resolve("bridgewall");
        Files.writeString(launcher, "#!/bin/sh\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));

        Shell.Result verify = Shell.run(Duration.ofSeconds(60), "systemd-analyze", "verify", "--root=" + root,
                "bridgewall.service", "bridgewall-boot.service");

        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        // verify exits 0 on unknown keys and bad values, and only says so: any word from it is a finding.
        assertThat(verify.stdout() + verify.stderr()).isEmpty();
    }

    private static long seconds(String timeSpan) {
        return Long.parseLong(timeSpan.replaceFirst("s$", ""));
    }

    /** A unit file: sections of keys, each with every value it was given (lists split on spaces). */
    private record Unit(Path file, Map<String, List<String>> entries) {
        static Unit read(Path file) {
            Map<String, List<String>> entries = new LinkedHashMap<>();
            String section = "";
            try {
                for (String line : Files.readAllLines(file)) {
                    String text = line.strip();
                    if (text.isEmpty() || text.startsWith("#") || text.startsWith(";")) {
                        continue;
                    }
                    if (text.startsWith("[") && text.endsWith("]")) {
                        section = text.substring(1, text.length() - 1);
                        continue;
                    }
                    int equals = text.indexOf('=');
                    assertThat(equals).as("%s: not a key=value line: %s", file, text).isPositive();
                    String key = section + "." + text.substring(0, equals).strip();
                    String value = text.substring(equals + 1).strip();
                    List<String> values = entries.computeIfAbsent(key, k -> new ArrayList<>());
                    if (key.endsWith(".ExecStart") || key.endsWith(".ExecStop")) {
                        values.add(value);
                    } else {
                        values.addAll(Arrays.asList(value.split("\\s+")));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Unit(file, entries);
        }

        List<String> values(String section, String key) {
            return entries.getOrDefault(section + "." + key, List.of());
        }

        String value(String section, String key) {
            List<String> values = values(section, key);
            assertThat(values).as("%s: [%s] %s= once, with one value", file.getFileName(), section, key).hasSize(1);
            return values.get(0);
        }
    }
}
