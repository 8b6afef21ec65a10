package dev.kiln.machines.container;

import dev.kiln.machines.host.BackgroundProcess;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.process.Tail;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One long-lived {@code buildah run} in a working container: a shell that prints its PID and waits
 * for its stdin to close. Component programs then enter it ({@link HeldProcess#command}) in a few
 * milliseconds instead of paying about 170 ms for a buildah run each, with what buildah gave it:
 * environment, user, working folder, /dev, /proc, /sys, resolv.conf, hosts, hostname, namespaces,
 * capabilities, limits. Closing its stdin ends it; Kiln's exit closes the pipe too, so a crash leaves
 * nothing running.
 */
final class Holder {

    /** Carried on the holder's command line, so that it can be recognized among the host's processes. */
    static final String MARKER_PREFIX = "kiln-holder-";
    static final String SCRIPT = "echo $$; read _; exit 0";
    static final Duration START_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** The bound ProcessRunner wants; the holder is stopped long before, and replaced if it ever ends. */
    private static final Duration LIFETIME = Duration.ofDays(1);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final Path PROC = Path.of("/proc");
    private static final int TAIL_LINES = 10;
    /**
     * The states a probe has shown to be entered faithfully: the command line follows from the state
     * alone, so the next holder in the same state (the same image user, say) needs no probe of its own.
     */
    private static final Set<List<Object>> VERIFIED = ConcurrentHashMap.newKeySet();

    private final BackgroundProcess run;
    private final Gate stdin;
    private final HostTools host;
    private HeldProcess process;
    private String umask;

    private Holder(BackgroundProcess run, Gate stdin, HostTools host) {
        this.run = run;
        this.stdin = stdin;
        this.host = host;
    }

    /** Why programs cannot enter a working container and must go through buildah run. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    /**
     * Starts the holder and checks, with a probe program (once per state), that what enters it gets the
     * holder's user, groups, capabilities, umask and limits.
     *
     * @throws Unavailable when it does not start within {@link #START_TIMEOUT} (no shell in the image,
     *                     say) or entering it would not give the same state; nothing is left running
     */
    static Holder start(Buildah buildah, HostTools host, String container) throws Unavailable,
            InterruptedException {
        String marker = MARKER_PREFIX + container + "-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> args = List.of("run", "--isolation", "chroot", "--network", "host", container, "--",
                "sh", "-c", SCRIPT, marker);
        CompletableFuture<String> pid = new CompletableFuture<>();
        Tail tail = new Tail(TAIL_LINES);
        OutputListener output = new OutputListener() {
            @Override
            public void stdout(String line) {
                if (!pid.complete(line.strip())) {
                    tail.add(line);
                }
            }

            @Override
            public void stderr(String line) {
                tail.add(line);
            }
        };
        Gate stdin = new Gate();
        // Interrupted (stop() gave up waiting), ProcessRunner kills the tree.
        BackgroundProcess run = BackgroundProcess.start(marker, ExecRequest.of(buildah.command(args), LIFETIME),
                output, stdin);
        CompletableFuture<ExecResult> ended = run.exit();
        Holder holder = new Holder(run, stdin, host);
        boolean started = false;
        try {
            CompletableFuture.anyOf(pid, ended).get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!pid.isDone()) {
                throw new Unavailable("the holding buildah run ended at once (" + describe(ended) + ")"
                        + lastLines(tail));
            }
            List<String> expected = List.of("-c", SCRIPT, marker);
            try {
                holder.process = HeldProcess.read(PROC, Long.parseLong(pid.get()), expected);
                holder.umask = HeldProcess.umask(PROC);
            } catch (IOException | NumberFormatException e) {
                throw new Unavailable("cannot read the holding process (" + pid.get() + "): " + e.getMessage());
            }
            List<Object> state = List.of(holder.process.credentials(), holder.process.limits(),
                    holder.process.namespaceFlags(), holder.umask);
            if (!VERIFIED.contains(state)) {
                holder.probe();
                VERIFIED.add(state);
            }
            started = true;
            return holder;
        } catch (TimeoutException e) {
            throw new Unavailable("the holding buildah run did not start within " + START_TIMEOUT.toSeconds()
                    + " s" + lastLines(tail));
        } catch (ExecutionException e) {
            throw new Unavailable("the holding buildah run failed: " + e.getCause());
        } finally {
            if (!started) {
                holder.stop();
            }
        }
    }

    /**
     * {@link #start} on a thread of its own, so that the holder gets ready while the working container is
     * mounted and the engine prepares its first step. The future fails with {@link Unavailable} (or with
     * the InterruptedException of an interrupted start).
     */
    static CompletableFuture<Holder> startAsync(Buildah buildah, HostTools host, String container) {
        CompletableFuture<Holder> started = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                started.complete(start(buildah, host, container));
            } catch (Unavailable | InterruptedException | RuntimeException e) {
                started.completeExceptionally(e);
            }
        }, "kiln-holder-start-" + container);
        thread.setDaemon(true);
        thread.start();
        return started;
    }

    /**
     * Stops the holder a {@link #startAsync} makes, once it has started (or failed to); bounded, never
     * throws, and leaves the interrupt flag as it found it.
     */
    static void stopWhenStarted(CompletableFuture<Holder> starting) {
        boolean interrupted = Thread.interrupted();
        try {
            Holder holder = starting.get(START_TIMEOUT.plus(PROBE_TIMEOUT).plus(STOP_TIMEOUT).toMillis(),
                    TimeUnit.MILLISECONDS);
            holder.stop();
        } catch (InterruptedException e) {
            interrupted = true;
            starting.thenAccept(Holder::stop);
        } catch (ExecutionException | TimeoutException e) {
            // It did not start, or it stops itself on failure; a late one is stopped when it comes.
            starting.thenAccept(Holder::stop);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs the probe through the entry path and compares what it reports with the holder's own state. */
    private void probe() throws Unavailable, InterruptedException {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        ExecResult result;
        try {
            result = ProcessRunner.run(ExecRequest.of(command(List.of("sh", "-c", HeldProcess.PROBE_SCRIPT)),
                    PROBE_TIMEOUT), new OutputListener() {
                        @Override
                        public void stdout(String line) {
                            synchronized (out) {
                                out.append(line).append('\n');
                            }
                        }

                        @Override
                        public void stderr(String line) {
                            synchronized (err) {
                                err.append(line).append('\n');
                            }
                        }
                    });
        } catch (IOException e) {
            throw new Unavailable("cannot enter the holding process: " + e.getMessage());
        }
        if (!result.succeeded()) {
            throw new Unavailable("entering the holding process failed (exit code " + result.exitCode() + "): "
                    + err.toString().strip());
        }
        List<String> differences = process.differences(out.toString());
        if (!differences.isEmpty()) {
            throw new Unavailable("a program entering the holding process would differ from buildah run: "
                    + String.join("; ", differences));
        }
    }

    /** The host command that runs argv in the container as buildah run would. */
    List<String> command(List<String> argv) {
        return process.command(host, umask, argv);
    }

    /** True while the holder runs and can be entered. */
    boolean usable() {
        return run.alive() && process != null && process.usable(PROC);
    }

    long pid() {
        return process.pid();
    }

    /**
     * Closes its stdin and waits for buildah to finish its clean-up; kills the whole tree if it does not
     * end within a bound. Runs even when the thread was interrupted, and leaves the flag as it found it.
     */
    void stop() {
        stdin.close();
        run.stop(STOP_TIMEOUT);
    }

    private static String describe(CompletableFuture<ExecResult> ended) {
        try {
            ExecResult r = ended.getNow(null);
            return r == null ? "still running" : r.timedOut() ? "timed out" : "exit code " + r.exitCode();
        } catch (RuntimeException e) {
            return e.getCause() == null ? e.toString() : e.getCause().toString();
        }
    }

    private static String lastLines(Tail tail) {
        return tail.isEmpty() ? "" : "; buildah's last lines:\n" + tail.text();
    }

    /** The holder's stdin: nothing to read until it is closed, then end of input. */
    private static final class Gate extends InputStream {
        private final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int read() throws IOException {
            await();
            return -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            await();
            return -1;
        }

        @Override
        public void close() {
            closed.countDown();
        }

        private void await() throws IOException {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("the holder's stdin was interrupted");
            }
        }
    }
}
