package io.bridgewall.cli;

import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.KernelReader;
import io.bridgewall.plan.Planner;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.NftSyntax;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Print what is installed now, read from the kernel over netlink, with counters.")
final class ShowCommand implements Callable<Integer> {
    /** Exit status when our table is not installed, so scripts can tell. */
    static final int NOT_INSTALLED = 3;

    @Mixin
    TargetOptions target;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Firewall firewall = Firewall.open(target.netns())) {
            Optional<KernelReader.Installed> installed = firewall.installed(Planner.TABLE, Family.INET);
            if (installed.isEmpty()) {
                out.println("# table inet " + Planner.TABLE + " is not installed");
                out.flush();
                return NOT_INSTALLED;
            }
            out.println("# read from the kernel, generation " + firewall.generation());
            installed.get().unexpected().forEach(line -> out.println("# not made by bridgewall: " + line));
            out.print(NftSyntax.listing(installed.get().ruleSet()));
        }
        out.flush();
        return 0;
    }
}
