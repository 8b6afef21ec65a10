package dev.kiln.toe.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EachInputTest {
    @TempDir
    Path dir;

    private final List<String> ran = new ArrayList<>();

    private EachInput<String> module() {
        return EachInput.of("Demo", in -> in.string("name"), (name, files, ctx) -> {
            if (name.equals("bad")) {
                throw new StepFailedException("bad is bad");
            }
            if (name.equals("io")) {
                throw new NoSuchFileException("/gone");
            }
            ran.add(name);
            return name.equals("empty") ? "" : name;
        });
    }

    private TestContext context(Object inputs) {
        return new TestContext(inputs, dir);
    }

    @Test
    void runsEveryOperationInOrder() throws Exception {
        ActionResult result = module().run(context(List.of(Map.of("name", "a"), Map.of("name", "b"))));

        assertThat(ran).containsExactly("a", "b");
        assertThat(result.outputs()).isEmpty();
    }

    @Test
    void readsEveryInputBeforeRunningAny() {
        assertThatThrownBy(() -> module().run(context(List.of(Map.of("name", "a"), Map.of("other", "b")))))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("Demo: inputs[1].name is required");
        assertThat(ran).isEmpty();
    }

    @Test
    void stopsAtTheFirstFailureAndNamesItsInput() {
        assertThatThrownBy(() -> module().run(context(
                List.of(Map.of("name", "a"), Map.of("name", "bad"), Map.of("name", "c")))))
                .hasMessage("Demo inputs[1]: bad is bad");
        assertThat(ran).containsExactly("a");
    }

    @Test
    void turnsAnIoErrorIntoAStepFailureNamingThePath() {
        assertThatThrownBy(() -> module().run(context(List.of(Map.of("name", "io")))))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("Demo inputs[0]: /gone does not exist");
    }

    @Test
    void joinsTheNonEmptyPartsIntoTheOutput() throws Exception {
        ActionResult result = module().withOutput("out", ",").run(context(
                List.of(Map.of("name", "a"), Map.of("name", "empty"), Map.of("name", "b"))));

        assertThat(result.outputs()).containsExactly(Map.entry("out", "a,b"));
    }

    @Test
    void failsWhenInputsAreNotAList() {
        assertThatThrownBy(() -> module().run(context(Map.of("name", "a"))))
                .hasMessage("Demo: inputs must be a list of mappings");
    }

    @Test
    void describesCommonIoErrorsInWords() {
        assertThat(EachInput.describe(new AccessDeniedException("/etc/x"))).isEqualTo("permission denied: /etc/x");
        assertThat(EachInput.describe(new IOException("disk on fire"))).isEqualTo("disk on fire");
        assertThat(EachInput.describe(new IOException())).isEqualTo("IOException");
    }
}
