package io.bridgewall.view;

import io.bridgewall.doctor.Finding;
import java.util.List;

/**
 * What `doctor --json` prints: the findings, problems first, each with its fix. Pure.
 *
 * @param namespace the network namespace checked; empty for the host's own
 * @param healthy   no problem and no warning: doctor's exit 0
 */
public record DoctorView(int format, String kind, String namespace, boolean healthy, int problems, int warnings,
                         List<FindingView> findings) implements View {
    public DoctorView {
        findings = List.copyOf(findings);
    }

    public static DoctorView of(java.util.Optional<String> netns, List<Finding> findings) {
        return new DoctorView(FORMAT, "doctor", netns.orElse(""),
                findings.stream().noneMatch(Finding::actionable), count(findings, Finding.Severity.PROBLEM),
                count(findings, Finding.Severity.WARNING),
                findings.stream().map(f -> new FindingView(f.severity().word(), f.check(), f.what(), f.fix())).toList());
    }

    private static int count(List<Finding> findings, Finding.Severity severity) {
        return (int) findings.stream().filter(f -> f.severity() == severity).count();
    }

    /**
     * One finding.
     *
     * @param severity "problem", "warning" or "info"
     * @param check    which check found it (docker-firewall, docker-leftovers, foreign-chain, forwarding,
     *                 br-netfilter, libraries, nat, table, units, ruleset, docker-config, docker)
     * @param fix      empty for info
     */
    public record FindingView(String severity, String check, String what, String fix) {
    }
}
