package dev.kiln.common.wait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void remainingCountsDownToZeroAndNeverBelow() {
        Deadline d = Deadline.after(Duration.ofSeconds(10), clock);
        assertThat(d.remaining()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.expired()).isFalse();

        clock.advance(Duration.ofSeconds(4));
        assertThat(d.remaining()).isEqualTo(Duration.ofSeconds(6));
        assertThat(d.elapsed()).isEqualTo(Duration.ofSeconds(4));

        clock.advance(Duration.ofSeconds(6));
        assertThat(d.expired()).isTrue();
        assertThat(d.remaining()).isZero();

        clock.advance(Duration.ofSeconds(5));
        assertThat(d.remaining()).isZero();
        assertThat(d.remainingOrNull()).isZero();
    }

    @Test
    void aFloorGivesALateStepItsMinimum() {
        Deadline d = Deadline.after(Duration.ofSeconds(30), clock);
        assertThat(d.remainingAtLeast(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(30));

        clock.advance(Duration.ofSeconds(25));
        assertThat(d.remainingAtLeast(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));

        clock.advance(Duration.ofMinutes(1));
        assertThat(d.remainingAtLeast(Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void remainingOrThrowFailsOnceTheTimeIsUp() throws IOException {
        Deadline d = Deadline.after(Duration.ofSeconds(2), clock);
        assertThat(d.remainingOrThrow(() -> new IOException("out of time"))).isEqualTo(Duration.ofSeconds(2));

        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> d.remainingOrThrow(() -> new IOException("out of time")))
                .isInstanceOf(IOException.class).hasMessage("out of time");
    }

    @Test
    void capAndSleepNeverGoPastTheDeadline() throws InterruptedException {
        Deadline d = Deadline.after(Duration.ofMillis(250), clock);
        assertThat(d.cap(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(250));
        assertThat(d.cap(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(100));

        d.sleep(Duration.ofSeconds(1));

        assertThat(clock.slept()).isEqualTo(Duration.ofMillis(250));
        assertThat(d.expired()).isTrue();
        assertThat(d.cap(Duration.ofSeconds(1))).isZero();
    }

    @Test
    void neverIsUnboundedAndNeverExpires() {
        Deadline d = Deadline.never();
        assertThat(d.bounded()).isFalse();
        assertThat(d.expired()).isFalse();
        assertThat(d.timeout()).isNull();
        assertThat(d.remainingOrNull()).isNull();
        assertThat(d.cap(Duration.ofHours(3))).isEqualTo(Duration.ofHours(3));
        assertThatThrownBy(d::remaining).isInstanceOf(IllegalStateException.class);
        assertThat(Deadline.afterOrNever(null).bounded()).isFalse();
        assertThat(Deadline.afterOrNever(Duration.ofSeconds(1)).bounded()).isTrue();
    }

    @Test
    void theSystemClockSleepsForReal() throws InterruptedException {
        Deadline d = Deadline.after(Duration.ofMillis(30));
        long start = System.nanoTime();
        d.sleep(Duration.ofSeconds(5));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMillis).isBetween(25L, 2_000L);
        assertThat(d.expired()).isTrue();
    }

    @Test
    void backoffDoublesToItsCeilingAndStartsOver() {
        Backoff b = Backoff.doubling(Duration.ofMillis(500), Duration.ofSeconds(3));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(500));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(3));
        assertThat(b.current()).isEqualTo(Duration.ofSeconds(3));
        b.reset();
        assertThat(b.next()).isEqualTo(Duration.ofMillis(500));
        Backoff fixed = Backoff.fixed(Duration.ofMillis(50));
        fixed.next();
        assertThat(fixed.next()).isEqualTo(Duration.ofMillis(50));
    }
}
