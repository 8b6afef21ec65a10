package dev.kiln.toe.action;

import static dev.kiln.toe.action.FileSteps.context;
import static dev.kiln.toe.action.FileSteps.mode;
import static dev.kiln.toe.action.FileSteps.owner;
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

class FileCreationTest {
    @TempDir
    Path dir;

    @Test
    void createFileWritesContentCreatingMissingFolders() throws Exception {
        Path file = dir.resolve("a/b/c.txt");
        TestContext ctx = context(dir, Map.of("path", p(file), "content", "line 1\nline 2\n"));

        run("CreateFile", ctx);

        assertThat(file).hasContent("line 1\nline 2\n");
        assertThat(ctx.notes).containsExactly("Created file " + file);
    }

    @Test
    void createFileWithoutContentMakesAnEmptyFile() throws Exception {
        run("CreateFile", dir, Map.of("path", dir + "/empty"));

        assertThat(dir.resolve("empty")).isEmptyFile();
    }

    @Test
    void createFileWritesTheEncodingAskedForWithoutByteOrderMark() throws Exception {
        run("CreateFile", dir, Map.of("path", dir + "/le", "content", "hé", "encoding", "UTF-16"),
                Map.of("path", dir + "/be", "content", "hé", "encoding", "utf32-be"));

        assertThat(Files.readAllBytes(dir.resolve("le"))).containsExactly(0x68, 0, 0xE9, 0);
        assertThat(Files.readAllBytes(dir.resolve("be"))).containsExactly(0, 0, 0, 0x68, 0, 0, 0, 0xE9);
    }

    @Test
    void createFileAppliesPermissionsExactlyWhateverTheUmask() throws Exception {
        run("CreateFile", dir, Map.of("path", dir + "/open", "permissions", "0666"),
                Map.of("path", dir + "/private", "permissions", "600"));

        assertThat(mode(dir.resolve("open"))).isEqualTo("rw-rw-rw-");
        assertThat(mode(dir.resolve("private"))).isEqualTo("rw-------");
    }

    @Test
    void createFileSetsOwnerAndGroupByNameOrId() throws Exception {
        run("CreateFile", dir, Map.of("path", dir + "/byname", "owner", "nobody", "group", "nogroup"),
                Map.of("path", dir + "/byid", "owner", "65534", "group", "0"));

        assertThat(owner(dir.resolve("byname"))).isEqualTo("nobody:nogroup");
        assertThat(owner(dir.resolve("byid"))).isEqualTo("nobody:root");
    }

    @Test
    void createFileWithOnlyAGroupKeepsTheOwner() throws Exception {
        run("CreateFile", dir, Map.of("path", dir + "/f", "group", "nogroup"));

        assertThat(owner(dir.resolve("f"))).isEqualTo("root:nogroup");
    }

    @Test
    void createFileReplacesAnExistingFileByDefault() throws Exception {
        Path file = write(dir.resolve("f"), "a much longer old content");

        run("CreateFile", dir, Map.of("path", p(file), "content", "new"));

        assertThat(file).hasContent("new");
    }

    @Test
    void createFileKeepsAnExistingFileWhenOverwriteIsFalse() throws Exception {
        Path file = write(dir.resolve("f"), "old");

        assertThatThrownBy(() -> run("CreateFile", dir,
                Map.of("path", p(file), "content", "new", "overwrite", "false")))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("CreateFile inputs[0]: " + file + " already exists and overwrite is false");
        assertThat(file).hasContent("old");
    }

    @Test
    void createFileRefusesAPathThatIsAFolder() throws Exception {
        Files.createDirectories(dir.resolve("folder"));

        assertThatThrownBy(() -> run("CreateFile", dir, Map.of("path", dir + "/folder")))
                .hasMessage("CreateFile inputs[0]: " + dir + "/folder is a folder, not a file");
    }

    @Test
    void createFileChecksEveryInputBeforeCreatingAnything() {
        assertThatThrownBy(() -> run("CreateFile", dir, Map.of("path", dir + "/first"),
                Map.of("path", dir + "/second", "encoding", "latin1")))
                .hasMessage("CreateFile: inputs[1].encoding must be " + TextEncoding.ACCEPTED + ", not 'latin1'");
        assertThat(dir.resolve("first")).doesNotExist();
    }

    @Test
    void createFileRejectsAModeThatIsNotOctal() {
        assertThatThrownBy(() -> run("CreateFile", dir, Map.of("path", dir + "/f", "permissions", "rwxr-xr-x")))
                .hasMessageStartingWith("CreateFile: inputs[0].permissions must be an octal mode");
    }

    @Test
    void createFileRejectsAnEmptyPath() {
        assertThatThrownBy(() -> run("CreateFile", dir, Map.of("path", " ")))
                .hasMessage("CreateFile: inputs[0].path must not be empty");
    }

    @Test
    void createFileFailsForAnUnknownOwner() {
        assertThatThrownBy(() -> run("CreateFile", dir, Map.of("path", dir + "/f", "owner", "no-such-user-kiln")))
                .hasMessage("CreateFile inputs[0]: no user or group named no-such-user-kiln");
    }

    @Test
    void createFolderCreatesMissingParentsWithTheModeAskedFor() throws Exception {
        Path folder = dir.resolve("a/b/c");
        TestContext ctx = context(dir, Map.of("path", folder + "/", "permissions", "0750", "owner", "nobody"));

        run("CreateFolder", ctx);

        assertThat(folder).isDirectory();
        assertThat(mode(folder)).isEqualTo("rwxr-x---");
        assertThat(owner(folder)).isEqualTo("nobody:root");
        assertThat(ctx.notes).containsExactly("Created folder " + folder + "/");
    }

    @Test
    void createFolderKeepsWhatAnExistingFolderHolds() throws Exception {
        Path kept = write(dir.resolve("folder/kept"), "kept");

        run("CreateFolder", dir, Map.of("path", dir + "/folder", "permissions", "0700"));

        assertThat(kept).hasContent("kept");
        assertThat(mode(dir.resolve("folder"))).isEqualTo("rwx------");
    }

    @Test
    void createFolderRefusesAnExistingFolderWhenOverwriteIsFalse() throws Exception {
        Files.createDirectories(dir.resolve("folder"));

        assertThatThrownBy(() -> run("CreateFolder", dir, Map.of("path", dir + "/folder", "overwrite", "false")))
                .hasMessage("CreateFolder inputs[0]: " + dir + "/folder already exists and overwrite is false");
    }

    @Test
    void createFolderRefusesAPathThatIsAFile() throws Exception {
        write(dir.resolve("file"), "x");

        assertThatThrownBy(() -> run("CreateFolder", dir, Map.of("path", dir + "/file")))
                .hasMessage("CreateFolder inputs[0]: " + dir + "/file is a file, not a folder");
    }

    @Test
    void createFolderFailsWhenAParentIsAFile() throws Exception {
        write(dir.resolve("file"), "x");

        assertThatThrownBy(() -> run("CreateFolder", dir, Map.of("path", dir + "/file/sub")))
                .hasMessage("CreateFolder inputs[0]: " + dir + "/file/sub: Not a directory");
    }

    @Test
    void createSymlinkLinksToAnExistingTargetCreatingMissingFolders() throws Exception {
        Path target = write(dir.resolve("target.txt"), "t");
        Path link = dir.resolve("links/link.txt");
        TestContext ctx = context(dir, Map.of("path", p(link), "target", p(target)));

        run("CreateSymlink", ctx);

        assertThat(Files.readSymbolicLink(link)).isEqualTo(target);
        assertThat(ctx.notes).containsExactly("Linked " + link + " to " + target);
    }

    @Test
    void createSymlinkLooksForARelativeTargetNextToTheLink() throws Exception {
        write(dir.resolve("links/target.txt"), "t");

        run("CreateSymlink", dir, Map.of("path", dir + "/links/link", "target", "target.txt"));

        assertThat(dir.resolve("links/link")).hasContent("t");
    }

    @Test
    void createSymlinkFailsWhenTheTargetIsMissing() {
        assertThatThrownBy(() -> run("CreateSymlink", dir, Map.of("path", dir + "/link", "target", dir + "/none")))
                .hasMessage("CreateSymlink inputs[0]: link target " + dir + "/none does not exist");
        assertThat(dir.resolve("link")).doesNotExist();
    }

    @Test
    void createSymlinkKeepsAnExistingLinkWithoutForce() throws Exception {
        Path old = write(dir.resolve("old"), "old");
        Path fresh = write(dir.resolve("new"), "new");
        Path link = Files.createSymbolicLink(dir.resolve("link"), old);

        assertThatThrownBy(() -> run("CreateSymlink", dir, Map.of("path", p(link), "target", p(fresh))))
                .hasMessage("CreateSymlink inputs[0]: link " + link + " already exists and force is false");
        assertThat(Files.readSymbolicLink(link)).isEqualTo(old);
    }

    @Test
    void createSymlinkWithForceReplacesAnExistingLink() throws Exception {
        Path old = write(dir.resolve("old"), "old");
        Path fresh = write(dir.resolve("new"), "new");
        Path link = Files.createSymbolicLink(dir.resolve("link"), old);

        run("CreateSymlink", dir, Map.of("path", p(link), "target", p(fresh), "force", "true"));

        assertThat(Files.readSymbolicLink(link)).isEqualTo(fresh);
    }

    @Test
    void createSymlinkNeverReplacesAFileEvenWithForce() throws Exception {
        Path target = write(dir.resolve("target"), "t");
        Path file = write(dir.resolve("file"), "precious");

        assertThatThrownBy(() -> run("CreateSymlink", dir,
                Map.of("path", p(file), "target", p(target), "force", "true")))
                .hasMessage("CreateSymlink inputs[0]: " + file + " exists and is not a symbolic link");
        assertThat(file).hasContent("precious");
    }
}
