package dev.kiln.toe.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkTest {

    @Test
    void printsFileLineAndColumnLikeCompilers() {
        assertThat(new Mark("build.yaml", 12, 7)).hasToString("build.yaml:12:7");
    }

    @Test
    void printsOnlyTheFileWhenThePositionIsUnknown() {
        assertThat(new Mark("build.yaml", 0, 0)).hasToString("build.yaml");
        assertThat(Mark.UNKNOWN).hasToString("");
    }
}
