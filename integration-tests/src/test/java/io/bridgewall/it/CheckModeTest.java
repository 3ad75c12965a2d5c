package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Match;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.Statement;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * apply --check shows the kernel the whole transaction and has it discarded: the exit code says
 * whether the kernel would take it, and the kernel is checked independently to have changed
 * nothing (nft monitor sees no new generation, `nft -a list ruleset` is the same byte for byte),
 * for a first install and for an update of an installed table.
 */
class CheckModeTest {
    private static final String HOSTILE_COMMENT = "hostile: looks up a set the table does not have";
    private Netns netns;

    @BeforeEach
    void createNamespace() {
        Root.require();
        netns = Netns.create("check");
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    private List<String> apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "--no-docker", "--netns", netns.name(), "--bridge",
                "docker0=172.17.0.0/16"));
        args.addAll(List.of(extra));
        return args;
    }

    private String ruleset() {
        return netns.exec("nft", "-a", "list", "ruleset").orThrow().stdout();
    }

    /** Runs {@code action} under nft monitor; asserts the kernel changed nothing at all, returns its result. */
    private <T> T changesNothing(Supplier<T> action) {
        String before = ruleset();
        T result;
        int generations;
        try (NftMonitor monitor = NftMonitor.start(netns)) {
            result = action.get();
            generations = monitor.generationsSinceStart();
        }
        assertThat(generations).as("transactions committed").isZero();
        assertThat(ruleset()).as("nft -a list ruleset").isEqualTo(before);
        return result;
    }

    @Test
    void aValidFirstInstallIsValidatedAndNotCommitted() {
        Shell.Result check = changesNothing(() -> Bridgewall.run(List.of(), apply("--check")));

        assertThat(check.exitCode()).as(check.stderr()).isZero();
        assertThat(check.stderr()).isEmpty();
        assertThat(check.stdout()).startsWith("check: the kernel would take it: apply would install table inet bridgewall")
                .contains("nothing was committed");
        assertThat(ruleset()).doesNotContain("bridgewall");
    }

    @Test
    void aValidUpdateIsValidatedAndNotCommittedThenApplyDoesWhatTheCheckSaid() {
        assertThat(Bridgewall.run(List.of(), apply()).exitCode()).isZero();

        Shell.Result check = changesNothing(() -> Bridgewall.run(List.of(), apply("--check", "--allow-port", "2222")));

        assertThat(check.exitCode()).as(check.stderr()).isZero();
        assertThat(check.stdout()).startsWith("check: the kernel would take it: apply would update table inet bridgewall")
                .contains("lacks 1 planned element(s): 2222");
        Shell.Result applied = Bridgewall.run(List.of(), apply("--allow-port", "2222"));
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        assertThat(ruleset()).contains("2222");
    }

    @Test
    void aPolicyTheKernelAlreadyHoldsChecksAsUnchanged() {
        assertThat(Bridgewall.run(List.of(), apply()).exitCode()).isZero();

        Shell.Result check = changesNothing(() -> Bridgewall.run(List.of(), apply("--check")));

        assertThat(check.exitCode()).isZero();
        assertThat(check.stdout()).startsWith("check: the kernel already holds the planned table inet bridgewall");
    }

    /** The planned table plus one rule the planner never writes: it looks up a set the table lacks. */
    private static RuleSet withHostileRule() {
        RuleSet planned = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));
        Rule hostile = new Rule(List.of(new Match.InterfaceInSet(Match.Direction.IN, "no_such_set", false)),
                List.of(new Statement.Drop()), HOSTILE_COMMENT);
        List<Chain> chains = planned.chains().stream().map(chain -> {
            if (!chain.name().equals("forward")) {
                return chain;
            }
            List<Rule> rules = new ArrayList<>(chain.rules());
            rules.add(hostile);
            return new Chain(chain.name(), chain.type(), chain.hook(), chain.priority(), chain.policy(), rules);
        }).toList();
        return new RuleSet(planned.table(), planned.family(), planned.sets(), chains);
    }

    @Test
    void aRuleTheKernelRefusesIsNamedAndNothingIsCommittedOnFirstInstall() {
        KernelException refused = changesNothing(() -> {
            try (Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
                return firewall.validate(withHostileRule()).refusal().orElse(null);
            }
        });

        assertThat(refused).as("the kernel refused").isNotNull();
        assertThat(refused.errno()).isEqualTo(Netlink.ENOENT);
        assertThat(refused.operation()).startsWith("add rule inet bridgewall forward iifname @no_such_set drop")
                .contains(HOSTILE_COMMENT);
        assertThat(ruleset()).doesNotContain("bridgewall");
    }

    @Test
    void aRuleTheKernelRefusesIsNamedAndTheInstalledTableStaysOnUpdate() {
        assertThat(Bridgewall.run(List.of(), apply()).exitCode()).isZero();

        KernelException refused = changesNothing(() -> {
            try (Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
                return firewall.validate(withHostileRule()).refusal().orElse(null);
            }
        });

        assertThat(refused).isNotNull();
        assertThat(refused.operation()).contains("@no_such_set").contains(HOSTILE_COMMENT);
    }

    @Test
    void applyRefusesTheSameObjectTheCheckNamedAndChangesNothing() {
        assertThat(Bridgewall.run(List.of(), apply()).exitCode()).isZero();

        KernelException refused = changesNothing(() -> {
            try (Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
                return catchThrowableOfType(() -> firewall.apply(withHostileRule()), KernelException.class);
            }
        });

        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).startsWith("add rule inet bridgewall forward iifname @no_such_set drop")
                .contains(HOSTILE_COMMENT).contains("errno 2");
    }

    @Test
    void theSameTransactionWithItsEndCommitsWhatTheCheckValidated() {
        // The control: the check's batch is the apply's batch minus BATCH_END, so a validated plan commits.
        try (Firewall firewall = Firewall.open(Optional.of(netns.name()))) {
            RuleSet planned = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));
            Applier.Validation validation = changesNothing(() -> firewall.validate(planned));
            assertThat(validation.accepted()).isTrue();
            Applier.Transaction checked = validation.transaction();
            Firewall.ApplyReport applied = firewall.apply(planned);

            assertThat(checked.kind()).isEqualTo(Applier.Kind.INSTALLED);
            assertThat(applied.transaction().kind()).isEqualTo(Applier.Kind.INSTALLED);
            assertThat(applied.transaction().messages()).isEqualTo(checked.messages());
            // The check's batch lacks only BATCH_END (a 20-byte header with its nfgenmsg).
            assertThat(applied.transaction().bytes()).isEqualTo(checked.bytes() + 20);
        }
    }

    @Test
    void aTableAnotherProcessOwnsFailsTheCheckNamingThatProcess() throws Exception {
        Process holder = new ProcessBuilder("ip", "netns", "exec", netns.name(), "timeout", "60", "nft", "-i")
                .redirectErrorStream(true).start();
        try (OutputStream stdin = holder.getOutputStream()) {
            stdin.write("add table inet bridgewall { flags owner; }\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            for (int i = 0; i < 100 && !ruleset().contains("table inet bridgewall"); i++) {
                Shell.sleep(50);
            }

            Shell.Result check = changesNothing(() -> Bridgewall.run(List.of(), apply("--check")));

            assertThat(check.exitCode()).as(check.stderr()).isEqualTo(1);
            assertThat(check.stderr().strip()).doesNotContain("\n")
                    .startsWith("bridgewall: check failed, the kernel would refuse this apply: ")
                    .contains("table inet bridgewall is owned by process").endsWith("(nothing was committed)");
            assertThat(check.stdout()).isEmpty();
        } finally {
            holder.descendants().forEach(ProcessHandle::destroyForcibly);
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
