package dev.kiln.machines.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.toe.target.FileInfo;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellTargetTest {


    /** Runs every program on this host, the way a sandbox target runs them through nsenter. */
    static class HostShell extends ShellTarget {
        final List<List<String>> commands = new CopyOnWriteArrayList<>();

        HostShell(String description) {
            super(description, Platform.LINUX);
        }

        @Override
        protected ExecResult execRaw(List<String> argv, InputStream stdin, OutputStream stdout, OutputStream stderr,
                                     Duration timeout) throws IOException, InterruptedException {
            commands.add(argv);
            return execOnHost(argv, stdin, stdout, stderr, timeout);
        }

        @Override
        public RebootOutcome reboot(Duration delay) {
            return RebootOutcome.STOPPED;
        }
    }

    /** The target under test; a subclass runs the same tests with other tools. */
    HostShell newTarget() {
        return new HostShell("the test host");
    }

    @TempDir
    Path dir;

    final HostShell target = newTarget();

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void execStreamsLinesWithEnvironmentAndWorkingFolder() throws Exception {
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        ExecResult r = target.exec(new ExecRequest(
                List.of("sh", "-c", "pwd; printf '%s\\n' \"$GREETING\"; echo oops >&2; printf 'no end'; exit 3"),
                Map.of("GREETING", "it's \"quoted\" $HOME; rm -rf /"), dir.toString(), Duration.ofSeconds(10)),
                listener(out, err));
        assertThat(r).isEqualTo(new ExecResult(3, false));
        assertThat(out).containsExactly(dir.toString(), "it's \"quoted\" $HOME; rm -rf /", "no end");
        assertThat(err).containsExactly("oops");
    }

    @Test
    void execOfAMissingWorkingFolderNamesIt() {
        assertThatThrownBy(() -> target.exec(new ExecRequest(List.of("true"), Map.of(), p("nowhere"), null),
                OutputListener.NONE))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(p("nowhere"));
    }

    @Test
    void execTimeoutKillsTheProgram() throws Exception {
        long start = System.nanoTime();
        ExecResult r = target.exec(ExecRequest.of(List.of("sleep", "1000"), Duration.ofSeconds(1)),
                OutputListener.NONE);
        assertThat(r).isEqualTo(new ExecResult(-1, true));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void binaryContentsRoundTrip() throws Exception {
        byte[] data = new byte[70_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + i / 256);
        }
        target.write(p("blob"), data, false);
        assertThat(target.read(p("blob"))).isEqualTo(data);
        assertThat(Files.readAllBytes(dir.resolve("blob"))).isEqualTo(data);
        target.write(p("empty"), new byte[0], false);
        assertThat(target.read(p("empty"))).isEmpty();
    }

    @Test
    void writeReplacesOrAppends() throws Exception {
        target.write(p("f"), bytes("one\n"), false);
        target.write(p("f"), bytes("two\n"), true);
        assertThat(text(target.read(p("f")))).isEqualTo("one\ntwo\n");
        target.write(p("f"), bytes("three"), false);
        assertThat(text(target.read(p("f")))).isEqualTo("three");
        target.write(p("new"), bytes("x"), true);
        assertThat(text(target.read(p("new")))).isEqualTo("x");
    }

    @Test
    void oddNamesAreNeverParsedByTheShell() throws Exception {
        for (String name : List.of("with space", "it's \"quoted\"", "-rf", "new\nline", "$(touch pwned)", "*",
                "back\\slash", "ünïcödé")) {
            String path = p(name);
            target.write(path, bytes(name), false);
            assertThat(text(target.read(path))).isEqualTo(name);
            assertThat(target.stat(path)).get().extracting(FileInfo::path, FileInfo::size)
                    .containsExactly(path, (long) bytes(name).length);
            target.copy(path, path + ".copy", false);
            target.move(path + ".copy", path + ".moved", false);
            target.setPermissions(path + ".moved", 0600, false);
            target.createSymlink(path + ".link", path + ".moved", false);
            target.delete(path + ".link", false);
            target.delete(path + ".moved", false);
        }
        assertThat(target.list(dir.toString(), false)).extracting(FileInfo::path).containsExactlyInAnyOrder(
                p("with space"), p("it's \"quoted\""), p("-rf"), p("new\nline"), p("$(touch pwned)"), p("*"),
                p("back\\slash"), p("ünïcödé"));
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void relativePathsStartingWithADashAreNotOptions() throws Exception {
        String folder = "-kiln-test-" + ProcessHandle.current().pid();
        try {
            target.createFolders(folder);
            target.write(folder + "/f", bytes("x"), false);
            assertThat(target.list(folder, true)).extracting(FileInfo::path).containsExactly(folder + "/f");
            assertThat(target.exec(new ExecRequest(List.of("cat", "f"), Map.of(), folder, null), OutputListener.NONE)
                    .exitCode()).isZero();
        } finally {
            target.delete(folder, true);
        }
        assertThat(Path.of(folder)).doesNotExist();
    }

    @Test
    void statFollowsSymlinksAndAnswersEmptyWhenNothingIsThere() throws Exception {
        target.write(p("f"), bytes("12345"), false);
        target.createFolders(p("a/b/c"));
        target.setPermissions(p("f"), 0640, false);
        target.createSymlink(p("link"), p("f"), false);
        target.createSymlink(p("dangling"), p("missing"), false);
        assertThat(target.stat(p("f"))).contains(new FileInfo(p("f"), FileInfo.Type.FILE, 5, 0640, "root", "root"));
        assertThat(target.stat(p("link")).orElseThrow().type()).isEqualTo(FileInfo.Type.FILE);
        assertThat(target.stat(p("a/b")).orElseThrow().isFolder()).isTrue();
        assertThat(target.stat(p("missing"))).isEmpty();
        assertThat(target.stat(p("dangling"))).isEmpty();
        assertThat(target.stat("/dev/null").orElseThrow().type()).isEqualTo(FileInfo.Type.OTHER);
    }

    @Test
    void listsOneLevelOrAllWithoutFollowingLinks() throws Exception {
        target.createFolders(p("d/sub/deeper"));
        target.write(p("d/top"), bytes("t"), false);
        target.write(p("d/sub/deeper/leaf"), bytes("leaf"), false);
        target.createSymlink(p("d/link"), p("d/sub"), false);
        assertThat(target.list(p("d"), false)).extracting(FileInfo::path, FileInfo::type).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(p("d/sub"), FileInfo.Type.FOLDER),
                org.assertj.core.groups.Tuple.tuple(p("d/top"), FileInfo.Type.FILE),
                org.assertj.core.groups.Tuple.tuple(p("d/link"), FileInfo.Type.SYMLINK));
        assertThat(target.list(p("d"), true)).extracting(FileInfo::path).containsExactlyInAnyOrder(
                p("d/sub"), p("d/top"), p("d/link"), p("d/sub/deeper"), p("d/sub/deeper/leaf"));
        assertThat(target.list(p("d/sub/deeper"), false)).singleElement()
                .isEqualTo(new FileInfo(p("d/sub/deeper/leaf"), FileInfo.Type.FILE, 4,
                        modeOf(dir.resolve("d/sub/deeper/leaf")), "root", "root"));
        assertThatThrownBy(() -> target.list(p("nothing"), false)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(p("nothing"));
        assertThatThrownBy(() -> target.list(p("d/top"), false)).isInstanceOf(NotDirectoryException.class)
                .hasMessageContaining(p("d/top"));
    }

    @Test
    void deletesFilesEmptyFoldersOrWholeTrees() throws Exception {
        target.createFolders(p("tree/a/b"));
        target.write(p("tree/a/b/f"), bytes("x"), false);
        target.write(p("tree/.hidden"), bytes("x"), false);
        target.createFolders(p("empty"));
        target.createSymlink(p("link-to-tree"), p("tree"), false);

        target.delete(p("link-to-tree"), true);
        assertThat(dir.resolve("tree/a/b/f")).exists();
        assertThatThrownBy(() -> target.delete(p("tree"), false)).isInstanceOf(DirectoryNotEmptyException.class)
                .hasMessageContaining(p("tree"));
        target.delete(p("tree/a/b/f"), false);
        target.delete(p("tree/a/b"), false);
        target.createFolders(p("onlyhidden"));
        target.write(p("onlyhidden/.x"), bytes("x"), false);
        assertThatThrownBy(() -> target.delete(p("onlyhidden"), false))
                .isInstanceOf(DirectoryNotEmptyException.class);
        target.delete(p("tree"), true);
        target.delete(p("empty"), false);
        assertThat(dir.resolve("tree")).doesNotExist();
        assertThat(dir.resolve("empty")).doesNotExist();
        assertThatThrownBy(() -> target.delete(p("tree"), true)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(p("tree"));
    }

    @Test
    void copiesFilesAndFoldersReplacingOnlyWhenAsked() throws Exception {
        target.createFolders(p("src/sub"));
        target.write(p("src/sub/f"), bytes("deep"), false);
        target.write(p("src/top"), bytes("top"), false);
        target.setPermissions(p("src/top"), 0754, false);
        target.createSymlink(p("src/link"), "sub/f", false);

        target.copy(p("src"), p("dst"), false);
        assertThat(text(target.read(p("dst/sub/f")))).isEqualTo("deep");
        assertThat(target.stat(p("dst/top")).orElseThrow().mode()).isEqualTo(0754);
        assertThat(Files.readSymbolicLink(dir.resolve("dst/link"))).isEqualTo(Path.of("sub/f"));
        assertThat(dir.resolve("dst/src")).doesNotExist();

        assertThatThrownBy(() -> target.copy(p("src"), p("dst"), false))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(p("dst"));
        assertThatThrownBy(() -> target.copy(p("src/top"), p("dst/top"), false))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(p("dst/top"));
        target.write(p("src/top"), bytes("changed"), false);
        target.copy(p("src"), p("dst"), true);
        assertThat(text(target.read(p("dst/top")))).isEqualTo("changed");
        target.copy(p("src/sub/f"), p("dst/top"), true);
        assertThat(text(target.read(p("dst/top")))).isEqualTo("deep");
        assertThatThrownBy(() -> target.copy(p("nothing"), p("x"), true)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(p("nothing"));
    }

    @Test
    void movesReplacingOnlyWhenAsked() throws Exception {
        target.write(p("a"), bytes("a"), false);
        target.write(p("b"), bytes("b"), false);
        assertThatThrownBy(() -> target.move(p("a"), p("b"), false))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(p("b"));
        target.move(p("a"), p("b"), true);
        assertThat(text(target.read(p("b")))).isEqualTo("a");
        assertThat(dir.resolve("a")).doesNotExist();
        target.move(p("b"), p("b"), true);
        assertThat(dir.resolve("b")).exists();
        target.createFolders(p("folder/inner"));
        target.move(p("folder"), p("renamed"), false);
        assertThat(dir.resolve("renamed/inner")).isDirectory();
        assertThatThrownBy(() -> target.move(p("a"), p("c"), false)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(p("a"));
    }

    @Test
    void setsPermissionsIncludingSpecialBitsAndRecursively() throws Exception {
        target.createFolders(p("d/e"));
        target.write(p("d/e/f"), bytes("f"), false);
        target.setPermissions(p("d/e/f"), 04755, false);
        assertThat(target.stat(p("d/e/f")).orElseThrow().mode()).isEqualTo(04755);
        target.setPermissions(p("d/e"), 02770, false);
        assertThat(target.stat(p("d/e")).orElseThrow().mode()).isEqualTo(02770);
        target.setPermissions(p("d/e"), 0750, false);
        assertThat(target.stat(p("d/e")).orElseThrow().mode()).isEqualTo(0750);
        target.setPermissions(p("d"), 0700, true);
        assertThat(target.list(p("d"), true)).extracting(FileInfo::mode).containsOnly(0700);
        assertThatThrownBy(() -> target.setPermissions(p("nothing"), 0644, false))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining(p("nothing"));
    }

    @Test
    void setsOwnerByNameOrNumberAndNamesBadUsers() throws Exception {
        target.createFolders(p("d/e"));
        target.write(p("d/e/f"), bytes("f"), false);
        target.setOwner(p("d"), "nobody", "nogroup", true);
        assertThat(target.list(p("d"), true)).extracting(FileInfo::owner, FileInfo::group)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("nobody", "nogroup"));
        target.setOwner(p("d/e/f"), "0", null, false);
        assertThat(target.stat(p("d/e/f")).orElseThrow().owner()).isEqualTo("root");
        assertThat(target.stat(p("d/e/f")).orElseThrow().group()).isEqualTo("nogroup");
        target.setOwner(p("d/e/f"), null, "0", false);
        assertThat(target.stat(p("d/e/f")).orElseThrow().group()).isEqualTo("root");
        target.setOwner(p("d"), "12345", "54321", false);
        assertThat(Files.getAttribute(dir.resolve("d"), "unix:uid")).isEqualTo(12345);
        assertThatThrownBy(() -> target.setOwner(p("d"), "no-such-user-kiln", null, false))
                .isInstanceOf(IOException.class).hasMessageContaining(p("d")).hasMessageContaining("no-such-user-kiln");
    }

    @Test
    void createsSymlinksReplacingOnlyWhenForced() throws Exception {
        target.write(p("one"), bytes("1"), false);
        target.write(p("two"), bytes("2"), false);
        target.createFolders(p("emptyfolder"));
        target.createSymlink(p("link"), p("one"), false);
        assertThat(Files.readSymbolicLink(dir.resolve("link"))).isEqualTo(dir.resolve("one"));
        assertThatThrownBy(() -> target.createSymlink(p("link"), p("two"), false))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(p("link"));
        target.createSymlink(p("link"), p("two"), true);
        assertThat(text(target.read(p("link")))).isEqualTo("2");
        target.createSymlink(p("emptyfolder"), p("one"), true);
        assertThat(Files.isSymbolicLink(dir.resolve("emptyfolder"))).isTrue();
    }

    @Test
    void errorsNameThePathAndCarryTheToolsMessage() throws Exception {
        target.write(p("file"), bytes("x"), false);
        assertThatThrownBy(() -> target.read(p("missing"))).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(p("missing")).hasMessageContaining(target.description());
        assertThatThrownBy(() -> target.write(p("no/parent"), bytes("x"), false))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining(p("no/parent"));
        assertThatThrownBy(() -> target.createFolders(p("file/sub")))
                .isInstanceOf(IOException.class).hasMessageContaining(p("file/sub"))
                .hasMessageContaining("mkdir");
        assertThatThrownBy(() -> target.read(dir.toString())).isInstanceOf(IOException.class)
                .hasMessageContaining("is a folder");
    }

    @Test
    void workFolderIsMadeOnceAndRemadeAfterAReboot() throws Exception {
        String work = target.workFolder();
        try {
            assertThat(work).startsWith("/tmp/kiln.");
            assertThat(Path.of(work)).isDirectory();
            int runs = target.commands.size();
            assertThat(target.workFolder()).isEqualTo(work);
            assertThat(target.commands).hasSize(runs);
            Files.delete(Path.of(work));
            target.workFolderMayHaveVanished();
            assertThat(target.workFolder()).isEqualTo(work);
            assertThat(Path.of(work)).isDirectory();
        } finally {
            Files.deleteIfExists(Path.of(work));
        }
    }

    private static int modeOf(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
    }

    private static OutputListener listener(List<String> out, List<String> err) {
        return new OutputListener() {
            @Override
            public void stdout(String line) {
                out.add(line);
            }

            @Override
            public void stderr(String line) {
                err.add(line);
            }
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
