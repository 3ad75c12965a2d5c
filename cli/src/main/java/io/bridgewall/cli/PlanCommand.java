package io.bridgewall.cli;

import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Allowance;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.DnsResolver;
import io.bridgewall.policy.Containment;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.PublishedPort;
import io.bridgewall.policy.PublishedPorts;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.view.PlanView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Print, in nft syntax, exactly what 'apply' would commit. Touches nothing; "
                + "'nft -f' of the output commits the same transaction.",
            "Without Docker (--no-docker: only the --bridge networks) or without the host's own input "
                + "(--no-input: hosts with their own firewall). Needs no root, only the Docker socket."},
        footerHeading = "%nExamples:%n",
        footer = {"  # What apply would commit, from Docker's networks:",
            "  bridgewall plan",
            "  # Without Docker, for one bridge:",
            "  bridgewall plan --no-docker --bridge docker0=172.17.0.0/16",
            "  # For scripts:",
            "  bridgewall plan --json | jq .ruleset",
            "  # Check a config file: exit 0 when valid, 2 with the reason when not:",
            "  bridgewall plan -q --no-docker --config ./bridgewall.yaml"})
final class PlanCommand implements Callable<Integer> {
    @Mixin
    PolicyOptions policyOptions;

    @Mixin
    OutputOptions output;

    @Option(names = "--json", description = "Print the policy and the planned ruleset as one JSON document "
            + "(README, 'JSON output') instead of nft syntax.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // plan has no --netns: it checks the bridges against the namespace it runs in.
        Policy policy = policyOptions.policy(Optional.empty());
        RuleSet ruleSet = Planner.plan(policy);
        if (json) {
            JsonOutput.print(spec.commandLine().getOut(), PlanView.of(policy, ruleSet));
            return 0;
        }
        List<String> header = new ArrayList<>(header(policy));
        header.addAll(dnsNotes(policyOptions));
        spec.commandLine().getOut().print(NftSyntax.planScript(ruleSet, header));
        spec.commandLine().getOut().flush();
        return 0;
    }

    static List<String> header(Policy policy) {
        List<String> lines = new ArrayList<>();
        lines.add("bridgewall plan: " + policy.bridges().size() + " bridge(s), "
                + (policy.hostInput().managed() ? "host input managed, open ports " + policy.hostInput().describePorts()
                : "host input left alone"));
        lines.add("  " + policy.dockerFirewall().describe());
        if (policy.hostInput().managed() && !policy.hostInput().sshOpen()) {
            lines.add("  note: 22/tcp (SSH), open by default, is closed: the ports given replace the default; "
                    + "add --allow-port 22/tcp to keep it");
        }
        lines.addAll(exceptionLines(policy));
        Containment containment = policy.containment();
        lines.add(containment.isOff() ? "  containment by name: off (--contain none); only the bridges above are contained"
                : "  containment by name: " + Containment.describe(containment.patterns())
                + (policy.effectiveExemptions().isEmpty() ? "" : ", except " + String.join(", ",
                        policy.effectiveExemptions().stream().map(Object::toString).toList()))
                + " (contained from the first packet, before any Docker network names them)");
        lines.add("  isolation: " + policy.isolation().word() + (policy.isolation() == Isolation.STRICT
                ? " (no container reaches another, on any network)"
                : " (Docker's enable_icc per network; docker0 isolated)")
                + "; different bridges never reach each other, bridges not known yet are fully isolated");
        policy.networkIsolation().forEach((network, isolation) -> lines.add("  isolation of network " + network + ": "
                + isolation.word() + (policy.unmatchedNetworkIsolation().contains(network)
                ? " (no such network now; holds when Docker reports it)" : "")));
        for (Bridge bridge : policy.bridges()) {
            lines.add("  bridge " + bridge.name() + " " + bridge.subnets()
                    + (bridge.internal() ? " internal" : "") + (bridge.masquerade() ? " masquerade" : " no-masquerade")
                    + (policy.containersTalkOn(bridge) ? " containers-talk" : " containers-isolated (" + isolatedBecause(policy, bridge) + ")")
                    + (bridge.origin().describe().isEmpty() ? "" : " - " + bridge.origin().describe()));
        }
        if (policy.dropLogging().enabled()) {
            lines.add("  logging: " + policy.dropLogging().describe());
        }
        lines.addAll(publishedPortLines(policy));
        return lines;
    }

    /** What Docker publishes and what of it the input chain accepts. */
    static List<String> publishedPortLines(Policy policy) {
        if (!policy.hostInput().managed()) {
            return List.of();
        }
        PublishedPorts published = policy.publishedPorts();
        if (!published.open()) {
            return List.of("  published ports: not opened (--no-published-ports)");
        }
        List<String> lines = new ArrayList<>();
        lines.add("  published ports: " + (published.ports().isEmpty() ? "none (no running container publishes a port)"
                : published.ports().size() + ", accepted for their protocol on the host address they are published on"));
        for (PublishedPort port : published.ports()) {
            lines.add("  published " + port.describe() + " - " + port.container()
                    + (port.loopbackOnly() ? " (loopback only: nothing to open, lo is accepted)" : ""));
        }
        return lines;
    }

    /** DNS discovery's notes: what was skipped and why (the resolvers themselves are listed with the exceptions). */
    static List<String> dnsNotes(PolicyOptions options) {
        if (options.noDnsException) {
            return List.of("  dns exception: off (--no-dns-exception)");
        }
        return options.dns().notes().stream().map(note -> "  dns: " + note).toList();
    }

    /** The exceptions, each with where it came from; DNS resolvers listed as such. */
    static List<String> exceptionLines(Policy policy) {
        List<String> lines = new ArrayList<>();
        for (Allowance allowance : policy.allowances()) {
            List<Bridge> bridges = policy.bridgesOf(allowance);
            lines.add("  exception " + allowance.text() + " - " + allowance.origin()
                    + (!allowance.limitedToNetworks() ? " (every container)"
                    : bridges.isEmpty() ? " (no such network yet: allows nothing)"
                    : " (containers on " + String.join(", ", bridges.stream().map(b -> b.name().value()).toList()) + ")"));
        }
        for (DnsResolver resolver : policy.dnsResolvers()) {
            lines.add("  dns resolver " + resolver.allowance().destinationText() + " (udp and tcp 53 only) - from " + resolver.source());
        }
        return lines;
    }

    private static String isolatedBecause(Policy policy, Bridge bridge) {
        if (policy.networkEntry(bridge).isPresent() && policy.isolationOf(bridge) == Isolation.STRICT) {
            return "isolation strict for network " + policy.networkEntry(bridge).get();
        }
        if (policy.isolationOf(bridge) == Isolation.STRICT) {
            return "isolation strict";
        }
        return bridge.name().value().equals(Bridge.DOCKER0) ? "docker0, as in the seed" : "enable_icc=false";
    }
}
