package dev.kiln.toe.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileActionsTest {
    @TempDir
    Path dir;

    @Test
    void everyFileModuleIsImplementedAndAnswersItsDeclaredOutputs() throws Exception {
        for (ModuleSpec spec : FileModules.specs()) {
            ActionResult result = spec.action().run(new TestContext(List.of(), dir));

            assertThat(result.outputs().keySet()).as(spec.name()).containsExactlyInAnyOrderElementsOf(spec.outputs());
        }
    }

    @Test
    void anUnknownNameIsAProgrammingError() {
        assertThatThrownBy(() -> FileActions.forModule("CopyFiles")).isInstanceOf(IllegalArgumentException.class);
    }
}
