package dev.kiln.common.wait;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A point in time by which something must be done: a start and a timeout on a {@link NanoClock}, or no
 * limit at all ({@link #never()}). A value that is passed down to every step of a longer job, so that
 * the steps share one budget rather than each counting its own.
 *
 * <p>In kiln-common rather than in a host package of machines because toe (a step's timeout) and core
 * (S3 calls bounded as a whole) keep deadlines too.
 */
public final class Deadline {
    private final NanoClock clock;
    private final long startNanos;
    /** Null when there is no limit. */
    private final Duration timeout;

    private Deadline(NanoClock clock, long startNanos, Duration timeout) {
        this.clock = clock;
        this.startNanos = startNanos;
        this.timeout = timeout;
    }

    /** A deadline the timeout from now. */
    public static Deadline after(Duration timeout) {
        return after(timeout, NanoClock.SYSTEM);
    }

    /** A deadline the timeout from now on the given clock. */
    public static Deadline after(Duration timeout, NanoClock clock) {
        Objects.requireNonNull(timeout, "timeout");
        return new Deadline(clock, clock.nanoTime(), timeout);
    }

    /** A deadline the timeout from now, or none when the timeout is null (the "no timeout" of ExecRequest). */
    public static Deadline afterOrNever(Duration timeoutOrNull) {
        return timeoutOrNull == null ? never() : after(timeoutOrNull);
    }

    /** No limit: never expires. */
    public static Deadline never() {
        return new Deadline(NanoClock.SYSTEM, NanoClock.SYSTEM.nanoTime(), null);
    }

    /** Whether there is a limit at all. */
    public boolean bounded() {
        return timeout != null;
    }

    /** The timeout it was made with; null when unbounded. */
    public Duration timeout() {
        return timeout;
    }

    public NanoClock clock() {
        return clock;
    }

    /** The time since it was made. */
    public Duration elapsed() {
        return Duration.ofNanos(clock.nanoTime() - startNanos);
    }

    /**
     * The time left, never negative (zero once expired).
     *
     * @throws IllegalStateException when unbounded; see {@link #remainingOrNull()}
     */
    public Duration remaining() {
        if (timeout == null) {
            throw new IllegalStateException("an unbounded deadline has no remaining time");
        }
        long left = timeout.toNanos() - (clock.nanoTime() - startNanos);
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    /** The time left, or null when unbounded: for the APIs where null means "no timeout". */
    public Duration remainingOrNull() {
        return timeout == null ? null : remaining();
    }

    /**
     * The time left, but never less than the floor: for a last step that deserves its own minimum
     * however long the earlier ones took (a disk conversion after a slow power-off, say), or a 1 ms
     * floor for an API that takes zero to mean "wait forever".
     */
    public Duration remainingAtLeast(Duration floor) {
        if (timeout == null) {
            throw new IllegalStateException("an unbounded deadline has no remaining time");
        }
        Duration left = remaining();
        return left.compareTo(floor) < 0 ? floor : left;
    }

    /** The time left, or the exception when none is left. */
    public <E extends Exception> Duration remainingOrThrow(Supplier<E> expired) throws E {
        Duration left = remaining();
        if (left.isZero()) {
            throw expired.get();
        }
        return left;
    }

    /** The shorter of the time left and the given duration (the duration itself when unbounded). */
    public Duration cap(Duration d) {
        if (timeout == null) {
            return d;
        }
        Duration left = remaining();
        return left.compareTo(d) < 0 ? left : d;
    }

    /** Whether the time is up (never, when unbounded). */
    public boolean expired() {
        return timeout != null && clock.nanoTime() - startNanos >= timeout.toNanos();
    }

    /** Pauses for the given time, or until the deadline when that comes first. */
    public void sleep(Duration pause) throws InterruptedException {
        clock.sleep(cap(pause));
    }

    @Override
    public String toString() {
        return timeout == null ? "Deadline[never]" : "Deadline[" + remaining() + " of " + timeout + " left]";
    }
}
