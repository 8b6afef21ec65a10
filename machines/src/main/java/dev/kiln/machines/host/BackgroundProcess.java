package dev.kiln.machines.host;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.wait.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A program that runs while Kiln does other things (QEMU, a holding {@code buildah run}, a sandbox's
 * namespace holder): {@link ProcessRunner} on a daemon thread of its own, its end as a future.
 * Interrupting the thread is how it is killed: ProcessRunner then kills the whole process tree.
 * Unlike {@link ProcessSupervisor}, nothing restarts it; its owner asks it to end in its own way
 * (closing its stdin, a QMP quit) and then calls {@link #stop} or {@link #kill}.
 */
public final class BackgroundProcess {
    private final Thread thread;
    private final CompletableFuture<ExecResult> exit = new CompletableFuture<>();

    private BackgroundProcess(String name, ExecRequest request, OutputListener output, InputStream stdin) {
        this.thread = new Thread(() -> {
            try {
                exit.complete(ProcessRunner.run(request, output, stdin));
            } catch (IOException | InterruptedException | RuntimeException e) {
                // Interrupted: ProcessRunner killed the process tree before it let the interruption out.
                exit.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
    }

    /**
     * Starts the program.
     *
     * @param name  the thread's name, which thread dumps show
     * @param stdin what it reads (null: /dev/null)
     */
    public static BackgroundProcess start(String name, ExecRequest request, OutputListener output,
                                          InputStream stdin) {
        BackgroundProcess p = new BackgroundProcess(name, request, output, stdin);
        p.thread.start();
        return p;
    }

    /**
     * How it ended: its result, or exceptionally with the IOException that kept it from starting or the
     * InterruptedException of a {@link #kill}.
     */
    public CompletableFuture<ExecResult> exit() {
        return exit;
    }

    /** Whether it still runs (its thread does). */
    public boolean alive() {
        return thread.isAlive();
    }

    /** Waits up to the timeout for it to end; whether it has. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        // join(0) would wait forever.
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /** Kills the process tree without waiting. */
    public void interrupt() {
        thread.interrupt();
    }

    /** Kills the process tree and waits up to the timeout for the end; whether it has ended. */
    public boolean kill(Duration timeout) throws InterruptedException {
        thread.interrupt();
        return awaitEnd(timeout);
    }

    /**
     * Waits up to the grace for it to end (the owner has asked it to), else kills the tree and waits as
     * long again. For clean-up: it runs even when the calling thread was interrupted (noting it and
     * waiting on), and leaves the flag as it found it.
     *
     * @return whether it has ended
     */
    public boolean stop(Duration grace) {
        boolean[] interrupted = {Thread.interrupted()};
        try {
            if (!awaitEndUninterruptibly(grace, interrupted)) {
                thread.interrupt();
                awaitEndUninterruptibly(grace, interrupted);
            }
            return !thread.isAlive();
        } finally {
            if (interrupted[0]) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits a bounded time for the thread; an interruption is noted and the wait goes on. */
    private boolean awaitEndUninterruptibly(Duration timeout, boolean[] interrupted) {
        Deadline deadline = Deadline.after(timeout);
        while (thread.isAlive() && !deadline.expired()) {
            try {
                thread.join(Math.max(1, deadline.remaining().toMillis()));
            } catch (InterruptedException e) {
                interrupted[0] = true;
            }
        }
        return !thread.isAlive();
    }
}
