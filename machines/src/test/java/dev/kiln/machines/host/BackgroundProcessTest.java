package dev.kiln.machines.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.wait.Wait;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundProcessTest {
    private final List<String> out = new CopyOnWriteArrayList<>();

    @Test
    void itsEndIsAFutureWithTheExitCodeAndItsOutputComesAsItRuns() throws Exception {
        BackgroundProcess p = start("echo hello; exit 4", null);

        ExecResult r = p.exit().get(10, TimeUnit.SECONDS);

        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(out).containsExactly("hello");
        assertThat(p.awaitEnd(Duration.ofSeconds(5))).isTrue();
        assertThat(p.alive()).isFalse();
    }

    @Test
    void killEndsTheWholeTree() throws Exception {
        BackgroundProcess p = start("sleep 30 & echo $!; wait", null);
        long child = awaitChild();

        assertThat(p.kill(Duration.ofSeconds(10))).isTrue();

        assertThatThrownBy(() -> p.exit().get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InterruptedException.class);
        awaitGone(child);
    }

    @Test
    void stopLetsAProgramThatWasAskedToEndEndByItself() throws Exception {
        PipedOutputStream feed = new PipedOutputStream();
        BackgroundProcess p = start("echo waiting; read _; echo done", new PipedInputStream(feed));
        Wait.until("the program to wait", () -> out.contains("waiting")).within(Duration.ofSeconds(10)).await();

        feed.close();

        assertThat(p.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(p.exit().get().exitCode()).isZero();
        assertThat(out).containsExactly("waiting", "done");
    }

    @Test
    void stopKillsAProgramThatDoesNotEndWithinTheGraceEvenWhenInterrupted() throws Exception {
        BackgroundProcess p = start("sleep 30 & echo $!; wait", null);
        long child = awaitChild();
        long start = System.nanoTime();

        Thread.currentThread().interrupt();
        boolean ended;
        boolean stillInterrupted;
        try {
            ended = p.stop(Duration.ofMillis(300));
        } finally {
            stillInterrupted = Thread.interrupted();
        }

        assertThat(ended).isTrue();
        assertThat(stillInterrupted).as("the caller's interrupt flag is left as it was").isTrue();
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
        awaitGone(child);
    }

    private BackgroundProcess start(String script, java.io.InputStream stdin) {
        return BackgroundProcess.start("test-background", ExecRequest.of(List.of("sh", "-c", script),
                Duration.ofMinutes(1)), OutputListener.stdoutOnly(out::add), stdin);
    }

    private long awaitChild() throws Exception {
        Wait.until("the child's pid", () -> !out.isEmpty()).within(Duration.ofSeconds(10)).await();
        return Long.parseLong(out.get(0));
    }

    private static void awaitGone(long pid) throws Exception {
        Wait.until("process " + pid + " to be gone",
                        () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true))
                .within(Duration.ofSeconds(5)).every(Duration.ofMillis(20)).await();
    }
}
