package io.bridgewall.cli;

import io.bridgewall.kernel.Firewall;
import io.bridgewall.plan.Planner;
import io.bridgewall.ruleset.Family;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Delete table inet bridgewall atomically. Nothing else is touched.",
        footerHeading = "%nExamples:%n",
        footer = {"  sudo bridgewall remove",
            "  sudo bridgewall remove --netns lab1",
            "  # Only errors (exit 0 also when nothing was installed):",
            "  sudo bridgewall remove -q"})
final class RemoveCommand implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Firewall firewall = Firewall.open(target.netns())) {
            boolean removed = firewall.remove(Planner.TABLE, Family.INET);
            spec.commandLine().getOut().println(removed ? "removed table inet " + Planner.TABLE
                    : "table inet " + Planner.TABLE + " was not installed; nothing to do");
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
