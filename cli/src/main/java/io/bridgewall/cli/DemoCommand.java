package io.bridgewall.cli;

import io.bridgewall.cli.demo.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Build a throwaway lab of network namespaces (two containers on a bridge, a public host, "
                + "a LAN host with the cloud metadata address), apply the default policy there, probe it with real "
                + "TCP connections before and after, print the table and remove everything. Needs root, not Docker. "
                + "Never touches this machine's own network.",
        footerHeading = "%nExamples:%n",
        footer = {"  sudo bridgewall demo",
            "  # From a source checkout (builds the jar first):",
            "  sudo ./bridgewall demo"})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Demo.run(spec.commandLine().getOut()) == 0 ? 0 : ErrorReporter.RUNTIME_FAILURE;
    }
}
