package dev.kiln.common.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TailTest {

    @Test
    void keepsTheLastLines() {
        Tail tail = new Tail(3);
        for (int i = 1; i <= 5; i++) {
            tail.add("line " + i);
        }
        assertThat(tail.lines()).containsExactly("line 3", "line 4", "line 5");
        assertThat(tail.text()).isEqualTo("line 3\nline 4\nline 5");
        assertThat(tail.last(2)).isEqualTo("line 4\nline 5");
        assertThat(tail.last(10)).isEqualTo("line 3\nline 4\nline 5");
        assertThat(tail.suffix("; its last output:\n")).isEqualTo("; its last output:\nline 3\nline 4\nline 5");
    }

    @Test
    void nothingToQuoteWhenNothingWasWritten() {
        Tail tail = new Tail(3);
        assertThat(tail.isEmpty()).isTrue();
        assertThat(tail.text()).isEmpty();
        assertThat(tail.suffix("; its last output:\n")).isEmpty();
        tail.add("  ");
        assertThat(tail.isEmpty()).isFalse();
        assertThat(tail.suffix("; its last output:\n")).isEmpty();
        assertThatThrownBy(() -> new Tail(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lastLinesOfAText() {
        assertThat(Tail.lastLines("a\nb\nc\nd", 2)).isEqualTo("c\nd");
        assertThat(Tail.lastLines("a", 5)).isEqualTo("a");
        assertThat(Tail.quote("; said:\n", "x")).isEqualTo("; said:\nx");
        assertThat(Tail.quote("; said:\n", "\n")).isEmpty();
    }

    @Test
    void keepsBothStreamsOfARealProgramInOrder() throws Exception {
        Tail tail = new Tail(2);
        // Two pipes read by two threads: the pauses keep the order of lines across them certain.
        ExecResult r = ProcessRunner.run(ExecRequest.of(List.of("sh", "-c", "echo one; echo two; sleep 0.3;"
                + " echo three >&2; sleep 0.3; echo four"), Duration.ofSeconds(10)), tail.listener());

        assertThat(r.succeeded()).isTrue();
        assertThat(tail.lines()).containsExactly("three", "four");
    }

    @Test
    void manyWritersAtOnceKeepExactlyTheLimit() throws Exception {
        Tail tail = new Tail(100);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            int id = t;
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 10_000; i++) {
                    tail.add(id + ":" + i);
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tail.lines()).hasSize(100);
    }
}
