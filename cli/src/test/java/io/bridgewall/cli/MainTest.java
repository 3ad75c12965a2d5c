package io.bridgewall.cli;

import static io.bridgewall.docker.FakeDockerd.response;
import static io.bridgewall.docker.FakeDockerd.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.docker.FakeDockerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a user meets it: exit codes, one-line errors, help and version. No root needed. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MainTest {
    /** What --version prints on the top-level command: every command prints the same. */
    private static final String VERSION = Cli.run("--version").stdout().strip();

    @TempDir
    Path dir;

    @Test
    void planPrintsTheTableAndExitsZero() {
        Cli cli = Cli.run("plan", "--no-docker", "--bridge", "docker0=172.17.0.0/16");

        assertThat(cli.exitCode()).as(cli.stderr()).isZero();
        assertThat(cli.stdout()).contains("table inet bridgewall {").contains("172.17.0.0/16");
        assertThat(cli.stderr()).isEmpty();
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        Cli cli = Cli.run("plan", "--no-docker", "--bridge", "docker0=172.17.0.0/33");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.errorLine()).startsWith("bridgewall: invalid input: ").contains("out of range");
        assertThat(cli.stdout()).isEmpty();
    }

    @Test
    void anUnknownOptionIsOneLineAndExitTwo() {
        Cli cli = Cli.run("plan", "--bridgee", "docker0=172.17.0.0/16");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.errorLine()).startsWith("bridgewall: Unknown option").endsWith("(see 'bridgewall help')");
    }

    @Test
    void dockerNotReachableIsOneLineAndExitOne() {
        Cli cli = Cli.run("plan", "--docker-host", "unix://" + dir.resolve("no-such.sock"), "--docker-timeout", "1");

        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.errorLine()).startsWith("bridgewall: ").contains("no-such.sock").doesNotContain("Exception");
    }

    @Test
    void withoutACommandItNamesEveryCommandThereIs() {
        Cli cli = Cli.run();

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.errorLine()).startsWith("bridgewall: missing command: one of ")
                .contains("apply", "plan", "show", "remove", "demo", "confirm", "help")
                .doesNotContain("rollback"); // the rollback agent's hidden command
        assertThat(Main.commandLine().getSubcommands().entrySet()).allSatisfy(command -> assertThat(cli.errorLine()
                .contains(command.getKey())).isNotEqualTo(command.getValue().getCommandSpec().usageMessage().hidden()));
    }

    @Test
    void helpIsACommand() {
        Cli cli = Cli.run("help");

        assertThat(cli.exitCode()).isZero();
        assertThat(cli.stdout()).contains("Usage: bridgewall").contains("apply").contains("demo");
        Cli helpApply = Cli.run("help", "apply");
        assertThat(helpApply.exitCode()).isZero();
        assertThat(helpApply.stdout()).contains("Usage: bridgewall apply").contains("--enable-br-netfilter");
    }

    static Stream<String> subcommandsWithVersion() {
        return Main.commandLine().getSubcommands().values().stream()
                .filter(sub -> sub.getCommandSpec().findOption("--version") != null)
                .map(sub -> sub.getCommandName());
    }

    @ParameterizedTest
    @MethodSource("subcommandsWithVersion")
    void everyCommandPrintsTheVersion(String command) {
        for (String flag : List.of("-V", "--version")) {
            Cli cli = Cli.run(command, flag);

            assertThat(cli.exitCode()).isZero();
            assertThat(cli.stdout().strip()).as(command + " " + flag).isEqualTo(VERSION);
        }
    }

    @Test
    void theTopLevelVersionToo() {
        assertThat(VERSION).startsWith("bridgewall ");
        assertThat(subcommandsWithVersion()).contains("apply", "plan", "show", "remove", "demo");
    }

    @Test
    void anAtFileIsAnArgumentLikeAnyOtherAndItsContentsAreNeverRead() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "--no-docker\ntop-secret-line\n");

        Cli plan = Cli.run("plan", "@" + secret);
        Cli show = Cli.run("show", "@" + secret);

        for (Cli cli : List.of(plan, show)) {
            assertThat(cli.exitCode()).isEqualTo(2);
            assertThat(cli.errorLine()).contains("@" + secret).doesNotContain("top-secret-line");
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anEndlessAtFileIsNotRead() {
        Cli cli = Cli.run("show", "@/dev/zero");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.errorLine()).contains("@/dev/zero");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u001b[2J\u001b[31m", "\u0007", "\r", "\n", "\u009b", "\u007f", "\u202e", "\u200b"})
    void controlCharactersInAFlagValueAreEscaped(String control) {
        Cli cli = Cli.run("plan", "--no-docker", "--bridge", "br" + control + "x=10.1.0.0/24");

        assertThat(cli.exitCode()).isEqualTo(2);
        String line = cli.errorLine();
        assertThat(line).contains("br" + TerminalText.escape(control) + "x");
        assertThat(line.codePoints()).noneMatch(TerminalText::isControl);
    }

    @Test
    void escapesAreReadable() {
        assertThat(TerminalText.escape("a\u001b[31mb\u0007c\rd\ne\u202ef\u009bg\u007fh"))
                .isEqualTo("a\\x1b[31mb\\x07c\\rd\\ne\\u202ef\\x9bg\\x7fh");
        assertThat(TerminalText.escape("docker0 Grüße 名前 \uD83D\uDE00")).isEqualTo("docker0 Grüße 名前 \uD83D\uDE00");
        assertThat(TerminalText.escape("\uDB40\uDC01 \uD800")).isEqualTo("\\U000e0001 \\ud800");
    }

    @Test
    void controlCharactersInADockerNetworkNameAreEscaped() throws Exception {
        String evil = "web\\u001b]0;owned\\u0007\\u001b[2J\\r\\u202e";
        String networks = "[{\"Name\":\"" + evil + "\",\"Id\":\"9c1b5e3d7a2f4b6c8d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e\","
                + "\"Driver\":\"bridge\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.1.0/33\"}]},"
                + "\"Options\":{\"com.docker.network.bridge.name\":\"br\\u001b[31m0\"}}]";
        try (FakeDockerd docker = FakeDockerd.start(dir, (request, out) -> {
            write(out, request.startsWith("GET /_ping") ? response(200, "Api-Version: 1.41\r\n", "OK")
                    : response(200, "Content-Type: application/json\r\n", networks));
            return true;
        })) {
            Cli cli = Cli.run("plan", "--docker-host", "unix://" + docker.endpoint().socket());

            assertThat(cli.exitCode()).as(cli.stderr()).isEqualTo(1);
            String line = cli.errorLine();
            assertThat(line).contains("\\x1b");
            assertThat(line.codePoints()).noneMatch(TerminalText::isControl);
        }
    }

    @Test
    void stdoutCarriesNoControlCharactersEither() {
        Cli cli = Cli.run("plan", "--no-docker", "--bridge", "docker0=172.17.0.0/16");

        assertThat(cli.stdout().codePoints()).allSatisfy(c -> assertThat(c == '\n' || c == '\t' || !TerminalText.isControl(c))
                .as("U+%04X", c).isTrue());
    }
}
