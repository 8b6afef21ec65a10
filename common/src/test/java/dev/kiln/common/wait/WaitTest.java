package dev.kiln.common.wait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WaitTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void readyAsSoonAsTheCheckPasses() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        Wait wait = Wait.until("the answer", () -> checks.incrementAndGet() == 3)
                .within(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).clock(clock);

        assertThat(wait.outcome()).isEqualTo(Wait.Outcome.READY);
        assertThat(checks).hasValue(3);
        assertThat(clock.slept()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void aTimeoutNamesWhatWasWaitedForTheLastErrorAndTheDiagnosis() {
        AtomicInteger checks = new AtomicInteger();
        Wait wait = Wait.until("docker-registry to answer on http://127.0.0.1:5000/v2/", () -> {
            checks.incrementAndGet();
            throw new IOException("connection refused");
        }).within(Duration.ofSeconds(10)).every(Duration.ofMillis(300)).clock(clock)
                .diagnosis(() -> "its last lines:\nlevel=fatal msg=\"no config\"");

        assertThatThrownBy(wait::await)
                .isInstanceOf(Wait.WaitFailedException.class)
                .hasMessage("gave up waiting for docker-registry to answer on http://127.0.0.1:5000/v2/ after 10 s;"
                        + " last error: connection refused; its last lines:\nlevel=fatal msg=\"no config\"")
                .satisfies(e -> assertThat(((Wait.WaitFailedException) e).failure().outcome())
                        .isEqualTo(Wait.Outcome.TIMED_OUT));
        // Never sleeps past the deadline: 33 pauses of 300 ms and a last one of 100 ms.
        assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(10));
        assertThat(checks).hasValue(35);
    }

    @Test
    void aDeadThingEndsTheWaitAtOnceBeforeTheDeadline() {
        AtomicInteger checks = new AtomicInteger();
        Wait wait = Wait.until("QEMU to answer", () -> checks.incrementAndGet() < 0)
                .within(Duration.ofMinutes(1)).clock(clock)
                .whileAlive(() -> checks.get() < 2, () -> "it exited with code 1")
                .diagnosis(() -> "");

        assertThatThrownBy(wait::await)
                .hasMessage("gave up waiting for QEMU to answer: it exited with code 1");
        assertThat(checks).hasValue(2);
        assertThat(clock.slept()).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aDeadRealProcessIsNoticedLongBeforeTheDeadline() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "exit 3").start();
        long start = System.nanoTime();

        Wait.Outcome outcome = Wait.until("sh to answer", () -> false)
                .within(Duration.ofSeconds(30)).every(Duration.ofMillis(20))
                .whileAlive(p::isAlive, () -> "it exited with code " + p.exitValue())
                .outcome();

        assertThat(outcome).isEqualTo(Wait.Outcome.GONE);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void theCallerWordsItsOwnException() {
        Wait wait = Wait.until("the holder", () -> false).within(Duration.ofSeconds(5)).clock(clock)
                .diagnosis(() -> "tail")
                .failWith(f -> new IOException(f.outcome() + " " + f.what() + " " + f.timeout().toSeconds() + " "
                        + f.diagnosis()));

        assertThatThrownBy(wait::await).hasMessage("TIMED_OUT the holder 5 tail");
    }

    @Test
    void aGrowingPauseAndASharedDeadline() throws Exception {
        List<Long> at = new ArrayList<>();
        Deadline shared = Deadline.after(Duration.ofSeconds(5), clock);
        clock.advance(Duration.ofSeconds(1));
        Wait.Outcome outcome = Wait.until("nothing", () -> {
            at.add(clock.nanoTime());
            return false;
        }).by(shared).backoff(Duration.ofMillis(100), Duration.ofMillis(800)).outcome();

        assertThat(outcome).isEqualTo(Wait.Outcome.TIMED_OUT);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < at.size(); i++) {
            gaps.add((at.get(i) - at.get(i - 1)) / 1_000_000);
        }
        // 100, 200, 400, 800, 800, 800, then whatever is left of the 4 s.
        assertThat(gaps).startsWith(100L, 200L, 400L, 800L, 800L, 800L);
        assertThat(gaps.stream().mapToLong(Long::longValue).sum()).isEqualTo(4_000L);
    }

    @Test
    void interruptionEndsTheWait() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Wait.until("never", () -> false).within(Duration.ofSeconds(30)).await())
                    .isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }
}
