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

class FileAttributesTest {
    @TempDir
    Path dir;

    @Test
    void setFileOwnerWithoutGroupGivesTheOwnersLoginGroup() throws Exception {
        Path file = write(dir.resolve("f"), "x");
        TestContext ctx = context(dir, Map.of("path", p(file), "owner", "nobody"));

        run("SetFileOwner", ctx);

        assertThat(owner(file)).isEqualTo("nobody:nogroup");
        assertThat(ctx.notes).containsExactly("Set owner of " + file + " to nobody:65534");
    }

    @Test
    void setFileOwnerTakesNumericIds() throws Exception {
        Path file = write(dir.resolve("f"), "x");
        Files.setOwner(file, file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

        run("SetFileOwner", dir, Map.of("path", p(file), "owner", "0"));

        assertThat(owner(file)).isEqualTo("root:root");
    }

    @Test
    void setFileOwnerSetsTheGroupGiven() throws Exception {
        Path file = write(dir.resolve("f"), "x");

        run("SetFileOwner", dir, Map.of("path", p(file), "owner", "root", "group", "nogroup"));

        assertThat(owner(file)).isEqualTo("root:nogroup");
    }

    @Test
    void setFileOwnerFailsForAnUnknownUser() throws Exception {
        Path file = write(dir.resolve("f"), "x");

        assertThatThrownBy(() -> run("SetFileOwner", dir, Map.of("path", p(file), "owner", "no-such-user-kiln")))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("SetFileOwner inputs[0]: user no-such-user-kiln does not exist");
        assertThat(owner(file)).isEqualTo("root:root");
    }

    @Test
    void setFileOwnerFailsForAnUnknownGroup() throws Exception {
        Path file = write(dir.resolve("f"), "x");

        assertThatThrownBy(() -> run("SetFileOwner", dir,
                Map.of("path", p(file), "owner", "nobody", "group", "no-such-group-kiln")))
                .hasMessage("SetFileOwner inputs[0]: no user or group named no-such-group-kiln");
    }

    @Test
    void setFileOwnerFailsWhenTheFileIsMissing() {
        assertThatThrownBy(() -> run("SetFileOwner", dir, Map.of("path", dir + "/none", "owner", "root")))
                .hasMessage("SetFileOwner inputs[0]: file " + dir + "/none does not exist");
    }

    @Test
    void setFileOwnerRequiresAnOwner() throws Exception {
        Path file = write(dir.resolve("f"), "x");

        assertThatThrownBy(() -> run("SetFileOwner", dir, Map.of("path", p(file))))
                .hasMessage("SetFileOwner: inputs[0].owner is required");
    }

    @Test
    void setFolderOwnerChangesEverythingInsideByDefault() throws Exception {
        Path inner = write(dir.resolve("top/sub/f"), "x");

        run("SetFolderOwner", dir, Map.of("path", dir + "/top", "owner", "nobody", "group", "nogroup"));

        assertThat(owner(dir.resolve("top"))).isEqualTo("nobody:nogroup");
        assertThat(owner(inner)).isEqualTo("nobody:nogroup");
    }

    @Test
    void setFolderOwnerChangesOnlyTheFolderWhenNotRecursive() throws Exception {
        Path inner = write(dir.resolve("top/f"), "x");
        TestContext ctx = context(dir, Map.of("path", dir + "/top", "owner", "nobody", "recursive", "false"));

        run("SetFolderOwner", ctx);

        assertThat(owner(dir.resolve("top"))).isEqualTo("nobody:nogroup");
        assertThat(owner(inner)).isEqualTo("root:root");
    }

    @Test
    void setFolderOwnerRefusesAFile() throws Exception {
        Path file = write(dir.resolve("f"), "x");

        assertThatThrownBy(() -> run("SetFolderOwner", dir, Map.of("path", p(file), "owner", "nobody")))
                .hasMessage("SetFolderOwner inputs[0]: " + file + " is a file, not a folder");
    }

    @Test
    void setFilePermissionsSetsTheModeGivenInOctal() throws Exception {
        Path a = write(dir.resolve("a"), "x");
        Path b = write(dir.resolve("b"), "x");
        TestContext ctx = context(dir, Map.of("path", p(a), "permissions", "0640"),
                Map.of("path", p(b), "permissions", "755"));

        run("SetFilePermissions", ctx);

        assertThat(mode(a)).isEqualTo("rw-r-----");
        assertThat(mode(b)).isEqualTo("rwxr-xr-x");
        assertThat(ctx.notes).containsExactly("Set permissions of " + a + " to 0640",
                "Set permissions of " + b + " to 0755");
    }

    @Test
    void setFilePermissionsRequiresAnOctalMode() throws Exception {
        Path file = write(dir.resolve("f"), "x");

        assertThatThrownBy(() -> run("SetFilePermissions", dir, Map.of("path", p(file))))
                .hasMessage("SetFilePermissions: inputs[0].permissions is required");
        assertThatThrownBy(() -> run("SetFilePermissions", dir, Map.of("path", p(file), "permissions", "0999")))
                .hasMessage("SetFilePermissions: inputs[0].permissions must be an octal mode such as 0755, not '0999'");
    }

    @Test
    void setFilePermissionsRefusesAFolder() {
        assertThatThrownBy(() -> run("SetFilePermissions", dir, Map.of("path", p(dir), "permissions", "0700")))
                .hasMessage("SetFilePermissions inputs[0]: " + dir + " is a folder, not a file");
    }

    @Test
    void setFolderPermissionsChangesEverythingInsideByDefault() throws Exception {
        Path inner = write(dir.resolve("top/sub/f"), "x");

        run("SetFolderPermissions", dir, Map.of("path", dir + "/top/", "permissions", "0700"));

        assertThat(mode(dir.resolve("top"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("top/sub"))).isEqualTo("rwx------");
        assertThat(mode(inner)).isEqualTo("rwx------");
    }

    @Test
    void setFolderPermissionsChangesOnlyTheFolderWhenNotRecursive() throws Exception {
        Path inner = write(dir.resolve("top/f"), "x");
        String before = mode(inner);

        run("SetFolderPermissions", dir, Map.of("path", dir + "/top", "permissions", "0700", "recursive", "false"));

        assertThat(mode(dir.resolve("top"))).isEqualTo("rwx------");
        assertThat(mode(inner)).isEqualTo(before);
    }

    @Test
    void setFolderPermissionsFailsWhenTheFolderIsMissing() {
        assertThatThrownBy(() -> run("SetFolderPermissions", dir, Map.of("path", dir + "/none", "permissions", "0700")))
                .hasMessage("SetFolderPermissions inputs[0]: folder " + dir + "/none does not exist");
    }
}
