package io.bridgewall.cli;

import picocli.CommandLine.Command;

@Command(name = "bridgewall",
        mixinStandardHelpOptions = true,
        version = "bridgewall 0.1.0",
        description = "Atomic nftables firewall for Docker hosts: containers may leave the host, masqueraded, "
                + "but never reach private, link-local or each other's addresses.",
        subcommands = {ApplyCommand.class, PlanCommand.class, ShowCommand.class, RemoveCommand.class, DemoCommand.class})
final class BridgewallCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: apply, plan, show or remove");
    }
}
