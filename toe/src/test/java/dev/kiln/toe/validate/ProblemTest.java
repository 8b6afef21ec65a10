package dev.kiln.toe.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.toe.validate.Problem.Severity;
import dev.kiln.toe.yaml.Mark;
import org.junit.jupiter.api.Test;

class ProblemTest {

    private static final Mark AT = new Mark("doc.yaml", 12, 7);

    @Test
    void printsFilePositionSeverityPhaseStepFieldAndMessage() {
        Problem p = new Problem(Severity.ERROR, AT, "build", "Hello", "action", "unknown action 'X'");

        assertThat(p).hasToString(
                "doc.yaml:12:7: error: phase 'build', step 'Hello', field 'action': unknown action 'X'");
    }

    @Test
    void printsWarningsAsWarnings() {
        Problem p = new Problem(Severity.WARNING, AT, "build", null, "name", "odd");

        assertThat(p).hasToString("doc.yaml:12:7: warning: phase 'build', field 'name': odd");
        assertThat(p.isError()).isFalse();
    }

    @Test
    void leavesOutWhereWhenNothingIsKnown() {
        Problem p = new Problem(Severity.ERROR, AT, null, null, null, "the document is empty");

        assertThat(p.where()).isEmpty();
        assertThat(p).hasToString("doc.yaml:12:7: error: the document is empty");
        assertThat(p.isError()).isTrue();
    }

    @Test
    void namesOnlyTheKnownParts() {
        assertThat(new Problem(Severity.ERROR, AT, null, null, "phases", "m").where()).isEqualTo("field 'phases'");
        assertThat(new Problem(Severity.ERROR, AT, null, "S", null, "m").where()).isEqualTo("step 'S'");
        assertThat(new Problem(Severity.ERROR, AT, "test", "S", null, "m").where()).isEqualTo("phase 'test', step 'S'");
        assertThat(new Problem(Severity.ERROR, AT, null, "S", "f", "m").where()).isEqualTo("step 'S', field 'f'");
    }

    @Test
    void printsOnlyTheFileWhenThePositionIsUnknown() {
        Problem p = new Problem(Severity.ERROR, new Mark("big.yaml", 0, 0), null, null, null, "too big");

        assertThat(p).hasToString("big.yaml: error: too big");
    }
}
