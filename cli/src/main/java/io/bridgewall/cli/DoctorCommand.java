package io.bridgewall.cli;

import io.bridgewall.docker.DockerException;
import io.bridgewall.doctor.Diagnosis;
import io.bridgewall.doctor.Finding;
import io.bridgewall.doctor.HostFacts;
import io.bridgewall.doctor.HostFactsReader;
import io.bridgewall.kernel.BridgeNetfilter;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.view.DoctorView;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bridgewall doctor}: reads the host (facts), judges them ({@link Diagnosis}, pure), and
 * prints each finding with its fix. Changes nothing: the NAT probe is validated, never committed.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check this host (or --netns) for what stops bridgewall from working: Docker's own firewall and "
                + "its leftovers, IP forwarding, br_netfilter, the native libraries, NAT in nf_tables, other tables' "
                + "chains on the same hooks, whether our table equals the plan apply would make (same options), and "
                + "the systemd units. Each finding comes with its fix. Changes nothing. Exit 0 when healthy, 1 with "
                + "problems or warnings, 2 for bad input.",
        footerHeading = "%nExamples:%n",
        footer = {"  # Check this host, with the options apply would be given:",
            "  sudo bridgewall doctor",
            "  # A network namespace, for a script or monitoring:",
            "  sudo bridgewall doctor --netns lab --json | jq '.findings[] | select(.severity != \"info\")'",
            "  # Without Docker, for the bridges given:",
            "  sudo bridgewall doctor --no-docker --bridge docker0=172.17.0.0/16"})
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    OutputOptions output;

    @Mixin
    PolicyOptions policyOptions;

    @Mixin
    TargetOptions target;

    @Option(names = "--json", description = "Print the findings as one JSON document (format 1; README, "
            + "'Troubleshooting with doctor'); the exit code is the same.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // Bad input is refused (exit 2) before anything is read.
        policyOptions.checkOptions();
        Optional<String> netns = target.netns();
        Optional<RuleSet> planned = Optional.empty();
        String planProblem = "";
        boolean bridgeNetfilterNeeded = true; // the default policy contains every Docker bridge
        boolean ipv6Bridges = false;
        try {
            Policy policy = policyOptions.policy(netns);
            planned = Optional.of(Planner.plan(policy));
            bridgeNetfilterNeeded = BridgeNetfilter.reliedOnBy(policy);
            ipv6Bridges = policy.bridges().stream()
                    .anyMatch(bridge -> bridge.subnets().stream().anyMatch(s -> s.family() == IpFamily.IPV6));
        } catch (DockerException e) {
            planProblem = e.getMessage();
        }
        HostFacts facts = HostFactsReader.read(new HostFactsReader.Request(netns, policyOptions.dockerConfigPath(),
                planned, planProblem, Planner.TABLE, bridgeNetfilterNeeded, ipv6Bridges));
        List<Finding> findings = Diagnosis.findings(facts);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, DoctorView.of(netns, findings));
        } else {
            print(out, netns, findings);
        }
        return Diagnosis.healthy(findings) ? 0 : ErrorReporter.RUNTIME_FAILURE;
    }

    static void print(PrintWriter out, Optional<String> netns, List<Finding> findings) {
        for (Finding finding : findings) {
            // Each one line, whatever the kernel or a file put into a name.
            out.printf("%-8s %s%n", finding.severity().word(), TerminalText.escape(finding.what()));
            if (!finding.fix().isEmpty()) {
                out.printf("%-8s fix: %s%n", "", TerminalText.escape(finding.fix()));
            }
        }
        long problems = findings.stream().filter(f -> f.severity() == Finding.Severity.PROBLEM).count();
        long warnings = findings.stream().filter(f -> f.severity() == Finding.Severity.WARNING).count();
        String where = netns.map(n -> " (network namespace " + n + ")").orElse("");
        out.println(problems + warnings == 0 ? "healthy" + where + ": no problems, no warnings"
                : problems + (problems == 1 ? " problem" : " problems") + ", " + warnings
                + (warnings == 1 ? " warning" : " warnings") + where + ": each fix is on the line below it");
        out.flush();
    }
}
