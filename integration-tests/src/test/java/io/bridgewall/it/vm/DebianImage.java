package io.bridgewall.it.vm;

import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The Debian 12 image of the package and VM tests, built once by integration-tests/vm/build-image.sh
 * into target/vm-image (cached there: one `mvn verify` builds it once; the script locks and
 * checks its own stamp), and the package under test, packaging/target/bridgewall_*_all.deb.
 */
public record DebianImage(Path dir) {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path SCRIPTS = MODULE.resolve("vm");
    private static final Path CACHE = MODULE.resolve("target/vm-image");
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(25);

    public Path rootfs() {
        return dir.resolve("rootfs");
    }

    public Path disk() {
        return dir.resolve("disk.img");
    }

    public Path kernel() {
        return dir.resolve("vmlinuz");
    }

    public Path initrd() {
        return dir.resolve("initrd.img");
    }

    /** The scripts that run inside the VM (integration-tests/vm/boot-test). */
    public static Path bootTestScripts() {
        return SCRIPTS.resolve("boot-test");
    }

    /**
     * Builds the image if it is not cached yet. Needs root and the given tools; where they are
     * missing the test is skipped with a loud message, except in CI (CI=true), where it fails.
     */
    public static DebianImage build(String... tools) {
        Root.require();
        List<String> needed = new ArrayList<>(List.of("debootstrap", "mkfs.ext4", "unshare", "chroot"));
        needed.addAll(List.of(tools));
        List<String> missing = new ArrayList<>();
        for (String tool : needed) {
            if (!Shell.run("sh", "-c", "command -v " + tool).ok()) {
                missing.add(tool);
            }
        }
        unavailable(missing.isEmpty() ? null : "missing " + String.join(", ", missing)
                + " (apt-get install debootstrap qemu-system-x86 qemu-utils e2fsprogs)");
        long started = System.nanoTime();
        Shell.Result built = Shell.run(BUILD_TIMEOUT, null, List.of(SCRIPTS.resolve("build-image.sh").toString(), CACHE.toString()));
        if (!built.ok()) {
            throw new AssertionError("building the Debian 12 image failed (exit " + built.exitCode() + "):\n" + built.stderr());
        }
        String log = built.stderr().strip();
        if (!log.isEmpty()) {
            System.out.printf("Debian 12 image built in %.0f s (%s)%n", (System.nanoTime() - started) / 1e9, CACHE);
        }
        return new DebianImage(CACHE);
    }

    /** The .deb that `mvn package` built in the packaging module. */
    public static Path builtDeb() {
        Path target = MODULE.resolveSibling("packaging").resolve("target");
        try (var files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("bridgewall_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no bridgewall_*_all.deb in " + target + "; build it with 'mvn -DskipTests package'"));
        } catch (java.io.IOException e) {
            throw new AssertionError("no " + target + "; build the packaging module with 'mvn -DskipTests package'", e);
        }
    }

    /** Skips loudly where the test cannot run, fails in CI: a VM test must never quietly not run there. */
    static void unavailable(String why) {
        if (why == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("the VM/package tests must run in CI (CI=true), but: " + why);
        }
        System.err.println("*** SKIPPING bridgewall VM/package test: " + why + ". In CI (CI=true) this is a failure. ***");
        Assumptions.assumeTrue(false, why);
    }
}
