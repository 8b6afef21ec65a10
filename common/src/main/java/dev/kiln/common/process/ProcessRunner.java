package dev.kiln.common.process;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one way Kiln runs a program on the host: an argument list (never a shell string), a timeout,
 * output streamed line by line, and on timeout or interruption the whole process tree killed, even
 * children that outlived their parent. Each program starts in a session of its own (setsid) so its
 * process group can be signalled at once.
 */
public final class ProcessRunner {

    private static final String SETSID = findSetsid();
    /** How long to keep reading output after the program exits, for lines still in the pipe. */
    private static final long DRAIN_MILLIS = 2_000;

    private ProcessRunner() {
    }

    public static ExecResult run(ExecRequest request, OutputListener output) throws IOException, InterruptedException {
        return run(request, output, null);
    }

    /**
     * Runs a program with its standard input fed from a stream (copied on a thread of its own and then
     * closed), or from /dev/null when {@code stdin} is null.
     */
    public static ExecResult run(ExecRequest request, OutputListener output, InputStream stdin)
            throws IOException, InterruptedException {
        return run(request, stdin, p -> pump(p.getInputStream(), output::stdout, "stdout"),
                p -> pump(p.getErrorStream(), output::stderr, "stderr"));
    }

    /**
     * Runs a program as {@link #run(ExecRequest, OutputListener, InputStream)} does, with its output passed
     * on as raw bytes: file contents read through {@code cat} must arrive unchanged, which a line-by-line
     * listener cannot do.
     */
    public static ExecResult run(ExecRequest request, InputStream stdin, OutputStream stdout, OutputStream stderr)
            throws IOException, InterruptedException {
        return run(request, stdin, p -> copy(p.getInputStream(), stdout, "stdout"),
                p -> copy(p.getErrorStream(), stderr, "stderr"));
    }

    private static ExecResult run(ExecRequest request, InputStream stdin, Function<Process, Thread> stdout,
                                  Function<Process, Thread> stderr) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(request.command().size() + 1);
        if (SETSID != null) {
            command.add(SETSID);
        }
        command.addAll(request.command());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(request.environment());
        if (request.workingFolder() != null) {
            pb.directory(new File(request.workingFolder()));
        }
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process = pb.start();
        if (stdin != null) {
            feed(process, stdin);
        }
        Thread out = stdout.apply(process);
        Thread err = stderr.apply(process);
        boolean timedOut = false;
        try {
            if (request.timeout() == null) {
                process.waitFor();
            } else if (!process.waitFor(Math.max(1, request.timeout().toMillis()), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                killTree(process);
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        } finally {
            drain(process, out, err);
        }
        return new ExecResult(timedOut ? -1 : process.exitValue(), timedOut);
    }

    /** Kills the program's process group and every descendant still alive. */
    public static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (SETSID != null && process.isAlive()) {
            try {
                new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor(5, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // Falls through to killing the handles one by one.
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static void drain(Process process, Thread out, Thread err) throws InterruptedException {
        out.join(DRAIN_MILLIS);
        err.join(DRAIN_MILLIS);
        if (out.isAlive() || err.isAlive()) {
            // A background child still holds the pipes open; stop reading rather than wait for it.
            closeQuietly(process.getInputStream());
            closeQuietly(process.getErrorStream());
            out.join(DRAIN_MILLIS);
            err.join(DRAIN_MILLIS);
        }
    }

    private static void feed(Process process, InputStream stdin) {
        daemon(() -> {
            try (var in = stdin; var to = process.getOutputStream()) {
                in.transferTo(to);
            } catch (IOException e) {
                // The program closed its input early (or died); its exit status tells the caller.
            }
        }, "process-stdin");
    }

    private static Thread pump(InputStream in, Consumer<String> sink, String name) {
        return daemon(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // The stream was closed under us; what was read has been delivered.
            }
        }, "process-" + name);
    }

    private static Thread copy(InputStream in, OutputStream to, String name) {
        return daemon(() -> {
            try {
                in.transferTo(to);
            } catch (IOException e) {
                // The program closed the stream early, or it was closed under us; its exit status tells the rest.
            }
        }, "process-" + name);
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Nothing more to read either way.
        }
    }

    /**
     * The setsid program, which every Kiln process helper starts programs through (a session of their
     * own, so that a whole tree can be killed), or null when this host has none.
     */
    public static String setsid() {
        return SETSID;
    }

    private static String findSetsid() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, "setsid");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
