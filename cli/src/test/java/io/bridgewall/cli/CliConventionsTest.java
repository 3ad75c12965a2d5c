package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The conventions every command keeps (issue 13): help with examples that parse, --version with
 * the commit and the libraries, -q and -v, colour only on a terminal and never with NO_COLOR,
 * errors on stderr and results on stdout. Through {@link Main#run}, no root needed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CliConventionsTest {
    private static final String[] PLAN = {"plan", "--no-docker", "--no-config", "--bridge", "docker0=172.17.0.0/16"};
    /** A plan that warns: an exception for a network that does not exist (yet). */
    private static final String[] PLAN_THAT_WARNS = {"plan", "--no-docker", "--no-config", "--bridge",
        "docker0=172.17.0.0/16", "--allow", "backend=10.0.0.5:5432/tcp"};
    private static final Environment TERMINAL = new Environment(Map.of("TERM", "xterm-256color"), true, true);
    private static final Environment TERMINAL_NO_COLOR = new Environment(Map.of("TERM", "xterm", "NO_COLOR", "1"), true, true);
    private static final Environment PIPES = new Environment(Map.of("TERM", "xterm"), false, false);
    private static final String ESC = "\u001b";

    /** Every command a user can type, and the top level (""). */
    static Stream<String> commands() {
        return Stream.concat(Stream.of(""), Main.commandLine().getSubcommands().values().stream()
                .filter(sub -> !sub.getCommandSpec().usageMessage().hidden())
                .map(CommandLine::getCommandName));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandsHelpEndsWithExamplesThatParse(String command) {
        Cli cli = Cli.run(args(command, "--help"));

        assertThat(cli.exitCode()).isZero();
        assertThat(cli.stderr()).isEmpty();
        List<String> examples = examples(cli.stdout());
        assertThat(examples).as("examples in:%n%s", cli.stdout()).hasSizeBetween(2, 8);
        for (String example : examples) {
            // Each is a command line picocli accepts as it stands: no option misspelt or gone.
            String[] arguments = exampleArguments(example);
            assertThat(arguments).as(example).isNotEmpty();
            CommandLine commandLine = Main.commandLine();
            commandLine.parseArgs(arguments);
        }
        assertThat(cli.stdout().lines()).as("help fits 80 columns").allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(80));
    }

    @Test
    void topLevelHelpListsEveryCommandThatCanBeTyped() {
        String help = Cli.run("--help").stdout();

        commands().filter(command -> !command.isEmpty())
                .forEach(command -> assertThat(help).containsPattern("(?m)^  " + command + " "));
        assertThat(help).doesNotContainPattern("(?m)^  rollback ");
    }

    @Test
    void applyAndPlanNameNoDockerAndNoInputInTheirFirstLines() {
        for (String command : List.of("apply", "plan")) {
            List<String> lines = Cli.run(command, "--help").stdout().lines().toList();
            int usageEnd = lines.indexOf(lines.stream().filter(line -> !line.startsWith("Usage:") && !line.startsWith(" ")).findFirst().orElseThrow());
            String description = String.join(" ", lines.subList(usageEnd, usageEnd + 6));

            assertThat(description).as(command).contains("--no-docker").contains("--no-input");
        }
    }

    @Test
    void versionNamesTheCommitTheRuntimeAndTheLibrariesFound() {
        Cli cli = Cli.run("--version");

        assertThat(cli.exitCode()).isZero();
        List<String> lines = cli.stdout().lines().toList();
        assertThat(lines.get(0)).matches("bridgewall \\S+ \\(commit ([0-9a-f]{7,40}|unknown)\\)");
        assertThat(lines.get(0)).doesNotContain("${");
        assertThat(lines).anyMatch(line -> line.startsWith("java: 1") || line.startsWith("java: 2"));
        String libnftnl = lines.stream().filter(line -> line.startsWith("libnftnl: ")).findFirst().orElseThrow();
        String libmnl = lines.stream().filter(line -> line.startsWith("libmnl: ")).findFirst().orElseThrow();
        // The file the soname resolves to, with its full version, or plainly "not found".
        assertThat(libnftnl).matches("libnftnl: (libnftnl\\.so\\.11\\.[0-9.]+ \\(/\\S+\\)|not found)");
        assertThat(libmnl).matches("libmnl: (libmnl\\.so\\.0\\.[0-9.]+ \\(/\\S+\\)|not found)");
    }

    @Test
    void theBuildWroteTheCommitIntoTheJar() throws Exception {
        // The commit git names for this checkout (cli/pom.xml, build-info), also when root builds a
        // checkout it does not own (sudo .ci/run on a CI runner); "unknown" only without git.
        Process git = new ProcessBuilder("git", "-c", "safe.directory=*", "rev-parse", "--short", "HEAD")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String head = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        boolean fromGit = git.waitFor() == 0 && !head.isEmpty();

        assertThat(VersionProvider.buildInfo().getProperty("commit")).isEqualTo(fromGit ? head : "unknown");
        assertThat(VersionProvider.buildInfo().getProperty("version")).isNotBlank().doesNotContain("${");
    }

    @Test
    void aMissingLibraryIsNotFoundNotAFailure() {
        assertThat(SharedLibraryFile.find("libbridgewall-no-such-library.so.7")).isEmpty();
        assertThat(SharedLibraryFile.describe("libbridgewall-no-such-library.so.7")).isEqualTo("not found");
    }

    @Test
    void theLinkerCacheListingIsReadForTheSonameOnly() {
        String listing = """
                1234 libs found in cache `/etc/ld.so.cache'
                \tlibnftnl.so.11 (libc6,x86-64) => /lib/x86_64-linux-gnu/libnftnl.so.11
                \tlibnftnl.so.110 (libc6,x86-64) => /lib/x86_64-linux-gnu/libnftnl.so.110
                \tlibnftnl.so (libc6,x86-64) => /lib/x86_64-linux-gnu/libnftnl.so
                \tlibmnl.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libmnl.so.0
                """;

        assertThat(SharedLibraryFile.parseCache(listing, "libnftnl.so.11"))
                .containsExactly(Path.of("/lib/x86_64-linux-gnu/libnftnl.so.11"));
    }

    @Test
    void quietPrintsNothingOnStdoutButErrorsStillGoToStderr() {
        Cli quiet = Cli.run(args("plan", "-q", PLAN));
        Cli warned = Cli.run(args("plan", "--quiet", PLAN_THAT_WARNS));
        Cli bad = Cli.run("plan", "-q", "--no-docker", "--no-config", "--bridge", "docker0=172.17.0.0/33");

        assertThat(Cli.run(PLAN).stdout()).contains("table inet bridgewall");
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.stdout()).isEmpty();
        assertThat(quiet.stderr()).isEmpty();
        assertThat(warned.stdout()).isEmpty();
        assertThat(warned.errorLine()).startsWith("bridgewall: warning: network 'backend'");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stdout()).isEmpty();
        assertThat(bad.errorLine()).startsWith("bridgewall: invalid input: ");
    }

    @Test
    void quietAndVerboseAreOnEveryCommandThatReportsAndExcludeEachOther() {
        for (String command : List.of("apply", "watch", "plan", "show", "remove", "confirm")) {
            CommandLine.Model.CommandSpec spec = Main.commandLine().getSubcommands().get(command).getCommandSpec();
            assertThat(spec.findOption("-q")).as(command).isNotNull();
            assertThat(spec.findOption("--verbose")).as(command).isNotNull();
        }
        Cli both = Cli.run(args("plan", "-q", "-v", PLAN));

        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errorLine()).contains("-q/--quiet and -v/--verbose exclude each other");
        assertThat(both.stdout()).isEmpty();
    }

    @Test
    void verboseAddsTimingsOnStderrAndLeavesStdoutAsItWas() {
        Cli plain = Cli.run(PLAN);
        Cli verbose = Cli.run(args("plan", "--verbose", PLAN));
        Cli after = Cli.run(PLAN);

        assertThat(verbose.exitCode()).isZero();
        assertThat(verbose.stdout()).isEqualTo(plain.stdout());
        assertThat(verbose.errorLines()).isNotEmpty()
                .allSatisfy(line -> assertThat(line).matches("bridgewall timing: .* ms"));
        assertThat(after.stderr()).as("timing ends with the command that asked for it").isEmpty();
    }

    @Test
    void warningsAreYellowOnATerminal() {
        Cli cli = Cli.run(TERMINAL, PLAN_THAT_WARNS);

        assertThat(cli.exitCode()).isZero();
        assertThat(cli.errorLine()).startsWith(ESC + "[33mbridgewall: warning: ").endsWith(ESC + "[0m");
        // Nothing on stdout is coloured by plan: its output is for nft -f.
        assertThat(cli.stdout()).doesNotContain(ESC);
    }

    @Test
    void noColourWithNoColorSetOrWithoutATerminal() {
        Environment emptyNoColor = new Environment(Map.of("TERM", "xterm", "NO_COLOR", ""), true, true);
        Environment dumb = new Environment(Map.of("TERM", "dumb"), true, true);
        for (Environment environment : List.of(TERMINAL_NO_COLOR, PIPES, dumb)) {
            Cli cli = Cli.run(environment, PLAN_THAT_WARNS);

            assertThat(cli.exitCode()).isZero();
            assertThat(cli.stdout() + cli.stderr()).as(environment.toString()).doesNotContain(ESC);
            assertThat(cli.errorLine()).startsWith("bridgewall: warning: ");
        }
        // no-color.org: NO_COLOR set to the empty string does not count.
        assertThat(Cli.run(emptyNoColor, PLAN_THAT_WARNS).stderr()).contains(ESC + "[33m");
        assertThat(TERMINAL.colourOn(false)).isFalse();
    }

    @Test
    void colourIsAddedAfterEscapingSoTextCannotBringItsOwn() {
        StringWriter terminal = new StringWriter();
        PrintWriter out = TerminalText.escaping(new ColouredLines(terminal, ColouredLines.RESULTS), "\n\t");

        out.println("verified: docker0 \u001b[31mred\u001b]0;title\u0007");
        out.println("installed table inet bridgewall");
        out.print("verified: ");
        out.flush();
        out.println("in two writes");
        out.flush();

        assertThat(terminal.toString()).isEqualTo(ESC + "[32mverified: docker0 \\x1b[31mred\\x1b]0;title\\x07" + ESC + "[0m\n"
                + "installed table inet bridgewall\n"
                + ESC + "[32mverified: in two writes" + ESC + "[0m\n");
    }

    @Test
    void errorsGoToStderrAndNeverToStdout() {
        for (String[] bad : List.of(
                new String[] {"plan", "--no-docker", "--no-config", "--bridge", "docker0=172.17.0.0/33"},
                new String[] {"apply", "--isolation", "sometimes"},
                new String[] {"show", "--netns", "bad/name"},
                new String[] {"remove", "--no-such-option"},
                new String[] {"confirm", "extra"},
                new String[] {"no-such-command"})) {
            Cli cli = Cli.run(TERMINAL, bad);

            assertThat(cli.exitCode()).as(String.join(" ", bad)).isNotZero();
            assertThat(cli.stdout()).as(String.join(" ", bad)).isEmpty();
            assertThat(cli.errorLine()).startsWith("bridgewall: ").doesNotContain(ESC);
        }
    }

    private static String[] args(String first, String... rest) {
        List<String> all = new ArrayList<>();
        if (!first.isEmpty()) {
            all.add(first);
        }
        all.addAll(Arrays.asList(rest));
        return all.toArray(String[]::new);
    }

    private static String[] args(String command, String flag, String[] commandLine) {
        // commandLine starts with the command itself: the flag goes right after it.
        List<String> all = new ArrayList<>(Arrays.asList(commandLine));
        assertThat(all.get(0)).isEqualTo(command);
        all.add(1, flag);
        return all.toArray(String[]::new);
    }

    private static String[] args(String command, String flag1, String flag2, String[] commandLine) {
        return args(command, flag1, args(command, flag2, commandLine));
    }

    /** The command lines under "Examples:", continuation lines joined, comments left out. */
    private static List<String> examples(String help) {
        List<String> lines = help.lines().toList();
        int start = lines.indexOf("Examples:");
        assertThat(start).as("an Examples: section in%n%s", help).isNotNegative();
        List<String> examples = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : lines.subList(start + 1, lines.size())) {
            String text = line.strip();
            if (!line.startsWith("  ") || text.startsWith("#")) {
                if (line.isBlank()) {
                    break;
                }
                continue;
            }
            pending.append(text);
            if (text.endsWith("\\")) {
                pending.setLength(pending.length() - 1);
                continue;
            }
            examples.add(pending.toString().strip());
            pending.setLength(0);
        }
        return examples;
    }

    /** An example's arguments to bridgewall: sudo, ./ and what follows a pipe or comment left out. */
    private static String[] exampleArguments(String example) {
        String command = example.replaceFirst("\\s+(#|\\||&&|;).*$", "");
        List<String> words = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
        if (words.get(0).equals("sudo")) {
            words.remove(0);
        }
        assertThat(words.get(0)).as(example).isIn("bridgewall", "./bridgewall");
        return words.subList(1, words.size()).toArray(String[]::new);
    }
}
