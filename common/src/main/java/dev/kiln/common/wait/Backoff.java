package dev.kiln.common.wait;

import java.time.Duration;

/**
 * A pause that grows: the first one, doubled after each use up to a ceiling, back to the first on
 * {@link #reset()}. Fixed when the first is the ceiling. Not thread-safe: one per loop.
 */
public final class Backoff {
    private final Duration first;
    private final Duration max;
    private Duration current;

    private Backoff(Duration first, Duration max) {
        if (first.isNegative() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff from " + first + " to " + max);
        }
        this.first = first;
        this.max = max;
        this.current = first;
    }

    /** The same pause every time. */
    public static Backoff fixed(Duration pause) {
        return new Backoff(pause, pause);
    }

    /** The first pause, doubling to the ceiling. */
    public static Backoff doubling(Duration first, Duration max) {
        return new Backoff(first, max);
    }

    /** The pause to take now. */
    public Duration current() {
        return current;
    }

    /** The pause to take now; the next one is twice as long (up to the ceiling). */
    public Duration next() {
        Duration now = current;
        Duration doubled = current.multipliedBy(2);
        current = doubled.compareTo(max) > 0 ? max : doubled;
        return now;
    }

    /** Back to the first pause (after a success, or a long healthy run). */
    public void reset() {
        current = first;
    }
}
