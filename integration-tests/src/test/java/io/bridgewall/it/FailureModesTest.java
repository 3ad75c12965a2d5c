package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way apply can fail before it changes anything is one line saying what to do, a non-zero
 * exit, and a kernel left exactly as it was (an installed table stays, nft monitor sees no
 * commit): without privileges, with a library missing or not the one bridgewall needs.
 * (nf_tables or its NAT missing from the kernel cannot be provoked here without unloading
 * modules of this machine; KernelSupportTest and NftRequestsFailureTest pin those messages.)
 */
class FailureModesTest {
    private static final List<String> POLICY = List.of("--no-docker", "--bridge", "docker0=172.17.0.0/16");
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;

    @TempDir
    Path dir;
    private Netns netns;

    @BeforeEach
    void namespaceWithAnInstalledTable() {
        Root.require();
        netns = Netns.create("fail");
        // A table in place: "nothing changed" then means the old policy is still the one in force.
        Shell.Result installed = Bridgewall.run(List.of(), apply("--netns", netns.name(), "--allow-port", "2222"));
        assertThat(installed.exitCode()).as(installed.stderr()).isZero();
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    private static List<String> apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("apply"));
        args.addAll(POLICY);
        args.addAll(List.of(extra));
        return args;
    }

    private String ruleset() {
        return netns.exec("nft", "-a", "list", "ruleset").orThrow().stdout();
    }

    /** Runs the command, asserts one line on stderr, exit 1, no commit, the ruleset the same; returns the line. */
    private String failsChangingNothing(Supplier<Shell.Result> command) {
        String before = ruleset();
        Shell.Result result;
        int generations;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            result = command.get();
            generations = monitor.generationsSinceStart();
        }
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        assertThat(result.stdout()).isEmpty();
        String line = result.stderr().strip();
        assertThat(line).as("one line").doesNotContain("\n").startsWith("bridgewall: ")
                .doesNotContain("Exception").doesNotContain("internal error");
        assertThat(generations).as("transactions committed").isZero();
        assertThat(ruleset()).as("nft -a list ruleset").isEqualTo(before).contains("2222");
        return line;
    }

    private Shell.Result insideAs(List<String> setpriv, String... extra) {
        List<String> prefix = new ArrayList<>(List.of("ip", "netns", "exec", netns.name()));
        prefix.addAll(setpriv);
        return Bridgewall.run(prefix, apply(extra));
    }

    @Test
    void anUnprivilegedUserIsToldToRunAsRoot() {
        List<String> nobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
        for (String mode : List.of("--allow-port=2223", "--check")) {
            String line = failsChangingNothing(() -> insideAs(nobody, mode));
            assertThat(line).as(mode).contains("Operation not permitted").contains("needs root or CAP_NET_ADMIN")
                    .contains("run it as root");
        }
    }

    @Test
    void rootWithoutCapNetAdminIsToldWhatItLacks() {
        List<String> withoutNetAdmin = List.of("setpriv", "--inh-caps=-all", "--bounding-set=-net_admin");
        String status = Shell.run("ip", "netns", "exec", netns.name(), "setpriv", "--inh-caps=-all",
                "--bounding-set=-net_admin", "cat", "/proc/self/status").orThrow().stdout();
        long effective = Long.parseUnsignedLong(status.lines().filter(l -> l.startsWith("CapEff:")).findFirst()
                .orElseThrow().substring("CapEff:".length()).strip(), 16);
        assertThat(effective & (1L << CAP_NET_ADMIN)).as("the control: CAP_NET_ADMIN is really gone").isZero();
        assertThat(effective & (1L << CAP_SYS_ADMIN)).as("and the rest of root's is there").isNotZero();

        String line = failsChangingNothing(() -> insideAs(withoutNetAdmin, "--allow-port=2223"));

        assertThat(line).contains("needs root or CAP_NET_ADMIN");
    }

    @Test
    void anUnprivilegedUserNamingANamespaceIsToldToRunAsRoot() {
        String line = failsChangingNothing(() -> Bridgewall.run(
                List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                apply("--netns", netns.name(), "--allow-port=2223")));

        assertThat(line).contains("entering network namespace").contains("run bridgewall as root")
                .containsOnlyOnce("CAP_NET_ADMIN");
    }

    /** The file the dynamic linker loads for this soname (links resolved). */
    private static Path installed(String soname) {
        String path = Shell.run("sh", "-c", "readlink -f $(ldconfig -p | awk '/" + soname.replace(".", "\\.")
                + " / {print $NF; exit}')").orThrow().stdout().strip();
        assertThat(path).as(soname + " is installed here").isNotEmpty();
        return Path.of(path);
    }

    /** Runs apply with a directory of stand-in libraries first on the dynamic linker's path. */
    private Shell.Result withLibraries(Path libraries) {
        List<String> prefix = List.of("env", "LD_LIBRARY_PATH=" + libraries);
        return Bridgewall.run(prefix, apply("--netns", netns.name(), "--allow-port=2223"));
    }

    @Test
    void aLibnftnlThatLacksFunctionsIsNamedBeforeAnythingIsSent() throws IOException {
        // A real shared library under libnftnl's name, without libnftnl's functions: what a too-old
        // or wrong copy looks like to the loader. (Before, the first call failed with "unknown".)
        Path libraries = Files.createDirectory(dir.resolve("lib"));
        Files.copy(installed("libmnl.so.0"), libraries.resolve("libnftnl.so.11"));

        String line = failsChangingNothing(() -> withLibraries(libraries));

        assertThat(line).startsWith("bridgewall: libnftnl.so.11 lacks nftnl_")
                .contains("older than bridgewall needs").contains("apt-get install libnftnl11")
                .contains("LD_LIBRARY_PATH");
    }

    @Test
    void aLibmnlThatLacksFunctionsIsNamed() throws IOException {
        Path libraries = Files.createDirectory(dir.resolve("lib"));
        Files.copy(installed("libdl.so.2"), libraries.resolve("libmnl.so.0"));

        String line = failsChangingNothing(() -> withLibraries(libraries));

        assertThat(line).startsWith("bridgewall: libmnl.so.0 lacks mnl_").contains("apt-get install libmnl0");
    }

    @Test
    void aMissingLibmnlIsOneLineNamingThePackage() {
        Path library = installed("libmnl.so.0");
        // Hidden in a private mount namespace only this command lives in.
        String line = failsChangingNothing(() -> Shell.run(Shell.DEFAULT_TIMEOUT, null, List.of("unshare", "--mount",
                "sh", "-c", "mount --bind /dev/null " + library + " && exec java -jar " + Bridgewall.jar()
                        + " apply --no-docker --netns " + netns.name() + " --bridge docker0=172.17.0.0/16")));

        assertThat(line).contains("libmnl.so.0 not found: apt-get install libmnl0");
    }
}
