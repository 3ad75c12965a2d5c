package io.bridgewall.cli;

import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.InstalledListing;
import io.bridgewall.kernel.InstalledTable;
import io.bridgewall.kernel.ReadBack;
import io.bridgewall.plan.Planner;
import io.bridgewall.ruleset.Family;
import io.bridgewall.view.InstalledView;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Print what is installed now, read from the kernel over netlink, with counters. "
                + "Exit 3 when table inet bridgewall is not installed.",
        footerHeading = "%nExamples:%n",
        footer = {"  sudo bridgewall show",
            "  sudo bridgewall show --json | jq .drops",
            "  # Exit 0 when installed, 3 when not, nothing printed:",
            "  sudo bridgewall show -q",
            "  sudo bridgewall show --netns lab1"})
final class ShowCommand implements Callable<Integer> {
    /** Exit status when our table is not installed, so scripts can tell. */
    static final int NOT_INSTALLED = 3;

    @Mixin
    TargetOptions target;

    @Mixin
    OutputOptions output;

    @Option(names = "--json", description = "Print the table, counters and drops per reason as one JSON document "
            + "(README, 'JSON output'); exit 3 when not installed, as without it.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Firewall firewall = Firewall.open(target.netns())) {
            ReadBack readBack = firewall.installed(Planner.TABLE, Family.INET);
            if (json) {
                JsonOutput.print(out, InstalledView.of(Planner.TABLE, Family.INET, readBack));
                return readBack.table().isEmpty() ? NOT_INSTALLED : 0;
            }
            if (readBack.table().isEmpty()) {
                out.println("# table inet " + Planner.TABLE + " is not installed (generation " + readBack.generation() + ")");
                out.flush();
                return NOT_INSTALLED;
            }
            InstalledTable installed = readBack.table().get();
            out.println("# read from the kernel, generation " + readBack.generation());
            if (!installed.foreign().isEmpty()) {
                out.println("# " + installed.foreign().size() + " thing(s) in this table were not made by bridgewall "
                        + "(marked below); the next 'bridgewall apply' replaces the table");
            }
            out.print(InstalledListing.of(installed));
        }
        out.flush();
        return 0;
    }
}
