package dev.kiln.toe.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.toe.expr.StepCondition.Branch;
import org.junit.jupiter.api.Test;

class StepConditionTest {

    private static final Condition ANY = new Condition.Test("stringIsEmpty", "");

    @Test
    void takesThenWhenTrueAndElseWhenFalse() {
        StepCondition c = new StepCondition(ANY, Branch.Skip, Branch.Abort);

        assertThat(c.decide(true)).isEqualTo(Branch.Skip);
        assertThat(c.decide(false)).isEqualTo(Branch.Abort);
    }
}
