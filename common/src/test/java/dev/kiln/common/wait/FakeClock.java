package dev.kiln.common.wait;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to, or when something sleeps on it. */
final class FakeClock implements NanoClock {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong slept = new AtomicLong();

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void sleep(Duration pause) {
        if (!pause.isNegative()) {
            now.addAndGet(pause.toNanos());
            slept.addAndGet(pause.toNanos());
        }
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    Duration slept() {
        return Duration.ofNanos(slept.get());
    }
}
