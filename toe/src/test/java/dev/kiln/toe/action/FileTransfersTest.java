package dev.kiln.toe.action;

import static dev.kiln.toe.action.FileSteps.context;
import static dev.kiln.toe.action.FileSteps.names;
import static dev.kiln.toe.action.FileSteps.p;
import static dev.kiln.toe.action.FileSteps.run;
import static dev.kiln.toe.action.FileSteps.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTransfersTest {
    @TempDir
    Path dir;

    @Test
    void copyFileCreatesMissingFoldersAndLogsTheCopy() throws Exception {
        Path source = write(dir.resolve("a.txt"), "hello");
        Path destination = dir.resolve("x/y/b.txt");
        TestContext ctx = context(dir, Map.of("source", p(source), "destination", p(destination)));

        run("CopyFile", ctx);

        assertThat(destination).hasContent("hello");
        assertThat(source).exists();
        assertThat(ctx.notes).containsExactly("Copied " + source + " to " + destination);
    }

    @Test
    void destinationEndingWithSeparatorReceivesTheFileUnderItsOwnName() throws Exception {
        Path source = write(dir.resolve("a.txt"), "hello");

        run("CopyFile", dir, Map.of("source", p(source), "destination", dir + "/into/"));

        assertThat(dir.resolve("into/a.txt")).hasContent("hello");
    }

    @Test
    void wildcardCopiesEveryMatchingFileButNoFolder() throws Exception {
        write(dir.resolve("src/app1.log"), "1");
        write(dir.resolve("src/app2.log"), "2");
        write(dir.resolve("src/other.txt"), "3");
        Files.createDirectories(dir.resolve("src/app3.log"));

        run("CopyFile", dir, Map.of("source", dir + "/src/app*.log", "destination", dir + "/dst"));

        assertThat(names(dir.resolve("dst"))).containsExactly("app1.log", "app2.log");
    }

    @Test
    void existingFileIsReplacedByDefault() throws Exception {
        Path source = write(dir.resolve("a.txt"), "new");
        Path destination = write(dir.resolve("b.txt"), "old");

        run("CopyFile", dir, Map.of("source", p(source), "destination", p(destination)));

        assertThat(destination).hasContent("new");
    }

    @Test
    void existingFileIsKeptAndTheStepFailsWhenOverwriteIsFalse() throws Exception {
        Path source = write(dir.resolve("a.txt"), "new");
        Path destination = write(dir.resolve("b.txt"), "old");

        assertThatThrownBy(() -> run("CopyFile", dir,
                Map.of("source", p(source), "destination", p(destination), "overwrite", "false")))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("CopyFile inputs[0]: " + destination + " already exists and overwrite is false");
        assertThat(destination).hasContent("old");
    }

    @Test
    void missingSourceFailsNamingModuleInputAndPath() {
        assertThatThrownBy(() -> run("CopyFile", dir, Map.of("source", dir + "/none", "destination", dir + "/b")))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("CopyFile inputs[0]: file " + dir + "/none does not exist");
    }

    @Test
    void wildcardMatchingNothingFails() throws Exception {
        Files.createDirectories(dir.resolve("src"));

        assertThatThrownBy(() -> run("MoveFile", dir, Map.of("source", dir + "/src/*.log", "destination", dir + "/d/")))
                .hasMessage("MoveFile inputs[0]: no file matches " + dir + "/src/*.log");
    }

    @Test
    void wildcardOutsideTheLastElementIsRefused() throws Exception {
        write(dir.resolve("a1/f"), "");

        assertThatThrownBy(() -> run("CopyFile", dir, Map.of("source", dir + "/a*/f", "destination", dir + "/d/")))
                .hasMessage("CopyFile inputs[0]: file " + dir + "/a*/f does not exist");
    }

    @Test
    void copyFileRefusesAFolderSource() throws Exception {
        Files.createDirectories(dir.resolve("folder"));

        assertThatThrownBy(() -> run("CopyFile", dir, Map.of("source", dir + "/folder", "destination", dir + "/b")))
                .hasMessage("CopyFile inputs[0]: " + dir + "/folder is a folder, not a file");
    }

    @Test
    void aFileNeverReplacesAnExistingFolder() throws Exception {
        Path source = write(dir.resolve("a.txt"), "x");
        write(dir.resolve("folder/keep"), "keep");

        assertThatThrownBy(() -> run("MoveFile", dir, Map.of("source", p(source), "destination", dir + "/folder")))
                .hasMessage("MoveFile inputs[0]: destination " + dir + "/folder is a folder; end it with / to move"
                        + " the file into it");
        assertThat(dir.resolve("folder/keep")).exists();
        assertThat(source).exists();
    }

    @Test
    void aPathIsNeverItsOwnDestination() throws Exception {
        Path source = write(dir.resolve("a.txt"), "x");

        assertThatThrownBy(() -> run("MoveFile", dir, Map.of("source", p(source), "destination", p(source))))
                .hasMessage("MoveFile inputs[0]: cannot move " + source + " to " + source + ", which is the same path");
        assertThat(source).hasContent("x");
    }

    @Test
    void moveFileRemovesTheSource() throws Exception {
        Path source = write(dir.resolve("a.txt"), "hello");
        TestContext ctx = context(dir, Map.of("source", p(source), "destination", dir + "/moved/b.txt"));

        run("MoveFile", ctx);

        assertThat(source).doesNotExist();
        assertThat(dir.resolve("moved/b.txt")).hasContent("hello");
        assertThat(ctx.notes).containsExactly("Moved " + source + " to " + dir + "/moved/b.txt");
    }

    @Test
    void copyFolderCopiesEverythingItHolds() throws Exception {
        write(dir.resolve("src/a.txt"), "a");
        write(dir.resolve("src/sub/b.txt"), "b");

        run("CopyFolder", dir, Map.of("source", dir + "/src", "destination", dir + "/x/copy"));

        assertThat(dir.resolve("x/copy/a.txt")).hasContent("a");
        assertThat(dir.resolve("x/copy/sub/b.txt")).hasContent("b");
        assertThat(dir.resolve("src/sub/b.txt")).exists();
    }

    @Test
    void copyFolderIntoAFolderKeepsItsName() throws Exception {
        write(dir.resolve("src/a.txt"), "a");

        run("CopyFolder", dir, Map.of("source", dir + "/src", "destination", dir + "/into/"));

        assertThat(dir.resolve("into/src/a.txt")).hasContent("a");
    }

    @Test
    void copyFolderMergesIntoAnExistingFolder() throws Exception {
        write(dir.resolve("src/a.txt"), "new");
        write(dir.resolve("dst/a.txt"), "old");
        write(dir.resolve("dst/keep.txt"), "keep");

        run("CopyFolder", dir, Map.of("source", dir + "/src", "destination", dir + "/dst"));

        assertThat(dir.resolve("dst/a.txt")).hasContent("new");
        assertThat(dir.resolve("dst/keep.txt")).hasContent("keep");
    }

    @Test
    void copyFolderRefusesAnExistingFolderWhenOverwriteIsFalse() throws Exception {
        Files.createDirectories(dir.resolve("src"));
        Files.createDirectories(dir.resolve("dst"));

        assertThatThrownBy(() -> run("CopyFolder", dir,
                Map.of("source", dir + "/src", "destination", dir + "/dst", "overwrite", "false")))
                .hasMessage("CopyFolder inputs[0]: " + dir + "/dst already exists and overwrite is false");
    }

    @Test
    void copyFolderRefusesToCopyIntoItself() throws Exception {
        write(dir.resolve("src/a.txt"), "a");

        assertThatThrownBy(() -> run("CopyFolder", dir, Map.of("source", dir + "/src", "destination", dir + "/src/")))
                .hasMessage("CopyFolder inputs[0]: cannot copy " + dir + "/src to " + dir + "/src/src,"
                        + " which is inside it");
    }

    @Test
    void copyFolderRefusesAFileSource() throws Exception {
        write(dir.resolve("a.txt"), "a");

        assertThatThrownBy(() -> run("CopyFolder", dir, Map.of("source", dir + "/a.txt", "destination", dir + "/b")))
                .hasMessage("CopyFolder inputs[0]: " + dir + "/a.txt is a file, not a folder");
    }

    @Test
    void moveFolderReplacesAnExistingFolder() throws Exception {
        write(dir.resolve("src/a.txt"), "a");
        write(dir.resolve("dst/old.txt"), "old");

        run("MoveFolder", dir, Map.of("source", dir + "/src", "destination", dir + "/dst"));

        assertThat(dir.resolve("src")).doesNotExist();
        assertThat(dir.resolve("dst/a.txt")).hasContent("a");
        assertThat(dir.resolve("dst/old.txt")).doesNotExist();
    }

    @Test
    void moveFolderWithWildcardMovesMatchingFoldersOnly() throws Exception {
        write(dir.resolve("src/app1/a"), "1");
        write(dir.resolve("src/app2/b"), "2");
        write(dir.resolve("src/app3"), "a file");

        run("MoveFolder", dir, Map.of("source", dir + "/src/app*", "destination", dir + "/dst/"));

        assertThat(dir.resolve("dst/app1/a")).hasContent("1");
        assertThat(dir.resolve("dst/app2/b")).hasContent("2");
        assertThat(dir.resolve("src/app3")).exists();
        assertThat(dir.resolve("dst/app3")).doesNotExist();
    }

    @Test
    void moveFolderFailsWhenTheSourceIsMissing() {
        assertThatThrownBy(() -> run("MoveFolder", dir, Map.of("source", dir + "/none", "destination", dir + "/d")))
                .hasMessage("MoveFolder inputs[0]: folder " + dir + "/none does not exist");
    }
}
