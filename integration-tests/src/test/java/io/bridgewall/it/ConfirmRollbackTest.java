package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `apply --confirm`: without `confirm` the previous ruleset is back after the deadline, byte for
 * byte as `nft list ruleset` showed it, in one transaction; with `confirm` in time the new one
 * stays; a SIGKILLed apply does not stop the rollback; a later apply by someone else is not
 * rolled over. Each test in a namespace of its own, with a foreign table the rollback must not
 * touch and the rollback's files in a directory of its own.
 */
class ConfirmRollbackTest {
    /** The rollback runs a JVM at the deadline; on a loaded machine it may take a while. */
    private static final Duration ROLLBACK_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path runDir;

    private Netns netns;

    @BeforeEach
    void namespaceWithABridgeAndAForeignTable() {
        Root.require();
        netns = Netns.create("confirm");
        netns.exec("ip", "link", "add", "docker0", "type", "bridge").orThrow();
        netns.exec("nft", "add", "table", "ip", "someone_else").orThrow();
        netns.exec("nft", "add", "chain", "ip", "someone_else", "input", "{ type filter hook input priority 10; }").orThrow();
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    void withoutConfirmThePreviousBridgewallTableIsBackByteForByteInOneTransaction() {
        apply("--allow-port", "2222/tcp", "--allow-port", "53/udp", "--bridge", "docker0=172.17.0.0/16").orThrow();
        String before = NftRuleset.text(netns);

        Shell.Result confirmed = apply("--confirm", "3");
        assertThat(confirmed.exitCode()).as(confirmed.stderr()).isZero();
        assertThat(confirmed.stdout()).contains("confirm within 3 s with `bridgewall confirm --netns " + netns.name()
                + "`, or the previous ruleset comes back");
        assertThat(NftRuleset.text(netns)).as("the new policy is in force first").isNotEqualTo(before);

        int generations;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            awaitRuleset(before);
            awaitOutcome("rolled back");
            generations = monitor.generationsSinceStart();
        }
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
        assertThat(generations).as("the rollback is one transaction").isEqualTo(1);
        assertThat(Files.exists(stateFile())).as("no rollback left pending").isFalse();
    }

    @Test
    void withoutConfirmAndNoBridgewallTableBeforeTheTableIsGoneAgain() {
        String before = NftRuleset.text(netns);
        assertThat(before).doesNotContain("bridgewall");

        Shell.Result confirmed = apply("--confirm", "3");
        assertThat(confirmed.exitCode()).as(confirmed.stderr()).isZero();
        assertThat(confirmed.stdout()).contains("no table inet bridgewall");
        assertThat(NftRuleset.text(netns)).contains("table inet bridgewall");

        awaitRuleset(before);
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
        assertThat(awaitOutcome("rolled back")).contains("there was none");
    }

    @Test
    void confirmInTimeKeepsTheNewRulesetPastTheDeadline() {
        apply("--allow-port", "2222/tcp").orThrow();
        // Long enough for a second JVM to start on a loaded machine; the deadline is waited out below.
        Shell.Result applied = apply("--confirm", "10");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String after = NftRuleset.text(netns);

        Shell.Result confirm = bridgewall(List.of("confirm", "--netns", netns.name()));
        assertThat(confirm.exitCode()).as(confirm.stderr()).isZero();
        assertThat(confirm.stdout()).startsWith("confirmed: table inet bridgewall (").contains("stays")
                .contains("is cancelled");

        Shell.sleep(Math.max(0, (deadline - System.nanoTime()) / 1_000_000) + 3000);
        assertThat(NftRuleset.text(netns)).as("past the deadline").isEqualTo(after);
        assertThat(Files.exists(stateFile())).isFalse();

        Shell.Result again = bridgewall(List.of("confirm", "--netns", netns.name()));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr().strip()).doesNotContain("\n").contains("no rollback is pending")
                .contains("the last one: confirmed");
    }

    @Test
    void theRollbackStillHappensWhenApplyAndItsProcessGroupAreKilledRightAfterItsCommit() throws Exception {
        apply("--allow-port", "2222/tcp").orThrow();
        String before = NftRuleset.text(netns);

        // A process group of its own, like a login shell's job: killing the group takes everything apply started with it.
        List<String> command = new ArrayList<>(List.of("setsid", "java", "-jar", Bridgewall.jar().toString(), "apply", "--no-docker",
                "--netns", netns.name(), "--confirm", "3"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(runDir.resolve("apply.out").toFile());
        builder.environment().put("BRIDGEWALL_RUN_DIR", runDir.toString());
        builder.environment().put("BRIDGEWALL_TEST_PAUSE_AFTER_COMMIT", "60");
        Process apply = builder.start();
        try {
            // The commit is visible in the kernel; apply now sits in its pause, before it has said anything.
            await(() -> !NftRuleset.text(netns).equals(before), Duration.ofSeconds(60), "apply's commit");
            assertThat(apply.isAlive()).as("apply is paused after its commit").isTrue();
            Shell.run("kill", "-KILL", "--", "-" + apply.pid()).orThrow();
            assertThat(apply.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(apply.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        } finally {
            apply.destroyForcibly();
        }

        awaitRuleset(before);
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
        awaitOutcome("rolled back");
    }

    @Test
    void aLaterApplyBySomeoneElseIsNotRolledOverAndTheOutcomeSaysSo() {
        apply("--allow-port", "2222/tcp").orThrow();
        Shell.Result confirmed = apply("--confirm", "8");
        assertThat(confirmed.exitCode()).as(confirmed.stderr()).isZero();

        Shell.Result later = apply("--allow-port", "8080/tcp");
        assertThat(later.exitCode()).as(later.stderr()).isZero();
        assertThat(later.stderr()).contains("a rollback is pending");
        String afterLater = NftRuleset.text(netns);

        assertThat(awaitOutcome("NOT rolled back")).contains("someone changed it after the apply");
        assertThat(NftRuleset.text(netns)).isEqualTo(afterLater);
    }

    @Test
    void aSecondConfirmApplyKeepsTheStateFromBeforeTheFirst() {
        apply("--allow-port", "2222/tcp").orThrow();
        String knownGood = NftRuleset.text(netns);
        apply("--confirm", "30", "--allow-port", "8080/tcp").orThrow();

        Shell.Result second = apply("--confirm", "3");
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(second.stderr()).contains("a rollback was pending").contains("before the first unconfirmed apply");

        awaitRuleset(knownGood);
        assertThat(NftRuleset.text(netns)).isEqualTo(knownGood);
        awaitOutcome("rolled back");
    }

    @Test
    void aDamagedStateFileIsRefusedWithOneLineAndNothingChanges() throws IOException {
        apply("--allow-port", "2222/tcp").orThrow();
        apply("--confirm", "30").orThrow();
        String before = NftRuleset.text(netns);
        // Someone turns the restore into a message for another table: the file is checked before anything is sent.
        List<String> lines = new ArrayList<>(Files.readAllLines(stateFile()));
        int last = lines.size() - 1;
        lines.set(last, lines.get(last).replace(hex("bridgewall"), hex("someone_el")));
        Files.write(stateFile(), lines);

        Shell.Result confirm = bridgewall(List.of("confirm", "--netns", netns.name()));
        assertThat(confirm.exitCode()).isEqualTo(1);
        assertThat(confirm.stderr().strip()).doesNotContain("\n").contains("cannot be used").contains("delete that file");
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
    }

    @Test
    void aTableWithThingsOfSomeoneElsesIsRefusedSinceARollbackCouldNotBringThemBack() {
        apply("--allow-port", "2222/tcp").orThrow();
        netns.exec("nft", "add", "chain", "inet", "bridgewall", "someone_elses").orThrow();
        String before = NftRuleset.text(netns);

        Shell.Result result;
        int generations;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            result = apply("--confirm", "3");
            generations = monitor.generationsSinceStart();
        }
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        assertThat(result.stderr().strip()).doesNotContain("\n").contains("did not make").contains("someone_elses")
                .contains("nothing was applied");
        assertThat(generations).as("transactions committed").isZero();
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
        assertThat(Files.exists(stateFile())).isFalse();
    }

    private static String hex(String text) {
        return java.util.HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private Shell.Result apply(String... options) {
        List<String> args = new ArrayList<>(List.of("apply", "--no-docker", "--netns", netns.name()));
        args.addAll(List.of(options));
        if (args.stream().noneMatch(a -> a.startsWith("--bridge"))) {
            args.addAll(List.of("--bridge", "docker0=172.17.0.0/16"));
        }
        return bridgewall(args);
    }

    private Shell.Result bridgewall(List<String> args) {
        return Bridgewall.run(List.of("env", "BRIDGEWALL_RUN_DIR=" + runDir), args);
    }

    private Path stateFile() {
        return runDir.resolve("confirm-netns-" + netns.name() + ".state");
    }

    private void awaitRuleset(String expected) {
        await(() -> NftRuleset.text(netns).equals(expected), ROLLBACK_TIMEOUT, "the previous ruleset");
    }

    /** The last rollback's outcome line, once it starts with {@code prefix}. */
    private String awaitOutcome(String prefix) {
        Path outcome = runDir.resolve("confirm-netns-" + netns.name() + ".last");
        await(() -> read(outcome).startsWith(prefix), ROLLBACK_TIMEOUT, "an outcome starting '" + prefix + "'");
        return read(outcome);
    }

    private String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within " + timeout.toSeconds() + " s: " + what + "; ruleset now:\n"
                        + NftRuleset.text(netns) + "\nrollback log: " + read(runDir.resolve("confirm-netns-" + netns.name() + ".log")));
            }
            Shell.sleep(100);
        }
    }
}
