package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The generation an apply's own commit produced: the one after the generation its batch carried. */
class ApplyReportTest {
    private static Firewall.ApplyReport report(Applier.Kind kind, int before, int after) {
        return new Firewall.ApplyReport(new Applier.Transaction(kind, 3, 100, 1, before, java.util.List.of()), before, after);
    }

    @Test
    void aCommitIsTheGenerationAfterTheOneItWasComputedFromWhateverWasReadAfterwards() {
        assertThat(report(Applier.Kind.UPDATED, 41, 44).committedGeneration()).hasValue(42);
        assertThat(report(Applier.Kind.REPLACED, 1, 2).committedGeneration()).hasValue(2);
    }

    @Test
    void nothingSentIsNoCommit() {
        assertThat(report(Applier.Kind.UNCHANGED, 41, 41).committedGeneration()).isEmpty();
    }

    @Test
    void theKernelSkipsZeroWhenTheCounterWraps() {
        assertThat(report(Applier.Kind.UPDATED, -1, 1).committedGeneration()).hasValue(1);
    }
}
