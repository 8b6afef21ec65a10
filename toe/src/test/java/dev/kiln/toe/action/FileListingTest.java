package dev.kiln.toe.action;

import static dev.kiln.toe.action.FileSteps.context;
import static dev.kiln.toe.action.FileSteps.run;
import static dev.kiln.toe.action.FileSteps.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileListingTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        write(dir.resolve("top/b.log"), "");
        write(dir.resolve("top/a.txt"), "");
        write(dir.resolve("top/sub/c.log"), "");
        Files.createDirectories(dir.resolve("top/empty.log"));
    }

    @Test
    void listsTheFilesOfAFolderSortedAndJoinedWithCommas() throws Exception {
        TestContext ctx = context(dir, Map.of("path", dir + "/top"));

        ActionResult result = run("ListFiles", ctx);

        assertThat(result.outputs()).containsExactly(Map.entry("files", dir + "/top/a.txt," + dir + "/top/b.log"));
        assertThat(ctx.notes).containsExactly("Listed 2 files in " + dir + "/top");
    }

    @Test
    void listsSubfoldersWhenRecursive() throws Exception {
        ActionResult result = run("ListFiles", dir, Map.of("path", dir + "/top/", "recursive", "true"));

        assertThat(result.outputs().get("files"))
                .isEqualTo(dir + "/top/a.txt," + dir + "/top/b.log," + dir + "/top/sub/c.log");
    }

    @Test
    void keepsOnlyNamesMatchingThePattern() throws Exception {
        ActionResult result = run("ListFiles", dir,
                Map.of("path", dir + "/top", "fileNamePattern", "*.log", "recursive", "true"));

        assertThat(result.outputs().get("files")).isEqualTo(dir + "/top/b.log," + dir + "/top/sub/c.log");
    }

    @Test
    void joinsTheListsOfSeveralInputsAndSkipsEmptyOnes() throws Exception {
        ActionResult result = run("ListFiles", dir, Map.of("path", dir + "/top/sub"),
                Map.of("path", dir + "/top", "fileNamePattern", "none*"),
                Map.of("path", dir + "/top", "fileNamePattern", "a.*"));

        assertThat(result.outputs().get("files")).isEqualTo(dir + "/top/sub/c.log," + dir + "/top/a.txt");
    }

    @Test
    void answersAnEmptyListForAnEmptyFolder() throws Exception {
        ActionResult result = run("ListFiles", dir, Map.of("path", dir + "/top/empty.log"));

        assertThat(result.outputs()).containsExactly(Map.entry("files", ""));
    }

    @Test
    void failsWhenTheFolderIsMissing() {
        assertThatThrownBy(() -> run("ListFiles", dir, Map.of("path", dir + "/none")))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("ListFiles inputs[0]: folder " + dir + "/none does not exist");
    }

    @Test
    void failsWhenThePathIsAFile() {
        assertThatThrownBy(() -> run("ListFiles", dir, Map.of("path", dir + "/top/a.txt")))
                .hasMessage("ListFiles inputs[0]: " + dir + "/top/a.txt is a file, not a folder");
    }
}
