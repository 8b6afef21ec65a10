package dev.kiln.toe.action;

import static dev.kiln.toe.action.FileSteps.context;
import static dev.kiln.toe.action.FileSteps.names;
import static dev.kiln.toe.action.FileSteps.p;
import static dev.kiln.toe.action.FileSteps.run;
import static dev.kiln.toe.action.FileSteps.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRemovalTest {
    @TempDir
    Path dir;

    @Test
    void deleteFileDeletesTheFileAndLogsIt() throws Exception {
        Path file = write(dir.resolve("f.txt"), "x");
        TestContext ctx = context(dir, Map.of("path", p(file)));

        run("DeleteFile", ctx);

        assertThat(file).doesNotExist();
        assertThat(ctx.notes).containsExactly("Deleted file " + file);
    }

    @Test
    void deleteFileFailsWhenTheFileIsMissing() {
        assertThatThrownBy(() -> run("DeleteFile", dir, Map.of("path", dir + "/none")))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("DeleteFile inputs[0]: file " + dir + "/none does not exist");
    }

    @Test
    void deleteFileRefusesAFolder() throws Exception {
        Files.createDirectories(dir.resolve("folder"));

        assertThatThrownBy(() -> run("DeleteFile", dir, Map.of("path", dir + "/folder")))
                .hasMessage("DeleteFile inputs[0]: " + dir + "/folder is a folder, not a file");
        assertThat(dir.resolve("folder")).isDirectory();
    }

    @Test
    void deleteFileWithWildcardDeletesMatchingFilesOnly() throws Exception {
        write(dir.resolve("logs/a.log"), "");
        write(dir.resolve("logs/b.log"), "");
        write(dir.resolve("logs/keep.txt"), "");
        Files.createDirectories(dir.resolve("logs/dir.log"));

        run("DeleteFile", dir, Map.of("path", dir + "/logs/*.log"));

        assertThat(names(dir.resolve("logs"))).containsExactly("dir.log", "keep.txt");
    }

    @Test
    void deleteFileWithWildcardMatchingNothingSucceeds() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        TestContext ctx = context(dir, Map.of("path", dir + "/logs/*.log"));

        run("DeleteFile", ctx);

        assertThat(ctx.notes).containsExactly("No file matches " + dir + "/logs/*.log");
    }

    @Test
    void deleteFileWithWildcardFailsWhenTheFolderIsMissing() {
        assertThatThrownBy(() -> run("DeleteFile", dir, Map.of("path", dir + "/none/*.log")))
                .hasMessage("DeleteFile inputs[0]: folder " + dir + "/none does not exist");
    }

    @Test
    void deleteFileDeletesALinkNotWhatItLeadsTo() throws Exception {
        Path target = write(dir.resolve("target"), "t");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("none"));

        run("DeleteFile", dir, Map.of("path", p(link)), Map.of("path", p(dangling)));

        assertThat(target).hasContent("t");
        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(dangling, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void deleteFolderDeletesAnEmptyFolder() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("empty"));
        TestContext ctx = context(dir, Map.of("path", folder + "/"));

        run("DeleteFolder", ctx);

        assertThat(folder).doesNotExist();
        assertThat(ctx.notes).containsExactly("Deleted folder " + folder + "/");
    }

    @Test
    void deleteFolderKeepsAFolderThatIsNotEmptyWithoutForce() throws Exception {
        Path file = write(dir.resolve("full/f"), "x");

        assertThatThrownBy(() -> run("DeleteFolder", dir, Map.of("path", dir + "/full")))
                .hasMessage("DeleteFolder inputs[0]: folder " + dir + "/full is not empty; set force to true to"
                        + " delete it with its contents");
        assertThat(file).exists();
    }

    @Test
    void deleteFolderWithForceDeletesEverythingInside() throws Exception {
        write(dir.resolve("full/sub/f"), "x");

        run("DeleteFolder", dir, Map.of("path", dir + "/full", "force", "true"));

        assertThat(dir.resolve("full")).doesNotExist();
    }

    @Test
    void deleteFolderFailsWhenTheFolderIsMissing() {
        assertThatThrownBy(() -> run("DeleteFolder", dir, Map.of("path", dir + "/none")))
                .hasMessage("DeleteFolder inputs[0]: folder " + dir + "/none does not exist");
    }

    @Test
    void deleteFolderRefusesAFile() throws Exception {
        Path file = write(dir.resolve("f"), "x");

        assertThatThrownBy(() -> run("DeleteFolder", dir, Map.of("path", p(file), "force", "true")))
                .hasMessage("DeleteFolder inputs[0]: " + file + " is a file, not a folder");
        assertThat(file).exists();
    }
}
