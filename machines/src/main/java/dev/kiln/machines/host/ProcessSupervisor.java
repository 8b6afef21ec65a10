package dev.kiln.machines.host;

import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.wait.Backoff;
import dev.kiln.common.wait.Deadline;
import dev.kiln.common.wait.Wait;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One long-running program Kiln starts, watches and stops (the local registry's docker-registry):
 * <ul>
 * <li><b>Started in a session of its own</b> (setsid, as {@link ProcessRunner} does), stdin from
 * /dev/null, stdout and stderr appended to a file (a pipe would kill it with SIGPIPE when Kiln dies),
 * its pid in a pid file for an orphan sweep; then a {@link Wait} with a still-alive check until it is
 * ready, and on any failure it is killed and the pid file removed.</li>
 * <li><b>Supervised.</b> A daemon thread waits on the process; an exit that {@link #stop()} did not ask
 * for is noted and followed by a restart after a growing pause (doubling from the first to the
 * ceiling, back to the first once a run lasted a healthy while), so a crash costs a short wait and a
 * program that cannot start does not spin.</li>
 * <li><b>Stopped in order</b>: SIGTERM, then SIGKILL to the whole process tree after a grace.</li>
 * </ul>
 * The owner supplies what is specific: the command (made afresh for each start, so a config can be
 * rewritten), the readiness check, and what to do on a restart.
 */
public final class ProcessSupervisor {

    /**
     * What to start.
     *
     * @param argv         the program and its arguments (setsid is put in front)
     * @param folder       its working folder
     * @param output       the file its stdout and stderr are appended to (null: discarded)
     * @param dropVariable names of Kiln's environment variables it must not inherit
     */
    public record Command(List<String> argv, Path folder, Path output, Predicate<String> dropVariable) {
        public Command {
            argv = List.copyOf(argv);
            Objects.requireNonNull(folder, "folder");
            dropVariable = dropVariable == null ? name -> false : dropVariable;
        }
    }

    /** Makes the command of one start; runs under the supervisor's lock, once it is known not to be stopping. */
    @FunctionalInterface
    public interface Prepare {
        Command prepare() throws IOException;
    }

    /** A start or restart, which calls {@link #launch} (more than once, if it likes). */
    @FunctionalInterface
    public interface Launcher {
        void run() throws IOException, InterruptedException;
    }

    /**
     * The pauses: the grace between SIGTERM and SIGKILL; the first restart pause, its ceiling, and how
     * long a run must last for the pause to start over.
     */
    public record Timing(Duration stopGrace, Duration firstBackoff, Duration maxBackoff, Duration healthyRun) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(5), Duration.ofMillis(500),
                Duration.ofSeconds(30), Duration.ofMinutes(1));
    }

    private static final String SETSID = ProcessRunner.setsid();

    private final String name;
    private final Path pidFile;
    private final Consumer<String> notes;
    private final Timing timing;
    private final Object lock = new Object();
    // Guarded by lock.
    private Process process;
    /** Expires once the current process has run long enough for the restart pause to start over. */
    private Deadline healthy;
    private boolean running;
    private boolean stopping;
    private Thread supervisor;

    /**
     * @param name    the program's name in notes ("docker-registry")
     * @param pidFile where the running process's pid is kept (null: nowhere)
     * @param notes   where notes about starts, exits, restarts and stops go (a line each)
     */
    public ProcessSupervisor(String name, Path pidFile, Consumer<String> notes, Timing timing) {
        this.name = Objects.requireNonNull(name);
        this.pidFile = pidFile;
        this.notes = Objects.requireNonNull(notes);
        this.timing = Objects.requireNonNull(timing);
    }

    /** Whether it is started and supervised (between {@link #start} and {@link #stop}). */
    public boolean running() {
        synchronized (lock) {
            return running;
        }
    }

    /** The process's pid, or -1 when none runs. */
    public long pid() {
        synchronized (lock) {
            return process != null && process.isAlive() ? process.pid() : -1;
        }
    }

    /**
     * Runs the first start and then supervises, unless it already runs; concurrent callers wait for the
     * first one. The first start calls {@link #launch}; so does every restart.
     *
     * @param threadName the name of the supervising thread
     * @return whether this call started it
     */
    public boolean start(Launcher first, Launcher restart, String threadName)
            throws IOException, InterruptedException {
        synchronized (lock) {
            if (running) {
                return false;
            }
            stopping = false;
            first.run();
            running = true;
            supervisor = new Thread(() -> supervise(restart), threadName);
            supervisor.setDaemon(true);
            supervisor.start();
            return true;
        }
    }

    /**
     * Starts the program and waits until it is ready; on failure (not ready, dead, interrupted) kills it,
     * removes the pid file and lets the exception out.
     *
     * @param ready the wait for one process (its still-alive check is added here)
     * @throws IOException "stopped" when {@link #stop()} came first
     */
    public Process launch(Prepare prepare, Function<Process, Wait> ready) throws IOException, InterruptedException {
        Process p;
        synchronized (lock) {
            if (stopping) {
                throw new IOException("stopped");
            }
            Command command = prepare.prepare();
            p = spawn(command);
            try {
                if (pidFile != null) {
                    Files.writeString(pidFile, p.pid() + "\n");
                }
            } catch (IOException | RuntimeException e) {
                terminate(p, timing.stopGrace());
                throw e;
            }
            process = p;
            healthy = Deadline.after(timing.healthyRun());
        }
        try {
            ready.apply(p).await();
            return p;
        } catch (IOException | InterruptedException | RuntimeException e) {
            terminate(p, timing.stopGrace());
            synchronized (lock) {
                if (process == p) {
                    process = null;
                }
            }
            deletePidFile();
            throw e;
        }
    }

    private static Process spawn(Command command) throws IOException {
        List<String> argv = new ArrayList<>();
        if (SETSID != null) {
            argv.add(SETSID);
        }
        argv.addAll(command.argv());
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(command.folder().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(command.output() == null ? ProcessBuilder.Redirect.DISCARD
                        : ProcessBuilder.Redirect.appendTo(command.output().toFile()));
        pb.environment().keySet().removeIf(command.dropVariable());
        return pb.start();
    }

    private void supervise(Launcher restart) {
        Backoff backoff = Backoff.doubling(timing.firstBackoff(), timing.maxBackoff());
        while (true) {
            Process p;
            Deadline healthyRun;
            synchronized (lock) {
                if (stopping) {
                    return;
                }
                p = process;
                healthyRun = healthy;
            }
            int code = -1;
            if (p != null) {
                try {
                    code = p.waitFor();
                } catch (InterruptedException e) {
                    return;
                }
            }
            synchronized (lock) {
                if (stopping) {
                    return;
                }
            }
            if (p != null && healthyRun.expired()) {
                backoff.reset();
            }
            Duration pause = backoff.next();
            if (p != null) {
                notes.accept(name + " (pid " + p.pid() + ") exited unexpectedly with code " + code
                        + "; restarting it in " + pause.toMillis() / 1000.0 + " s");
                synchronized (lock) {
                    // Forgotten, so that a restart failing before it launches is not taken for another
                    // exit of the same process.
                    if (process == p) {
                        process = null;
                    }
                }
                deletePidFile();
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            try {
                restart.run();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                synchronized (lock) {
                    if (stopping) {
                        return;
                    }
                }
                notes.accept("restart failed, trying again in " + backoff.current().toMillis() / 1000.0 + " s: "
                        + e.getMessage());
            }
        }
    }

    /**
     * SIGTERM, then SIGKILL after the grace; no restart. Does nothing when it does not run. Runs even when
     * the thread was interrupted, and leaves the flag as it found it.
     *
     * @return whether it ran (and is stopped now)
     */
    public boolean stop() {
        Process p;
        Thread s;
        synchronized (lock) {
            if (!running) {
                return false;
            }
            running = false;
            stopping = true;
            p = process;
            s = supervisor;
            supervisor = null;
        }
        boolean interrupted = Thread.interrupted();
        try {
            if (s != null) {
                s.interrupt();
            }
            if (p != null) {
                interrupted |= terminate(p, timing.stopGrace());
            }
            if (s != null && s != Thread.currentThread()) {
                s.join(timing.stopGrace().toMillis());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            synchronized (lock) {
                // A restart that raced with stop() spawned after we read `process`: stop that one too.
                if (process != null && process != p && process.isAlive()) {
                    ProcessRunner.killTree(process);
                }
                process = null;
            }
            deletePidFile();
            notes.accept("stopped " + name + (p == null ? "" : " (pid " + p.pid() + ")"));
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return true;
    }

    /**
     * Stops supervising and forgets the process without signalling it, as a Kiln that crashed would:
     * the process and its pid file stay. For tests of an orphan sweep.
     */
    public void detach() throws InterruptedException {
        Thread s;
        synchronized (lock) {
            running = false;
            stopping = true;
            s = supervisor;
            supervisor = null;
            process = null;
        }
        if (s != null) {
            s.interrupt();
            s.join(timing.stopGrace().toMillis());
        }
    }

    /**
     * SIGTERM, a grace, then SIGKILL to the whole session.
     *
     * @return whether the caller's thread was interrupted meanwhile (the process is killed then)
     */
    public static boolean terminate(Process p, Duration grace) {
        if (!p.isAlive()) {
            return false;
        }
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessRunner.killTree(p);
                p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
            return false;
        } catch (InterruptedException e) {
            ProcessRunner.killTree(p);
            return true;
        }
    }

    /** SIGTERM to a process this JVM did not start (an orphan), then SIGKILL after the grace. */
    public static void terminate(ProcessHandle handle, Duration grace) throws InterruptedException {
        handle.destroy();
        if (!awaitExit(handle, grace)) {
            handle.destroyForcibly();
            awaitExit(handle, grace);
        }
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) throws InterruptedException {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !handle.isAlive();
        }
    }

    private void deletePidFile() {
        if (pidFile == null) {
            return;
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // A stale pid file is harmless: a sweep checks the process's command line before acting.
        }
    }
}
