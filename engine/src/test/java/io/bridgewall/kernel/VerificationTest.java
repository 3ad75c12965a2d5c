package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerificationTest {
    private static final RuleSet OURS = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));
    private static final RuleSet THEIRS = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"),
            Bridge.of("br-other", "10.95.0.0/24"))));

    private static ReadBack holding(int generation, RuleSet ruleSet) {
        return new ReadBack(generation, Optional.of(TableMapping.map(KernelDumps.of(ruleSet))));
    }

    @Test
    void theTableAsPlannedIsVerifiedWhoeverCommittedSince() {
        assertThat(Verification.judge(10, holding(10, OURS), OURS).outcome()).isEqualTo(Verification.Outcome.VERIFIED);
        Verification later = Verification.judge(10, holding(12, OURS), OURS);
        assertThat(later.outcome()).isEqualTo(Verification.Outcome.VERIFIED);
        assertThat(later.summary()).contains("generation 12").contains("others committed after ours, 10");
    }

    @Test
    void anotherTableAfterSomeoneElsesCommitIsChangedByOthersNotABug() {
        Verification verification = Verification.judge(10, holding(11, THEIRS), OURS);

        assertThat(verification.outcome()).isEqualTo(Verification.Outcome.CHANGED_BY_OTHERS);
        assertThat(verification.summary())
                .startsWith("not verified: someone else changed the ruleset after our commit (generation 10 -> 11)")
                .contains("set bridges holds 1 element(s) not planned: \"br-other\"")
                .doesNotContain("report this");
    }

    @Test
    void aTableDeletedByOthersIsChangedByOthers() {
        Verification verification = Verification.judge(10, new ReadBack(11, Optional.empty()), OURS);

        assertThat(verification.outcome()).isEqualTo(Verification.Outcome.CHANGED_BY_OTHERS);
        assertThat(verification.differences()).containsExactly("table inet bridgewall is not installed");
    }

    @Test
    void anotherTableAtOurOwnGenerationDiffersAndNamesTheDifference() {
        Verification verification = Verification.judge(10, holding(10, THEIRS), OURS);

        assertThat(verification.outcome()).isEqualTo(Verification.Outcome.DIFFERS);
        assertThat(verification.summary()).contains("read-back differs from the plan at generation 10")
                .contains("set bridges holds 1 element(s) not planned: \"br-other\"").contains("report this");
    }

    @Test
    void aCommitMovesTheGenerationByOne() {
        assertThat(new Applier.Transaction(Applier.Kind.UPDATED, 3, 300, 1, 41, List.of()).generationOfOurs()).isEqualTo(42);
        assertThat(new Applier.Transaction(Applier.Kind.UNCHANGED, 0, 0, 1, 41, List.of()).generationOfOurs()).isEqualTo(41);
        assertThat(new Applier.Transaction(Applier.Kind.INSTALLED, 3, 300, 1, -1, List.of()).generationOfOurs()).isEqualTo(1);
    }

    private static Firewall.ApplyReport report(Applier.Kind kind, int before, int after, Applier.LostAnswer... lost) {
        return new Firewall.ApplyReport(new Applier.Transaction(kind, 3, 300, 1, before, List.of(), List.of(lost)), before, after);
    }

    @Test
    void aCommitIsProvenOnlyWhenTheGenerationAfterItIsOurs() {
        assertThat(report(Applier.Kind.INSTALLED, 41, 42).provesCommit()).isTrue();
        assertThat(report(Applier.Kind.UPDATED, -1, 1).provesCommit()).as("0 is skipped on wrap").isTrue();
        assertThat(report(Applier.Kind.UPDATED, 41, 43).provesCommit()).as("someone committed after us").isFalse();
        assertThat(report(Applier.Kind.UNCHANGED, 41, 41).provesCommit()).as("nothing was committed").isFalse();
        assertThat(report(Applier.Kind.REPLACED, 41, 42, new Applier.LostAnswer(1,
                io.bridgewall.netlink.StateUnknownException.Reason.TIMEOUT, 41, 42, true)).provesCommit())
                .as("an answer was lost: what happened was read, not proven").isFalse();
    }

    @Test
    void aProvenCommitSaysCommittedWithItsGenerationsAndIsNeverCalledVerified() {
        Verification committed = Verification.committed(42);

        assertThat(committed.inForce()).isTrue();
        assertThat(committed.verified()).isFalse();
        assertThat(committed.summary()).isEqualTo("committed: generation 41 -> 42, no other change in between "
                + "(read-back skipped; --verify reads it back)");
        assertThat(Verification.committed(1).summary()).startsWith("committed: generation 4294967295 -> 1,");
    }

    @Test
    void readBackOutcomesOtherThanVerifiedAreNotInForce() {
        assertThat(Verification.judge(10, holding(10, THEIRS), OURS).inForce()).isFalse();
        assertThat(Verification.judge(10, holding(11, THEIRS), OURS).inForce()).isFalse();
        assertThat(Verification.judge(10, holding(11, OURS), OURS).inForce()).isTrue();
    }
}
