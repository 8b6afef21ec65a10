package dev.kiln.toe.action;

import static dev.kiln.toe.action.FileSteps.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.toe.action.TargetFiles.Kind;
import dev.kiln.toe.target.FileInfo;
import dev.kiln.toe.target.LocalTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetFilesTest {
    @TempDir
    Path dir;

    private TargetFiles files;

    @BeforeEach
    void target() {
        files = new TargetFiles(new LocalTarget(dir.resolve(".work")));
    }

    @Test
    void expandSortsMatchesAndCountsALinkAsWhatItLeadsTo() throws Exception {
        write(dir.resolve("src/b"), "");
        write(dir.resolve("src/a"), "");
        Path folder = Files.createDirectories(dir.resolve("folder"));
        Files.createSymbolicLink(dir.resolve("src/c"), folder);

        assertThat(files.expand(dir + "/src/*", Kind.FILE)).containsExactly(dir + "/src/a", dir + "/src/b");
        assertThat(files.expand(dir + "/src/*", Kind.FOLDER)).containsExactly(dir + "/src/c");
    }

    @Test
    void expandWithoutWildcardAnswersThePathItselfTrimmed() throws Exception {
        Files.createDirectories(dir.resolve("folder"));

        assertThat(files.expand(dir + "/folder/", Kind.FOLDER)).containsExactly(dir + "/folder");
    }

    @Test
    void entrySeesALinkItselfWhereStatSeesWhatItLeadsTo() throws Exception {
        Path target = write(dir.resolve("target"), "t");
        Files.createSymbolicLink(dir.resolve("link"), target);
        Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("none"));

        assertThat(files.entry(dir + "/link").orElseThrow().type()).isEqualTo(FileInfo.Type.SYMLINK);
        assertThat(files.stat(dir + "/link").orElseThrow().type()).isEqualTo(FileInfo.Type.FILE);
        assertThat(files.entry(dir + "/dangling")).isPresent();
        assertThat(files.entry(dir + "/none")).isEmpty();
        assertThat(files.entry(dir + "/none/deeper")).isEmpty();
    }

    @Test
    void createParentMakesMissingFoldersAndRefusesAFileInTheWay() throws Exception {
        files.createParent(dir + "/a/b/c.txt");
        write(dir.resolve("file"), "x");

        assertThat(dir.resolve("a/b")).isDirectory();
        assertThatThrownBy(() -> files.createParent(dir + "/file/c.txt"))
                .isInstanceOf(StepFailedException.class)
                .hasMessage(dir + "/file is a file, not a folder");
    }

    @Test
    void primaryGroupAsksTheTargetForTheUsersLoginGroup() throws Exception {
        assertThat(files.primaryGroup("root")).isEqualTo("0");
        assertThat(files.primaryGroup("nobody")).isEqualTo("65534");
        assertThatThrownBy(() -> files.primaryGroup("no-such-user-kiln"))
                .hasMessage("user no-such-user-kiln does not exist");
    }
}
