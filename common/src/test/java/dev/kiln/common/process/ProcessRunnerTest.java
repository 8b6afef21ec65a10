package dev.kiln.common.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final OutputListener listener = new OutputListener() {
        @Override
        public void stdout(String line) {
            out.add(line);
        }

        @Override
        public void stderr(String line) {
            err.add(line);
        }
    };

    private ExecResult bash(String script, Duration timeout) throws Exception {
        return ProcessRunner.run(ExecRequest.of(List.of("bash", "-c", script), timeout), listener);
    }

    @Test
    void streamsStdoutAndStderrLinesApartAndReturnsTheExitCode() throws Exception {
        ExecResult r = bash("echo one; echo two >&2; printf 'no newline'; exit 3", null);
        assertThat(r).isEqualTo(new ExecResult(3, false));
        assertThat(out).containsExactly("one", "no newline");
        assertThat(err).containsExactly("two");
    }

    @Test
    void feedsStandardInputFromAStreamAndClosesIt() throws Exception {
        var stdin = new java.io.ByteArrayInputStream("first\nsecond\n".getBytes());
        ExecResult r = ProcessRunner.run(ExecRequest.of(List.of("bash", "-c", "wc -l; cat"), Duration.ofSeconds(10)),
                listener, stdin);
        assertThat(r.exitCode()).isZero();
        assertThat(out).containsExactly("2");
    }

    @Test
    void passesEnvironmentAndWorkingFolder(@TempDir Path dir) throws Exception {
        ExecResult r = ProcessRunner.run(new ExecRequest(List.of("bash", "-c", "echo $GREETING; pwd"),
                Map.of("GREETING", "hi"), dir.toString(), Duration.ofSeconds(10)), listener);
        assertThat(r.succeeded()).isTrue();
        assertThat(out).containsExactly("hi", dir.toRealPath().toString());
    }

    @Test
    void timeoutKillsTheProgramAndChildrenThatLeftItsSession() throws Exception {
        long start = System.nanoTime();
        ExecResult r = bash("sleep 60 & echo $!; setsid sleep 61 & echo $!; wait", Duration.ofMillis(500));
        assertThat(r.timedOut()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        for (String pid : out) {
            assertThat(eventuallyDead(Long.parseLong(pid))).as("pid " + pid).isTrue();
        }
    }

    @Test
    void aBackgroundChildHoldingTheOutputOpenDoesNotHangTheStep() throws Exception {
        long start = System.nanoTime();
        ExecResult r = bash("sleep 30 & echo started", Duration.ofSeconds(20));
        assertThat(r.succeeded()).isTrue();
        assertThat(out).containsExactly("started");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void rawOutputArrivesByteForByteAndStdinIsFed() throws Exception {
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        byte[] input = {0, (byte) 0xff, '\r', '\n', 'x'};

        ExecResult r = ProcessRunner.run(ExecRequest.of(List.of("sh", "-c", "cat; printf 'no newline' >&2"),
                Duration.ofSeconds(10)), new java.io.ByteArrayInputStream(input), stdout, stderr);

        assertThat(r.succeeded()).isTrue();
        assertThat(stdout.toByteArray()).containsExactly(input);
        assertThat(stderr.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("no newline");
    }

    @Test
    void rawOutputTimesOutAndKillsTheTree() throws Exception {
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        long start = System.nanoTime();

        ExecResult r = ProcessRunner.run(ExecRequest.of(List.of("sh", "-c", "sleep 60 & echo $!; wait"),
                Duration.ofMillis(500)), null, stdout, java.io.OutputStream.nullOutputStream());

        assertThat(r.timedOut()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        long child = Long.parseLong(stdout.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
        assertThat(eventuallyDead(child)).isTrue();
    }

    private static boolean eventuallyDead(long pid) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
