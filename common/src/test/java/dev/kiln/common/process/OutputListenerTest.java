package dev.kiln.common.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputListenerTest {

    @Test
    void eachFactoryRoutesTheStreamsItsWay() {
        List<String> merged = new ArrayList<>();
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        List<String> split = new ArrayList<>();
        for (OutputListener l : List.of(OutputListener.merged(merged::add), OutputListener.stdoutOnly(out::add),
                OutputListener.stderrOnly(err::add), OutputListener.of(line -> split.add("out " + line),
                        line -> split.add("err " + line)), OutputListener.NONE)) {
            l.stdout("o1");
            l.stderr("e1");
            l.stdout("o2");
        }

        assertThat(merged).containsExactly("o1", "e1", "o2");
        assertThat(out).containsExactly("o1", "o2");
        assertThat(err).containsExactly("e1");
        assertThat(split).containsExactly("out o1", "err e1", "out o2");
    }
}
