package dev.kiln.toe.action;

import static dev.kiln.toe.action.FileSteps.context;
import static dev.kiln.toe.action.FileSteps.p;
import static dev.kiln.toe.action.FileSteps.run;
import static dev.kiln.toe.action.FileSteps.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileContentTest {
    @TempDir
    Path dir;

    @Test
    void appendFileAddsToTheEnd() throws Exception {
        Path file = write(dir.resolve("f"), "one\n");
        TestContext ctx = context(dir, Map.of("path", p(file), "content", "two\n"));

        run("AppendFile", ctx);

        assertThat(file).hasContent("one\ntwo\n");
        assertThat(ctx.notes).containsExactly("Appended 4 characters to " + file);
    }

    @Test
    void appendFileWithoutContentLeavesTheFileAsItWas() throws Exception {
        Path file = write(dir.resolve("f"), "one");

        run("AppendFile", dir, Map.of("path", p(file)));

        assertThat(file).hasContent("one");
    }

    @Test
    void appendFileEncodesTheContentAsAsked() throws Exception {
        Path file = write(dir.resolve("f"), "");

        run("AppendFile", dir, Map.of("path", p(file), "content", "é", "encoding", "utf-16-be"));

        assertThat(Files.readAllBytes(file)).containsExactly(0x00, 0xE9);
    }

    @Test
    void appendFileFailsWhenTheFileIsMissing() {
        assertThatThrownBy(() -> run("AppendFile", dir, Map.of("path", dir + "/none", "content", "x")))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("AppendFile inputs[0]: file " + dir + "/none does not exist");
        assertThat(dir.resolve("none")).doesNotExist();
    }

    @Test
    void readFileAnswersTheContentWithoutPrintingIt() throws Exception {
        Path file = write(dir.resolve("f"), "line 1\nline 2\n");
        TestContext ctx = context(dir, Map.of("path", p(file)));

        ActionResult result = run("ReadFile", ctx);

        assertThat(result.outputs()).containsExactly(Map.entry("content", "line 1\nline 2\n"));
        assertThat(ctx.stdout).isEmpty();
        assertThat(ctx.notes).containsExactly("Read " + file);
    }

    @Test
    void readFilePrintsTheContentWhenAsked() throws Exception {
        Path file = write(dir.resolve("f"), "line 1\nline 2\n");
        TestContext ctx = context(dir, Map.of("path", p(file), "printFileContent", "true"));

        run("ReadFile", ctx);

        assertThat(ctx.stdout).containsExactly("line 1", "line 2");
    }

    @Test
    void readFileDecodesTheEncodingAskedForAndDropsAByteOrderMark() throws Exception {
        Path plain = dir.resolve("plain");
        Files.write(plain, "hé".getBytes(StandardCharsets.UTF_16LE));
        Path marked = dir.resolve("marked");
        Files.write(marked, "\uFEFFhé".getBytes(Charset.forName("UTF-32BE")));

        ActionResult first = run("ReadFile", dir, Map.of("path", p(plain), "encoding", "UTF16"));
        ActionResult second = run("ReadFile", dir, Map.of("path", p(marked), "encoding", "utf-32-BE"));

        assertThat(first.outputs().get("content")).isEqualTo("hé");
        assertThat(second.outputs().get("content")).isEqualTo("hé");
    }

    @Test
    void readFileFollowsALink() throws Exception {
        Path target = write(dir.resolve("target"), "t");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        ActionResult result = run("ReadFile", dir, Map.of("path", p(link)));

        assertThat(result.outputs().get("content")).isEqualTo("t");
    }

    @Test
    void readFileWithSeveralFilesAnswersTheirTextsOneAfterAnother() throws Exception {
        Path a = write(dir.resolve("a"), "a\n");
        Path b = write(dir.resolve("b"), "b\n");

        ActionResult result = run("ReadFile", dir, Map.of("path", p(a)), Map.of("path", p(b)));

        assertThat(result.outputs().get("content")).isEqualTo("a\nb\n");
    }

    @Test
    void readFileFailsWhenTheFileIsMissing() {
        assertThatThrownBy(() -> run("ReadFile", dir, Map.of("path", dir + "/none")))
                .hasMessage("ReadFile inputs[0]: file " + dir + "/none does not exist");
    }

    @Test
    void readFileFailsOnBytesThatAreNotTextInTheEncoding() throws Exception {
        Path file = dir.resolve("binary");
        Files.write(file, new byte[] {(byte) 0xC3, (byte) 0x28});

        assertThatThrownBy(() -> run("ReadFile", dir, Map.of("path", p(file))))
                .hasMessage("ReadFile inputs[0]: " + file + " is not UTF-8 text");
    }

    @Test
    void setFileEncodingConvertsUtf8ToTheEncodingAskedFor() throws Exception {
        Path file = write(dir.resolve("f"), "hé");
        TestContext ctx = context(dir, Map.of("path", p(file), "encoding", "UTF-16"));

        run("SetFileEncoding", ctx);

        assertThat(Files.readAllBytes(file)).containsExactly(0x68, 0x00, 0xE9, 0x00);
        assertThat(ctx.notes).containsExactly("Converted " + file + " from UTF-8 to UTF-16LE");
    }

    @Test
    void setFileEncodingFailsOnAFileThatIsNotUtf8AndLeavesItAlone() throws Exception {
        Path file = dir.resolve("f");
        byte[] latin1 = "hé".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, latin1);

        assertThatThrownBy(() -> run("SetFileEncoding", dir, Map.of("path", p(file), "encoding", "utf32")))
                .hasMessage("SetFileEncoding inputs[0]: " + file + " is not UTF-8 text");
        assertThat(Files.readAllBytes(file)).isEqualTo(latin1);
    }

    @Test
    void setFileEncodingFailsWhenTheFileIsMissing() {
        assertThatThrownBy(() -> run("SetFileEncoding", dir, Map.of("path", dir + "/none", "encoding", "utf16")))
                .hasMessage("SetFileEncoding inputs[0]: file " + dir + "/none does not exist");
    }
}
