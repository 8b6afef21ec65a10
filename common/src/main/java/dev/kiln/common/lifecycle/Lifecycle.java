package dev.kiln.common.lifecycle;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a process opened, in the order it opened it, and how to close each: one stack, closed in reverse
 * both when a start fails half-way and at the end, so that what was opened first (the database) is
 * closed last, once everything that writes to it has stopped.
 *
 * <p>Each close runs within a bound, as HikariCP closes a pool: when the bound passes, the lifecycle logs
 * what was still in flight (the resource tells), interrupts the close and goes on with the next one,
 * rather than hang the stop. With {@link #closeOnShutdown()} the stack is closed by one JVM shutdown
 * hook, which should be the process's only one.
 */
public final class Lifecycle implements AutoCloseable {
    /** How long a close may still run after its bound was hit and it was interrupted. */
    static final Duration GRACE = Duration.ofMillis(500);
    /** Marks the threads that run a close action, which must not wait for the close they are part of. */
    private static final ThreadLocal<Boolean> CLOSING = ThreadLocal.withInitial(() -> false);

    /** Closes one resource; may block, within its bound. */
    @FunctionalInterface
    public interface Closer {
        void close() throws Exception;
    }

    private record Entry(String name, Closer closer, Duration bound, Supplier<List<String>> inFlight) {
    }

    private final String name;
    private final Consumer<String> log;
    private final Deque<Entry> stack = new ArrayDeque<>();
    private final ReentrantLock opening = new ReentrantLock();
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean closing;
    private Thread hook;
    private volatile Duration openingBound = Duration.ZERO;

    /**
     * @param name what the log calls the whole, e.g. "kiln server"
     * @param log  where warnings go: a bound that was hit, a close that failed
     */
    public Lifecycle(String name, Consumer<String> log) {
        this.name = Objects.requireNonNull(name, "name");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Held while a start opens resources; see {@link #opening}. */
    public interface Opening extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Marks a start in progress, until the answer is closed: a {@link #close()} meanwhile (a SIGTERM while
     * starting) waits for the start to end, at most {@code bound}, rather than close the resources under
     * the steps still opening them; then closes everything the start opened. Once a close has begun, a
     * start fails at once: what it opened might never be closed (the JVM ends when the close is done).
     */
    public Opening opening(Duration bound) {
        opening.lock();
        synchronized (this) {
            if (closing) {
                // Nothing may open once the stop began: the JVM may end before it is closed again.
                opening.unlock();
                throw new IllegalStateException(name + " is stopping");
            }
        }
        openingBound = bound;
        return opening::unlock;
    }

    /** Pushes a resource; answers it, so that opening and registering are one expression. */
    public <T extends AutoCloseable> T add(String what, T resource, Duration bound) {
        add(what, bound, resource::close, List::of);
        return resource;
    }

    /** Pushes a close action. */
    public void add(String what, Duration bound, Closer closer) {
        add(what, bound, closer, List::of);
    }

    /**
     * Pushes a close action with what it has in flight (builds running, deliveries pending...), which the
     * log names when the bound is hit.
     */
    public void add(String what, Duration bound, Closer closer, Supplier<List<String>> inFlight) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(closer, "closer");
        Objects.requireNonNull(inFlight, "inFlight");
        if (bound.isNegative() || bound.isZero()) {
            throw new IllegalArgumentException("the bound of " + what + " must be positive: " + bound);
        }
        Entry entry = new Entry(what, closer, bound, inFlight);
        synchronized (this) {
            if (!closing) {
                stack.push(entry);
                return;
            }
        }
        // Opened while the stack closes (a start racing a stop): closed at once rather than never.
        closeOne(entry);
    }

    /** The resources still open, the first opened first. */
    public synchronized List<String> resources() {
        List<String> names = new ArrayList<>();
        stack.descendingIterator().forEachRemaining(e -> names.add(e.name()));
        return names;
    }

    /**
     * Closes the stack when the JVM stops (SIGTERM, Ctrl-C, System.exit); the JVM waits for the close.
     * A {@link #close()} outside shut-down removes the hook.
     */
    public synchronized Lifecycle closeOnShutdown() {
        if (hook == null && !closing) {
            hook = new Thread(this::close, name + " shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        return this;
    }

    /**
     * Closes every resource, the last added first, each within its bound; a failure is logged and the
     * next one still closed. Idempotent and safe from several threads: the first closes, the others wait.
     */
    @Override
    public void close() {
        Thread registered;
        boolean first;
        synchronized (this) {
            first = !closing;
            closing = true;
            registered = hook;
            hook = null;
        }
        if (!first) {
            if (!CLOSING.get()) {
                awaitClosed();
            }
            return;
        }
        boolean started = awaitStart();
        try {
            for (Entry next = pop(); next != null; next = pop()) {
                closeOne(next);
            }
        } finally {
            if (started) {
                opening.unlock();
            }
            closed.countDown();
            if (registered != null && registered != Thread.currentThread()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(registered);
                } catch (IllegalStateException e) {
                    // The JVM is stopping: the hook runs, finds the stack closed and returns.
                }
            }
        }
    }

    /** Waits for a start in progress to end, within its bound; whether it did (the lock is then held). */
    private boolean awaitStart() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (opening.tryLock(Math.max(1, openingBound.toMillis()), TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                    log.accept(name + ": the start did not end within " + seconds(openingBound)
                            + "; closing what it opened so far");
                    return false;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until the stack is closed, by {@link #close()} or the shutdown hook. */
    public void awaitClosed() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the stack was closed. */
    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    private synchronized Entry pop() {
        return stack.poll();
    }

    private void closeOne(Entry entry) {
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            CLOSING.set(true);
            try {
                entry.closer().close();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, name + " closes " + entry.name());
        thread.setDaemon(true);
        thread.start();
        if (!join(thread, entry.bound())) {
            List<String> left = inFlight(entry);
            log.accept(name + ": " + entry.name() + " did not close within " + seconds(entry.bound())
                    + (left.isEmpty() ? "" : "; still in flight: " + String.join(", ", left))
                    + "; interrupting it and going on");
            thread.interrupt();
            if (!join(thread, GRACE)) {
                return;
            }
        }
        if (failure[0] != null) {
            log.accept(name + ": closing " + entry.name() + " failed: " + describe(failure[0]));
        }
    }

    /**
     * Waits for a close within its bound, whether or not this thread is interrupted meanwhile: an
     * interrupted stop must still close in order (the interrupt is kept for the caller).
     */
    private static boolean join(Thread thread, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        boolean interrupted = false;
        try {
            for (long left = bound.toNanos(); left > 0 && thread.isAlive(); left = deadline - System.nanoTime()) {
                try {
                    thread.join(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return !thread.isAlive();
    }

    private static List<String> inFlight(Entry entry) {
        try {
            return entry.inFlight().get();
        } catch (RuntimeException e) {
            return List.of("(unknown: " + describe(e) + ")");
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
