package dev.kiln.machines.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RunTrailerFilterTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final RunTrailerFilter filter = new RunTrailerFilter(out);

    @Test
    void dropsBuildahsLinesAfterAFailedProgram() throws Exception {
        write("widget 7 is broken\nsubprocess exited with status 7\nsubprocess exited with status 7\n"
                + "Error: exit status 7\n");
        filter.finish(true);

        assertThat(text()).isEqualTo("widget 7 is broken\n");
    }

    @Test
    void keepsLinesLikeThemThatTheProgramWrote() throws Exception {
        write("Error: exit status 3\nbut the program went on\n");
        write("subprocess exited on killed\n");
        filter.finish(false);

        assertThat(text()).isEqualTo("Error: exit status 3\nbut the program went on\nsubprocess exited on killed\n");
    }

    @Test
    void passesLinesSplitAcrossWritesAndALastLineWithoutNewline() throws Exception {
        write("one\ntw");
        write("o\nthree");
        filter.finish(true);

        assertThat(text()).isEqualTo("one\ntwo\nthree");
    }

    private void write(String s) throws Exception {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        filter.write(b, 0, b.length);
    }

    private String text() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
