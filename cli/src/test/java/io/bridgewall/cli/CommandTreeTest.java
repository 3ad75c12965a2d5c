package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * A start builds only the command its first word names (Main.commandLineFor): the same command,
 * with the same settings, as the whole tree holds; anything else gets the whole tree.
 */
class CommandTreeTest {
    static Stream<String> commands() {
        return Main.commandLine().getSubcommands().keySet().stream().filter(name -> !name.equals("help"));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void theCommandThatRunsIsBuiltAloneAndAsTheWholeTreeHasIt(String name) throws Exception {
        CommandLine whole = Main.commandLine();
        CommandLine alone = Main.commandLineFor(name, "--no-such-option");

        assertThat(alone.getSubcommands().keySet()).containsExactly(name);
        CommandLine built = alone.getSubcommands().get(name);
        CommandLine inTree = whole.getSubcommands().get(name);
        assertThat(built.getCommandSpec().userObject()).isExactlyInstanceOf(inTree.getCommandSpec().userObject().getClass());
        assertThat(built.getCommandSpec().qualifiedName()).isEqualTo(inTree.getCommandSpec().qualifiedName());
        assertThat(built.getUsageMessage(CommandLine.Help.Ansi.OFF)).isEqualTo(inTree.getUsageMessage(CommandLine.Help.Ansi.OFF));
        assertThat(built.getCommandSpec().versionProvider().getVersion())
                .isEqualTo(inTree.getCommandSpec().versionProvider().getVersion());
        assertThat(alone.isExpandAtFiles()).as("@files are never read").isFalse();
        for (CommandLine[] pair : List.of(new CommandLine[] {alone, whole}, new CommandLine[] {built, inTree})) {
            assertThat(pair[0].isExpandAtFiles()).isEqualTo(pair[1].isExpandAtFiles());
            assertThat(pair[0].getExecutionStrategy()).isExactlyInstanceOf(pair[1].getExecutionStrategy().getClass());
            assertThat(pair[0].getExecutionExceptionHandler()).isInstanceOf(ErrorReporter.class);
            assertThat(pair[0].getParameterExceptionHandler()).isInstanceOf(ErrorReporter.class);
        }
    }

    @Test
    void aWordThatNamesNoCommandGetsTheWholeTree() {
        List<String> everyCommand = List.copyOf(Main.commandLine().getSubcommands().keySet());
        for (String[] args : List.of(new String[0], new String[] {"help", "apply"}, new String[] {"--help"},
                new String[] {"-V"}, new String[] {"aply"}, new String[] {"--no-docker", "apply"})) {
            assertThat(Main.commandLineFor(args).getSubcommands().keySet()).as(String.join(" ", args))
                    .containsExactlyElementsOf(everyCommand);
        }
        assertThat(everyCommand).contains("apply", "plan", "watch", "help");
    }
}
