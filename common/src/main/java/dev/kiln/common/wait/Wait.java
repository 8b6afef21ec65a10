package dev.kiln.common.wait;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Waiting for something to become ready, as an object rather than a hand-written loop (in the spirit
 * of Testcontainers' wait strategies): what is waited for, the check, the deadline, the pause between
 * checks (fixed or growing), a still-alive check that ends the wait at once when the thing waited on
 * died, and a diagnosis (a log's last lines, say) that a failure quotes.
 *
 * <pre>{@code
 * Wait.until("docker-registry to answer on " + url, () -> RegistryPing.answers(url, PING))
 *     .within(Duration.ofSeconds(10)).every(Duration.ofMillis(50))
 *     .whileAlive(process::isAlive, () -> "it exited with code " + process.exitValue())
 *     .diagnosis(() -> "its last lines:\n" + tail())
 *     .await();
 * }</pre>
 *
 * <p>Each round: when the still-alive check fails the wait ends as {@link Outcome#GONE}; when the check
 * passes, as {@link Outcome#READY}; when the deadline has passed, as {@link Outcome#TIMED_OUT}; else it
 * pauses (never past the deadline) and goes again. A check that throws an IOException counts as "not
 * yet", and the last such error is part of a failure's message.
 *
 * <p>In kiln-common rather than a host package of machines because it rests on {@link Deadline}, which
 * toe and core use as well.
 */
public final class Wait {

    /** The check: true once the thing is ready. An IOException means "not yet". */
    @FunctionalInterface
    public interface Check {
        boolean ready() throws IOException, InterruptedException;
    }

    /** How a wait ended. */
    public enum Outcome { READY, GONE, TIMED_OUT }

    /**
     * Why a wait failed, for a caller that words its own exception.
     *
     * @param outcome   GONE or TIMED_OUT
     * @param what      what was waited for
     * @param timeout   the deadline's timeout (null when unbounded)
     * @param ended     how the thing waited on ended (GONE only; else null)
     * @param diagnosis the diagnosis at the time of failure, possibly empty
     * @param lastError the check's last IOException, or null
     */
    public record Failure(Outcome outcome, String what, Duration timeout, String ended, String diagnosis,
                          IOException lastError) {
        /** The default wording: what was waited for, why it ended, the last error and the diagnosis. */
        public String message() {
            String why = outcome == Outcome.GONE
                    ? "gave up waiting for " + what + ": " + ended
                    : "gave up waiting for " + what + " after " + seconds(timeout);
            return why + (lastError == null ? "" : "; last error: " + lastError.getMessage())
                    + (diagnosis.isBlank() ? "" : "; " + diagnosis);
        }
    }

    /** A wait that failed (timed out, or the thing waited on died). */
    public static final class WaitFailedException extends IOException {
        private final transient Failure failure;

        public WaitFailedException(Failure failure) {
            super(failure.message(), failure.lastError());
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    private final String what;
    private final Check check;
    private Deadline deadline;
    private Duration timeout;
    private NanoClock clock = NanoClock.SYSTEM;
    private Duration firstPause = Duration.ofMillis(100);
    private Duration maxPause = firstPause;
    private BooleanSupplier alive = () -> true;
    private Supplier<String> ended = () -> "it stopped";
    private Supplier<String> diagnosis = () -> "";
    private Function<Failure, ? extends IOException> failure = WaitFailedException::new;
    private IOException lastError;

    private Wait(String what, Check check) {
        this.what = Objects.requireNonNull(what, "what");
        this.check = Objects.requireNonNull(check, "check");
    }

    /**
     * A wait for the check to pass.
     *
     * @param what what is waited for, as a failure names it: "docker-registry to answer on URL"
     */
    public static Wait until(String what, Check check) {
        return new Wait(what, check);
    }

    /** Gives up this long after {@link #await}/{@link #outcome} starts. */
    public Wait within(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout);
        this.deadline = null;
        return this;
    }

    /** Gives up at this deadline, shared with other steps. */
    public Wait by(Deadline deadline) {
        this.deadline = Objects.requireNonNull(deadline);
        this.timeout = null;
        this.clock = deadline.clock();
        return this;
    }

    /** The same pause between checks (100 ms unless set). */
    public Wait every(Duration pause) {
        this.firstPause = pause;
        this.maxPause = pause;
        return this;
    }

    /** A pause between checks that starts at {@code first} and doubles up to {@code max}. */
    public Wait backoff(Duration first, Duration max) {
        Backoff.doubling(first, max);
        this.firstPause = first;
        this.maxPause = max;
        return this;
    }

    /**
     * Ends the wait at once when {@code alive} turns false; {@code ended} says how it ended ("it exited
     * with code 1"), for the failure.
     */
    public Wait whileAlive(BooleanSupplier alive, Supplier<String> ended) {
        this.alive = Objects.requireNonNull(alive);
        this.ended = Objects.requireNonNull(ended);
        return this;
    }

    /** What a failure quotes, read when it fails: "its last lines:\n..." (blank: nothing). */
    public Wait diagnosis(Supplier<String> diagnosis) {
        this.diagnosis = Objects.requireNonNull(diagnosis);
        return this;
    }

    /** The exception {@link #await} throws, made from the failure (a {@link WaitFailedException} unless set). */
    public Wait failWith(Function<Failure, ? extends IOException> failure) {
        this.failure = Objects.requireNonNull(failure);
        return this;
    }

    /** The clock of a deadline given as a timeout (tests). */
    public Wait clock(NanoClock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /** Waits and throws when it did not become ready. */
    public void await() throws IOException, InterruptedException {
        Outcome outcome = outcome();
        if (outcome != Outcome.READY) {
            throw failure.apply(describe(outcome));
        }
    }

    /** Waits and answers how it ended; never throws for a timeout or a death. */
    public Outcome outcome() throws InterruptedException {
        Deadline d = deadline != null ? deadline : timeout != null ? Deadline.after(timeout, clock) : Deadline.never();
        Backoff pause = Backoff.doubling(firstPause, maxPause);
        lastError = null;
        while (true) {
            if (!alive.getAsBoolean()) {
                return Outcome.GONE;
            }
            try {
                if (check.ready()) {
                    return Outcome.READY;
                }
            } catch (IOException e) {
                lastError = e;
            }
            if (d.expired()) {
                return Outcome.TIMED_OUT;
            }
            clock.sleep(d.cap(pause.next()));
        }
    }

    /** The failure the last {@link #outcome()} stands for. */
    public Failure describe(Outcome outcome) {
        Duration t = deadline != null ? deadline.timeout() : timeout;
        return new Failure(outcome, what, t, outcome == Outcome.GONE ? ended.get() : null,
                Objects.requireNonNullElse(diagnosis.get(), ""), lastError);
    }

    /** "10 s", "1.5 s", "250 ms"; "ever" for no limit. */
    static String seconds(Duration d) {
        if (d == null) {
            return "ever";
        }
        if (d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }
}
