package dev.kiln.common.wait;

import java.time.Duration;

/**
 * The time source deadlines and waits read, and the way they pause: {@link #SYSTEM} in Kiln, a fake
 * one in tests, so that a two-minute wait can be checked in a millisecond.
 */
public interface NanoClock {
    /** {@link System#nanoTime()} and {@link Thread#sleep}. */
    NanoClock SYSTEM = System::nanoTime;

    /** A reading in nanoseconds, only meaningful against another reading of the same clock. */
    long nanoTime();

    /** Pauses for the given time (nothing when it is zero or negative). */
    default void sleep(Duration pause) throws InterruptedException {
        if (pause.isNegative() || pause.isZero()) {
            return;
        }
        Thread.sleep(pause.toMillis(), (int) (pause.toNanos() % 1_000_000));
    }
}
