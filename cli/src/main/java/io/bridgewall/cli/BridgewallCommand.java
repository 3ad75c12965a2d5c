package io.bridgewall.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "bridgewall",
        mixinStandardHelpOptions = true,
        version = "bridgewall 0.1.0",
        description = "Atomic nftables firewall for Docker hosts: containers may leave the host, masqueraded, "
                + "but never reach private or link-local addresses, nor other networks' containers.",
        subcommands = {ApplyCommand.class, WatchCommand.class, PlanCommand.class, ShowCommand.class, RemoveCommand.class, DemoCommand.class,
                DoctorCommand.class,
                ConfirmCommand.class, RollbackCommand.class,
                CommandLine.HelpCommand.class})
final class BridgewallCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        // The hidden ones (the rollback agent's) are not for typing.
        String names = String.join(", ", spec.subcommands().entrySet().stream()
                .filter(command -> !command.getValue().getCommandSpec().usageMessage().hidden())
                .map(java.util.Map.Entry::getKey).toList());
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: one of " + names);
    }
}
