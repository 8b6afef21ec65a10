package dev.kiln.toe.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.toe.validate.Problem.Severity;
import dev.kiln.toe.yaml.Mark;
import dev.kiln.toe.yaml.YNode.YScalar;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemsTest {

    private static final Mark AT = new Mark("doc.yaml", 3, 5);
    private static final YScalar NODE = new YScalar(new Mark("doc.yaml", 4, 9), "x", true);

    @Test
    void recordsThePhaseAndStepBeingRead() {
        Problems problems = new Problems();
        problems.error(AT, "schemaVersion", "top");
        problems.enterPhase("build");
        problems.error(NODE, "name", "in phase");
        problems.enterStep("Hello");
        problems.warning(NODE, "inputs.x", "in step");
        problems.enterStep(null);
        problems.error(AT, "steps", "back in phase");
        problems.leave();
        problems.error(AT, null, "top again");

        assertThat(problems.all()).containsExactly(
                new Problem(Severity.ERROR, AT, null, null, "schemaVersion", "top"),
                new Problem(Severity.ERROR, NODE.mark(), "build", null, "name", "in phase"),
                new Problem(Severity.WARNING, NODE.mark(), "build", "Hello", "inputs.x", "in step"),
                new Problem(Severity.ERROR, AT, "build", null, "steps", "back in phase"),
                new Problem(Severity.ERROR, AT, null, null, null, "top again"));
    }

    @Test
    void enteringAPhaseForgetsTheStep() {
        Problems problems = new Problems();
        problems.enterPhase("build");
        problems.enterStep("A");
        problems.enterPhase("test");
        problems.error(AT, null, "m");

        assertThat(problems.all().get(0).phase()).isEqualTo("test");
        assertThat(problems.all().get(0).step()).isNull();
    }

    @Test
    void warningsAloneAreNoErrors() {
        Problems problems = new Problems();
        assertThat(problems.hasErrors()).isFalse();

        problems.warning(NODE, "f", "only a warning");
        assertThat(problems.hasErrors()).isFalse();

        problems.error(NODE, "f", "an error");
        assertThat(problems.hasErrors()).isTrue();
    }

    @Test
    void addsProblemsFoundElsewhere() {
        Problems problems = new Problems();
        Problem other = new Problem(Severity.ERROR, AT, "p", "s", "f", "m");

        problems.addAll(List.of(other));

        assertThat(problems.all()).containsExactly(other);
        assertThat(problems.hasErrors()).isTrue();
    }

    @Test
    void answersAnUnchangeableCopy() {
        Problems problems = new Problems();
        problems.error(AT, null, "first");
        List<Problem> before = problems.all();
        problems.error(AT, null, "second");

        assertThat(before).hasSize(1);
        assertThatThrownBy(() -> before.add(null)).isInstanceOf(UnsupportedOperationException.class);
    }
}
