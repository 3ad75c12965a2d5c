package io.bridgewall.it.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built .deb on a fresh Debian 12 system (issue 13): a chroot over the VM test's debootstrap
 * tree, which holds exactly the package's dependencies (a headless JRE, libnftnl11, libmnl0) and
 * man-db, and nothing of bridgewall. Installed, used, removed and purged in order, as an admin
 * would; after the purge the overlay's upper layer (every file the whole life cycle changed)
 * holds nothing of bridgewall. Never installed on this machine itself. No kernel ruleset is
 * touched: `plan` only prints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class DebPackageTest {
    private static final String DEB_INSIDE = "/root/package-under-test.deb";
    private static final List<String> INSTALLED_FILES = List.of(
            "/usr/bin/bridgewall",
            "/usr/share/bridgewall/bridgewall.jar",
            "/lib/systemd/system/bridgewall.service",
            "/lib/systemd/system/bridgewall-boot.service",
            "/usr/share/bash-completion/completions/bridgewall",
            "/etc/bridgewall/bridgewall.yaml");

    private OverlayChroot debian;

    @BeforeAll
    void freshDebianWithThePackageCopiedIn(@TempDir Path work) throws IOException {
        DebianImage image = DebianImage.build();
        Path deb = DebianImage.builtDeb();
        debian = OverlayChroot.over(image.rootfs(), work.resolve("debian"));
        Path inside = debian.upper().resolve(DEB_INSIDE.substring(1));
        Files.createDirectories(inside.getParent());
        Files.copy(deb, inside);
        assertThat(debian.sh("dpkg-query -W bridgewall").ok()).as("the image must not hold bridgewall already").isFalse();
    }

    @Test
    @Order(1)
    void installsWithItsDependenciesPresentAndEnablesNothing() {
        Shell.Result install = debian.sh("dpkg -i " + DEB_INSIDE).orThrow();
        assertThat(install.stdout()).contains("Nothing is applied and no unit is enabled yet.");
        assertThat(debian.sh("dpkg-query -W -f '${Status}' bridgewall").orThrow().stdout()).isEqualTo("install ok installed");
        for (String file : INSTALLED_FILES) {
            assertThat(debian.sh("test -f " + file).ok()).as(file).isTrue();
        }
        assertThat(debian.sh("test -x /usr/bin/bridgewall && test -d /var/cache/bridgewall").ok()).isTrue();
        assertThat(debian.sh("dpkg-query -W -f '${Conffiles}' bridgewall").orThrow().stdout()).contains("/etc/bridgewall/bridgewall.yaml");
        for (String unit : List.of("bridgewall.service", "bridgewall-boot.service")) {
            assertThat(debian.sh("systemctl is-enabled " + unit).stdout().strip()).as(unit).isEqualTo("disabled");
        }
    }

    @Test
    @Order(2)
    void reportsItsVersion() {
        Shell.Result version = debian.sh("bridgewall --version").orThrow();
        assertThat(version.stdout()).startsWith("bridgewall 0.1.0");
    }

    @Test
    @Order(3)
    void hasManPagesThatRender() {
        assertThat(debian.sh("man -w bridgewall").orThrow().stdout()).startsWith("/usr/share/man/man1/bridgewall.1");
        Shell.Result man = debian.sh("man -P cat bridgewall").orThrow();
        assertThat(man.stdout()).contains("NAME", "bridgewall", "SYNOPSIS");
        Shell.Result apply = debian.sh("man -P cat bridgewall-apply").orThrow();
        assertThat(apply.stdout()).contains("NAME", "--no-docker");
    }

    @Test
    @Order(4)
    void plansWithoutDockerOnAFreshHost() {
        Shell.Result plan = debian.sh("bridgewall plan --no-docker --bridge docker0=172.17.0.0/16").orThrow();
        assertThat(plan.stdout()).contains("table inet bridgewall {", "\"docker0\"", "172.17.0.0/16");
        assertThat(plan.stderr()).isEmpty();
    }

    /** `bridgewall doctor` runs from the package on a fresh host: exit 0 healthy, 1 with findings, each with its fix. */
    @Test
    @Order(5)
    void doctorRunsFromThePackage() {
        Shell.Result help = debian.sh("bridgewall doctor --help");
        assertThat(help.stdout()).as(help.stderr()).contains("Usage: bridgewall doctor");
        Shell.Result doctor = debian.sh("bridgewall doctor --no-docker");
        assertThat(doctor.exitCode()).as(doctor.stdout() + doctor.stderr()).isIn(0, 1);
        assertThat(doctor.stdout()).isNotBlank();
    }

    @Test
    @Order(6)
    void removalLeavesTheRulesetAloneAndSaysSo() {
        Shell.Result remove = debian.sh("dpkg -r bridgewall").orThrow();
        assertThat(remove.stdout()).contains("The kernel's ruleset is left as it is", "nft delete table inet bridgewall");
        assertThat(debian.sh("test -e /usr/bin/bridgewall || test -e /usr/share/bridgewall/bridgewall.jar").ok()).isFalse();
        assertThat(debian.sh("test -f /etc/bridgewall/bridgewall.yaml").ok()).as("removal keeps the configuration").isTrue();
    }

    @Test
    @Order(7)
    void purgeLeavesNoFileBehind() throws IOException {
        debian.sh("dpkg --purge bridgewall").orThrow();
        assertThat(debian.sh("dpkg-query -W bridgewall").ok()).isFalse();
        // /var/cache/man: man-db's own cache of the pages `man` formatted above, not the package's
        // files; man-db prunes it itself (mandb, daily).
        try (Stream<Path> changed = Files.walk(debian.upper())) {
            assertThat(changed.map(path -> "/" + debian.upper().relativize(path))
                    .filter(path -> path.contains("bridgewall") && !path.startsWith("/var/cache/man/")))
                    .as("files the package's life cycle left in the system").isEmpty();
        }
    }
}
