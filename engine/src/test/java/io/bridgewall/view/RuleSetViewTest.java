package io.bridgewall.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleSetViewTest {
    /**
     * A statement added to the model (a log, a reject, a jump) must say whether it is a verdict:
     * otherwise `show --json` would call a rule ending in it "continue" and leave it out of the drops.
     */
    @Test
    void everyStatementIsAVerdictOrNot() {
        for (Class<?> statement : Statement.class.getPermittedSubclasses()) {
            assertThat(RuleSetView.VERDICTS.containsKey(statement) ^ RuleSetView.NOT_VERDICTS.contains(statement))
                    .as(statement.getSimpleName() + " is in exactly one of RuleSetView.VERDICTS and NOT_VERDICTS").isTrue();
        }
        assertThat(RuleSetView.VERDICTS.size() + RuleSetView.NOT_VERDICTS.size())
                .isEqualTo(Statement.class.getPermittedSubclasses().length);
    }

    @Test
    void aRuleThatOnlyCountsContinues() {
        assertThat(RuleSetView.verdictOf(new Rule(List.of(), List.of(Statement.Counter.zero()), ""))).isEqualTo("continue");
        assertThat(RuleSetView.verdictOf(new Rule(List.of(), List.of(Statement.Counter.zero(), new Statement.Drop()), "")))
                .isEqualTo("drop");
    }
}
