package io.bridgewall.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top level of the command tree on its own: its name, help, version and examples, without
 * the commands under it. {@link BridgewallCommand} adds all of them; {@link Main#commandLineFor}
 * adds only the one that runs.
 */
@Command(name = "bridgewall",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Atomic nftables firewall for Docker hosts: containers may leave the host, masqueraded, "
                + "but never reach private or link-local addresses, nor other networks' containers.",
        footerHeading = "%nExamples:%n",
        footer = {"  # What apply would commit (needs no root):",
            "  bridgewall plan --no-docker --bridge docker0=172.17.0.0/16",
            "  # Check, commit with a rollback window, keep:",
            "  sudo bridgewall apply --check",
            "  sudo bridgewall apply --confirm 60",
            "  sudo bridgewall confirm",
            "  bridgewall help apply",
            "",
            "Exit codes: 0 success, 1 failure at run time, 2 bad input (nothing changed),",
            "3 'show' found nothing installed. Colour only on a terminal, never with NO_COLOR."})
class TopLevelCommand implements Runnable {
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
