package dev.kiln.machines.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

    @Test
    void splitsBytesIntoLinesAndGivesTheLastPartialLineOnClose() throws Exception {
        List<String> lines = new ArrayList<>();
        try (LineSplitter s = new LineSplitter(lines::add)) {
            s.write("one\r\ntw".getBytes(StandardCharsets.UTF_8));
            s.write("o\n\nthré".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(lines).containsExactly("one", "two", "", "thré");
    }
}
