package io.bridgewall.cli.demo;

import io.bridgewall.kernel.Firewall;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Allowance;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** `bridgewall demo`: the whole promise, shown with real packets in a lab that is gone afterwards. */
public final class Demo {
    private Demo() {
    }

    /** Runs the demo and returns how many probes broke the policy after the apply. */
    public static int run(PrintWriter out) {
        out.println("bridgewall demo: building a throwaway lab of network namespaces "
                + "(this machine's own network is not touched)...");
        out.flush();
        try (DemoLab lab = DemoLab.create()) {
            // Named, so whoever watches (DemoTest) can check exactly these are gone afterwards.
            out.println("  network namespaces: " + String.join(" ", lab.namespaces()));
            out.println("  containers " + DemoLab.C1 + " and " + DemoLab.C2 + " on bridge " + DemoLab.BRIDGE + " ("
                    + DemoLab.SUBNET + ") in namespace " + lab.host);
            out.println("  compose network " + DemoLab.COMPOSE_NETWORK + ": containers web " + DemoLab.WEB + " and db " + DemoLab.DB
                    + " on bridge " + DemoLab.COMPOSE_BRIDGE + " (" + DemoLab.COMPOSE_SUBNET + ")");
            out.println("  containers also have " + DemoLab.C1_V6 + " and " + DemoLab.C2_V6 + " (" + DemoLab.SUBNET6 + ")");
            out.println("  public host " + DemoLab.PUBLIC + " and " + DemoLab.PUBLIC6 + " (no route back to the containers), "
                    + "LAN host " + DemoLab.LAN + " and " + DemoLab.LAN6 + ", cloud metadata " + DemoLab.METADATA);
            DemoMatrix matrix = new DemoMatrix(lab);
            List<TcpProbe.Outcome> before = matrix.run();

            // The demo bridge stands for docker0: its containers do not reach each other (enable_icc does not apply).
            // The compose network keeps Docker's default: its containers talk, to each other only.
            // One exception, as `--allow` makes it: the LAN host's database port, and nothing else of the LAN.
            List<Bridge> bridges = List.of(
                    Bridge.of(DemoLab.BRIDGE, DemoLab.SUBNET, DemoLab.SUBNET6).withInterContainerCommunication(false),
                    Bridge.of(DemoLab.COMPOSE_BRIDGE, DemoLab.COMPOSE_SUBNET));
            RuleSet ruleSet = Planner.plan(Policy.withDefaults(bridges)
                    .withAllowances(List.of(Allowance.parse(DemoLab.EXCEPTION, "--allow"))));
            try (Firewall firewall = Firewall.open(Optional.of(lab.host))) {
                long started = System.nanoTime();
                Firewall.ApplyReport report = firewall.apply(ruleSet);
                out.printf("  applied the default policy with --allow " + DemoLab.EXCEPTION + " in one transaction (%d messages) in %.1f ms, generation %d -> %d%n%n",
                        report.transaction().messages(), (System.nanoTime() - started) / 1e6,
                        report.generationBefore(), report.generationAfter());
            }
            List<TcpProbe.Outcome> after = matrix.run();
            int failures = matrix.print(out, before, after);
            out.println();
            out.println(failures == 0 ? "result: every probe behaves as the policy says. The lab is removed now."
                    : "result: " + failures + " probe(s) broke the policy (marked !). The lab is removed now.");
            out.flush();
            return failures;
        }
    }
}
