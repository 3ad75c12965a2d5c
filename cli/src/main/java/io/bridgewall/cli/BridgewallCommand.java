package io.bridgewall.cli;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The whole command tree: the top level ({@link TopLevelCommand}, whose attributes picocli
 * inherits) with every command under it, in the order help lists them. What help, the shell
 * completion and the man pages are made from (packaging names this class).
 */
@Command(subcommands = {ApplyCommand.class, WatchCommand.class, PlanCommand.class, ShowCommand.class, RemoveCommand.class,
        DemoCommand.class, DoctorCommand.class, ConfirmCommand.class, RollbackCommand.class, CommandLine.HelpCommand.class})
final class BridgewallCommand extends TopLevelCommand {
    /**
     * The command class named {@code word} (its name or an alias), read from the annotations
     * above and the commands' own, so nothing repeats them; empty for anything else and for
     * {@code help}, which needs the whole tree to describe it.
     */
    static Optional<Class<?>> command(String word) {
        for (Class<?> command : BridgewallCommand.class.getAnnotation(Command.class).subcommands()) {
            Command annotation = command.getAnnotation(Command.class);
            if (command != CommandLine.HelpCommand.class
                    && Stream.concat(Stream.of(annotation.name()), Stream.of(annotation.aliases())).anyMatch(word::equals)) {
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }

    /** Every command class, help's included. */
    static List<Class<?>> commands() {
        return List.of(BridgewallCommand.class.getAnnotation(Command.class).subcommands());
    }
}
