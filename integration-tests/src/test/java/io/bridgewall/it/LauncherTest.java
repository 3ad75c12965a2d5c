package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher script, ./bridgewall, as a boot script runs it: it never installs packages by
 * surprise, and its class-data archive can only make a run faster, never stop the firewall
 * from loading or leave files behind.
 */
class LauncherTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String[] POLICY = {"--no-docker", "--bridge", "docker0=172.17.0.0/16"};

    @TempDir
    Path dir;
    private Path stubs;
    private Path aptGetCalls;
    private Netns netns;
    private final String crashReportsBefore = crashReports();

    @BeforeEach
    void stubAptGet() throws IOException {
        Root.require();
        // apt-get that only records that it was called: a test must see an install attempt, never make one.
        stubs = Files.createDirectory(dir.resolve("bin"));
        aptGetCalls = dir.resolve("apt-get-calls");
        stub("apt-get", "echo \"$@\" >>" + aptGetCalls + "; exit 1");
        netns = Netns.create("launcher");
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    private void stub(String name, String body) throws IOException {
        Path file = stubs.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs {@code [prefix...] env PATH=stubs:$PATH [env...] ./bridgewall args...}. */
    private Shell.Result launch(List<String> prefix, List<String> env, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("env", "PATH=" + stubs + ":" + System.getenv("PATH")));
        command.addAll(env);
        command.add(Bridgewall.launcher().toString());
        command.addAll(List.of(args));
        return Shell.run(TIMEOUT, null, command);
    }

    private List<String> apply() {
        List<String> args = new ArrayList<>(List.of("apply", "--netns", netns.name()));
        args.addAll(List.of(POLICY));
        return args;
    }

    private boolean aptGetWasCalled() {
        return Files.exists(aptGetCalls);
    }

    @Test
    void findsTheInstalledLibrariesEveryTimeAndNeverRunsAptGet() throws IOException {
        // A java that does nothing, so 300 runs test the launcher's own library check in seconds.
        Path javaRuns = dir.resolve("java-runs");
        stub("java", "echo run >>" + javaRuns);
        int runs = 300;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < runs && failures.size() < 5; i++) {
            Shell.Result result = launch(List.of(), List.of("BRIDGEWALL_CDS=0"), apply().toArray(String[]::new));
            if (!result.ok() || !result.stderr().isEmpty()) {
                failures.add("run " + i + ": exit " + result.exitCode() + ": " + result.stderr().strip());
            }
        }
        assertThat(failures).as("runs that did not go straight to java").isEmpty();
        assertThat(aptGetWasCalled()).as("apt-get was run").isFalse();
        assertThat(Files.readAllLines(javaRuns)).hasSize(runs);
    }

    /**
     * libnftnl removed (its file hidden in a private mount namespace that only this command
     * lives in): with the loader's cache still listing it, or with the cache gone as well.
     */
    @ParameterizedTest(name = "library file hidden, loader cache hidden too: {0}")
    @ValueSource(booleans = {false, true})
    void aMissingLibraryIsOneLineWithTheAptGetCommandAndNothingInstalled(boolean hideCache) throws IOException {
        String library = Shell.run("sh", "-c", "readlink -f $(ldconfig -p | awk '/libnftnl.so.11 / {print $NF; exit}')")
                .orThrow().stdout().strip();
        assertThat(library).as("libnftnl is installed here").isNotEmpty();
        Path emptyCache = Files.createFile(dir.resolve("ld.so.cache"));
        String before = NftRuleset.text(netns);
        String hide = "mount --bind /dev/null " + library
                + (hideCache ? " && mount --bind " + emptyCache + " /etc/ld.so.cache" : "") + " && exec \"$@\"";
        Shell.Result result = launch(List.of("unshare", "--mount", "sh", "-c", hide, "hide"), List.of(),
                apply().toArray(String[]::new));

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        assertThat(result.stderr().lines()).as("one line").hasSize(1);
        assertThat(result.stderr()).startsWith("bridgewall: ").contains("apt-get install libnftnl11");
        assertThat(aptGetWasCalled()).as("apt-get was run").isFalse();
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
    }

    // --- the class-data archive -------------------------------------------------------------

    private static Path target() {
        return Bridgewall.jar().getParent();
    }

    /** The class data next to the jar, AppCDS archives (.jsa) and AOT caches (.aot), with their sidecars and private files. */
    private static List<Path> archiveFiles() {
        try (Stream<Path> files = Files.list(target())) {
            return files.filter(f -> f.getFileName().toString().matches("bridgewall-jvm.*\\.(jsa|aot).*")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Path> privateFiles() {
        return archiveFiles().stream().filter(f -> f.toString().endsWith(".tmp") || f.toString().endsWith(".classlist")
                || f.toString().endsWith(".tmp.ok")).toList();
    }

    /** jffi's stub cached next to the jar, and the launcher's private directories for writing it. */
    private static List<Path> stubFiles() {
        try (Stream<Path> files = Files.walk(target(), 2)) {
            return files.filter(f -> f.toString().contains("bridgewall-jffi") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Path archive() {
        return archive(".jsa");
    }

    private static Path archive(String suffix) {
        return archiveFiles().stream().filter(f -> f.toString().endsWith(suffix)).findFirst()
                .orElseThrow(() -> new AssertionError("no archive next to the jar: " + archiveFiles()));
    }

    private static void removeArchives() throws IOException {
        for (Path file : archiveFiles()) {
            Files.deleteIfExists(file);
        }
        for (Path file : stubFiles()) {
            Files.deleteIfExists(file);
        }
    }

    /** The JVM maps the archive and accepts it. */
    private static boolean jvmAccepts(Path archive) {
        return Shell.run(Duration.ofSeconds(30), "java", "-Xshare:on", "-XX:SharedArchiveFile=" + archive,
                "-cp", Bridgewall.jar().toString(), "-version").ok();
    }

    private void assertInstalled(Shell.Result result) {
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(NftRuleset.text(netns)).contains("table inet bridgewall");
        assertThat(result.stdout() + result.stderr()).doesNotContain("fatal error", "hs_err", "SIGBUS");
        assertThat(crashReports()).as("crash reports in the working directory").isEqualTo(crashReportsBefore);
    }

    private static String crashReports() {
        return Shell.run("sh", "-c", "ls hs_err_pid* 2>/dev/null").stdout();
    }

    /** Runs an apply in a namespace of its own so the archive gets written (or checked) like on a fresh host. */
    private void applyOnce() {
        applyOnce(List.of());
    }

    private Shell.Result applyOnce(List<String> env) {
        try (Netns other = Netns.create("launcher-warm")) {
            List<String> args = new ArrayList<>(List.of("apply", "--netns", other.name()));
            args.addAll(List.of(POLICY));
            Shell.Result result = launch(List.of(), env, args.toArray(String[]::new));
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            return result;
        }
    }

    @Test
    void aTruncatedArchiveIsNeverUsedAndIsRebuilt() throws IOException {
        applyOnce();
        Path archive = archive();
        long size = Files.size(archive);
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.setLength(size / 2);
        }

        Shell.Result result = launch(List.of(), List.of(), apply().toArray(String[]::new));

        assertInstalled(result);
        assertThat(result.stderr()).isEmpty();
        assertThat(jvmAccepts(archive())).as("the archive in place now is whole").isTrue();
        // Not byte-for-byte the first one: that apply may have extracted jffi's stub itself (more classes).
        assertThat(Files.size(archive())).as("rebuilt, not the truncated one").isGreaterThan(size / 2);
        assertThat(privateFiles()).isEmpty();
    }

    @Test
    void aDamagedArchiveThatLooksWholeCrashesTheJvmOnceAndIsRemoved() throws IOException {
        applyOnce();
        Path archive = archive();
        Path sidecar = Path.of(archive + ".ok");
        // Damage the archive and make its sidecar agree, as if the damage happened after the check.
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.setLength(Files.size(archive) / 2);
        }
        Files.writeString(sidecar, Shell.run("stat", "-c", "%s %.9Y", archive.toString()).orThrow().stdout());

        Shell.Result result = launch(List.of(), List.of(), apply().toArray(String[]::new));

        assertInstalled(result);
        assertThat(result.stderr().lines()).as(result.stderr()).hasSize(1);
        assertThat(result.stderr()).contains("the JVM crashed").contains(archive.toString()).contains("removed, running without");
        assertThat(archive).doesNotExist();
        assertThat(sidecar).doesNotExist();
    }

    @ParameterizedTest(name = "signal {0}")
    @ValueSource(strings = {"TERM", "INT", "KILL"})
    void aLauncherKilledWhileWritingTheArchiveLeavesNothingBehind(String signal) throws Exception {
        removeArchives();
        List<String> command = new ArrayList<>(List.of("env", "PATH=" + stubs + ":" + System.getenv("PATH"),
                Bridgewall.launcher().toString()));
        command.addAll(apply());
        Path log = dir.resolve("launcher.log");
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<ProcessHandle> children;
        try {
            // The apply is done and the archive is being written once its .tmp file appears.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (privateFiles().stream().noneMatch(f -> f.toString().endsWith(".tmp")) && launcher.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            children = launcher.descendants().toList();
            assertThat(privateFiles()).as("the launcher started writing an archive: " + Files.readString(log)).isNotEmpty();
            Shell.run("kill", "-" + signal, Long.toString(launcher.pid())).orThrow();
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            launcher.destroyForcibly();
        }
        // A JVM still writing for a launcher that is gone finishes, as it would on a host.
        for (ProcessHandle child : children) {
            child.onExit().get(60, TimeUnit.SECONDS);
        }
        assertThat(NftRuleset.text(netns)).as("the apply itself was done").contains("table inet bridgewall");
        if (signal.equals("KILL")) {
            // Nothing runs in a process killed by SIGKILL: the next launcher that writes an archive cleans up.
            applyOnce();
        }
        assertThat(privateFiles()).as("files left next to the jar").isEmpty();
        assertThat(stubFiles()).as("private jffi directories left next to the jar")
                .noneMatch(f -> f.toString().contains("bridgewall-jffi."));
    }

    @Test
    void aSignalToTheLauncherReachesTheJvmAndTheDemoCleansUp() throws Exception {
        applyOnce(); // the archive is in place: the launcher runs the JVM as its child, not by exec
        assertThat(archive()).exists();
        Process launcher = new ProcessBuilder("env", "PATH=" + stubs + ":" + System.getenv("PATH"),
                Bridgewall.launcher().toString(), "demo").redirectErrorStream(true).start();
        List<String> namespaces = new ArrayList<>();
        List<ProcessHandle> jvms = List.of();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(launcher.getInputStream()))) {
            String line;
            do {
                line = out.readLine();
                if (line != null && line.startsWith("  network namespaces: ")) {
                    namespaces.addAll(List.of(line.substring("  network namespaces: ".length()).strip().split(" ")));
                }
            } while (line != null && !line.contains("containers 10.213.0.2"));
            // host, pub, lan, two docker0 containers and the compose network's web and db
            assertThat(namespaces).as("the demo built its lab").hasSize(7);
            jvms = launcher.descendants().toList();
            assertThat(jvms).as("the JVM runs as the launcher's child").isNotEmpty();
            // What `timeout` or systemd does: TERM to the launcher alone.
            Shell.run("kill", "-TERM", Long.toString(launcher.pid())).orThrow();
            assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (ProcessHandle jvm : jvms) {
                jvm.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the JVM did not stop with the launcher", e);
        } finally {
            launcher.destroyForcibly();
            jvms.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy); // the demo's hook cleans up
        }
        assertThat(launcher.exitValue()).isEqualTo(143);
        String left = Shell.run("ip", "netns", "list").orThrow().stdout();
        assertThat(namespaces).as("the demo's namespaces left behind").noneMatch(left::contains);
    }

    // --- Java 24+: the ahead-of-time cache, and jffi's stub cached next to the jar -----------

    private static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    /** Temurin 25, which this kind of machine has: required in CI, a loud skip elsewhere. */
    private static Path java25() {
        boolean present = Files.isExecutable(JAVA_25);
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(JAVA_25 + " is missing: CI machines have Temurin 25 for the launcher's AOT-cache tests");
        }
        if (!present) {
            System.err.println("*** SKIPPING the launcher's Java 25 test: " + JAVA_25 + " is not installed. ***");
        }
        Assumptions.assumeTrue(present, "needs " + JAVA_25);
        return JAVA_25;
    }

    private static List<String> onJava25(String... more) {
        List<String> env = new ArrayList<>(List.of("BRIDGEWALL_JAVA=" + java25()));
        env.addAll(List.of(more));
        return env;
    }

    /** What the JVM loaded from where: its own class and library log, not the launcher's word. */
    private Shell.Result applyLogging(List<String> env, Path log) {
        List<String> withLog = new ArrayList<>(env);
        withLog.add("BRIDGEWALL_JAVA_OPTS=-Xlog:class+load=info,library=info:file=" + log);
        return launch(List.of(), withLog, apply().toArray(String[]::new));
    }

    @Test
    void onJava25TheFirstApplyWritesAnAotCacheAndJffisStubThatLaterRunsLoadFrom() throws IOException {
        removeArchives();
        Shell.Result first = applyOnce(onJava25());
        assertThat(first.stderr()).as("no JVM warnings (native access, Unsafe) and no AOT messages").isEmpty();
        assertThat(first.stdout()).doesNotContain("AOTConfiguration", "AOTCache");
        Path cache = archive(".aot");
        assertThat(Path.of(cache + ".ok")).exists();
        assertThat(archiveFiles()).as("an AOT cache, no AppCDS archive").noneMatch(f -> f.toString().endsWith(".jsa"));
        Path stub = stubFiles().stream().filter(f -> f.toString().endsWith(".so")).findFirst()
                .orElseThrow(() -> new AssertionError("no jffi stub next to the jar: " + stubFiles()));

        Path log = dir.resolve("jvm.log");
        Shell.Result later = applyLogging(onJava25(), log);

        assertInstalled(later);
        assertThat(later.stderr()).isEmpty();
        String loaded = Files.readString(log);
        assertThat(loaded).as("bridgewall's classes come from the AOT cache")
                .contains("io.bridgewall.cli.Main source: shared objects file");
        // picocli as published (Java 5 class files) stayed out and cost 169 ms a start; compiled for 17 it is cached.
        assertThat(loaded.lines().filter(line -> line.contains(" picocli.")).toList())
                .as("picocli's classes come from the AOT cache too (picocli-java17)")
                .isNotEmpty().allMatch(line -> line.endsWith("source: shared objects file"));
        assertThat(loaded).as("jffi's stub is loaded from the cache directory, not extracted to a temporary file")
                .contains("Loaded library " + stub).doesNotContain("Loaded library /tmp/jffi");
    }

    @Test
    void aDamagedAotCacheThatLooksWholeCrashesTheJvmOnceAndIsRemoved() throws IOException {
        removeArchives();
        applyOnce(onJava25());
        Path cache = archive(".aot");
        Path sidecar = Path.of(cache + ".ok");
        // A truncated cache is refused by the JVM itself; garbage inside one that keeps its length is not.
        try (RandomAccessFile file = new RandomAccessFile(cache.toFile(), "rw")) {
            file.seek(file.length() / 2);
            file.write(new byte[1 << 20]);
        }
        Files.writeString(sidecar, Shell.run("stat", "-c", "%s %.9Y", cache.toString()).orThrow().stdout());

        Shell.Result result = launch(List.of(), onJava25(), apply().toArray(String[]::new));

        assertInstalled(result);
        assertThat(result.stderr().lines()).as(result.stderr()).hasSize(1);
        assertThat(result.stderr()).contains("the JVM crashed").contains(cache.toString()).contains("removed, running without");
        assertThat(cache).doesNotExist();
        assertThat(sidecar).doesNotExist();
        assertThat(stubFiles()).as("the jffi stub that was in use too").isEmpty();

        applyOnce(onJava25());
        assertThat(archive(".aot")).as("the next apply writes a new one").exists();
    }

    @Test
    void aJffiStubThatDoesNotMatchItsSidecarIsNeverLoadedAndIsRewritten() throws IOException {
        removeArchives();
        applyOnce();
        Path stub = stubFiles().stream().filter(f -> f.toString().endsWith(".so")).findFirst()
                .orElseThrow(() -> new AssertionError("no jffi stub next to the jar: " + stubFiles()));
        byte[] whole = Files.readAllBytes(stub);
        Files.write(stub, java.util.Arrays.copyOf(whole, whole.length / 2));

        Path log = dir.resolve("jvm.log");
        Shell.Result result = applyLogging(List.of(), log);

        assertInstalled(result);
        assertThat(result.stderr()).isEmpty();
        assertThat(Files.readString(log)).as("the damaged stub was not loaded").doesNotContain("Loaded library " + stub);
        assertThat(Files.readAllBytes(stub)).as("the apply wrote the whole stub again").isEqualTo(whole);
        assertThat(stubFiles()).as("no private files left").allMatch(f -> f.getParent().getFileName().toString()
                .equals("bridgewall-jffi"));
    }

    @Test
    void withACacheDirectoryItCannotWriteTheLauncherJustRuns() {
        // root may write into any existing directory: a cache directory that does not exist is
        // the one it cannot write (the package's /var/cache/bridgewall removed by hand).
        Path missing = dir.resolve("no-such-cache");
        Path installed = Bridgewall.launcher().getParent().resolve("packaging/bin/bridgewall");
        List<String> command = new ArrayList<>(List.of("env", "BRIDGEWALL_JAVA=" + java25(),
                "BRIDGEWALL_JAR=" + Bridgewall.jar(), "BRIDGEWALL_CACHE_DIR=" + missing, installed.toString()));
        command.addAll(apply());

        Shell.Result result = Shell.run(TIMEOUT, null, command);

        assertInstalled(result);
        assertThat(result.stderr()).isEmpty();
        assertThat(missing).doesNotExist();
    }

    @Test
    void aBridgewallJavaThatIsNotAProgramIsOneLine() {
        Shell.Result result = launch(List.of(), List.of("BRIDGEWALL_JAVA=" + dir.resolve("no-java")),
                apply().toArray(String[]::new));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr().lines()).hasSize(1);
        assertThat(result.stderr()).startsWith("bridgewall: BRIDGEWALL_JAVA=").contains("not a program");
    }
}
