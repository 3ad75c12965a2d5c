package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How long bridgewall keeps trying against someone who keeps committing, on a clock the test moves. */
class ContentionPacingTest {
    private long nowNanos;
    private final List<Long> pauses = new ArrayList<>();

    private ContentionPacing pacing() {
        return new ContentionPacing(() -> nowNanos, millis -> {
            pauses.add(millis);
            nowNanos += millis * 1_000_000L;
        });
    }

    @Test
    void pausesGrowFromAMillisecondToTheLongestPauseAndNeverBeyond() {
        ContentionPacing pacing = pacing();
        for (int i = 0; i < 30; i++) {
            assertThat(pacing.pauseBeforeAnotherAttempt()).isTrue();
        }
        assertThat(pauses).hasSize(30);
        for (int i = 0; i < pauses.size(); i++) {
            long bound = Math.min(ContentionPacing.LONGEST_PAUSE_MILLIS, 1L << (i + 1));
            assertThat(pauses.get(i)).as("pause %d", i + 1).isBetween(1L, bound);
        }
        assertThat(pacing.attempts()).isEqualTo(31);
    }

    @Test
    void keepsTryingForSecondsNotMillisecondsBeforeGivingUp() {
        // The first version gave up after 8 reads and about 60 ms against another applier in a tight loop.
        ContentionPacing pacing = pacing();
        int attempts = 1;
        while (pacing.pauseBeforeAnotherAttempt()) {
            attempts++;
            assertThat(attempts).as("bounded").isLessThanOrEqualTo(ContentionPacing.MOST_ATTEMPTS);
        }
        assertThat(attempts).isEqualTo(pacing.attempts());
        // Pauses alone: either the attempts ran out, or the budget did.
        assertThat(attempts == ContentionPacing.MOST_ATTEMPTS
                || pacing.elapsed().compareTo(ContentionPacing.BUDGET) >= 0).isTrue();
        assertThat(pacing.elapsed().toMillis()).as("waited").isGreaterThan(500);
        assertThat(pacing.describe("reads")).matches(attempts + " reads over \\d+\\.\\d s");
    }

    @Test
    void slowAttemptsSpendTheBudgetAndNoMoreAttemptsFollow() {
        ContentionPacing pacing = pacing();
        nowNanos += ContentionPacing.BUDGET.toNanos(); // one attempt that took the whole budget (a huge table)
        assertThat(pacing.pauseBeforeAnotherAttempt()).isFalse();
        assertThat(pauses).isEmpty();
        assertThat(pacing.attempts()).isEqualTo(1);
        assertThat(pacing.describe("attempts")).isEqualTo("1 attempt over 5.0 s");
    }
}
