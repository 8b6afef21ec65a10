package dev.kiln.machines.target;

import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecResult;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ProcessRunner's rules (own session, whole tree killed on timeout or interruption) with the output
 * passed on as raw bytes: file contents read through {@code cat} must arrive unchanged, which
 * ProcessRunner's line-by-line listener cannot do.
 */
final class LocalProcess {

    private static final String SETSID = ProcessRunner.setsid();
    private static final long DRAIN_MILLIS = 2_000;

    private LocalProcess() {
    }

    static ExecResult run(List<String> argv, InputStream stdin, OutputStream stdout, OutputStream stderr,
                          Duration timeout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(argv.size() + 1);
        if (SETSID != null) {
            command.add(SETSID);
        }
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process = pb.start();
        if (stdin != null) {
            start("stdin", () -> {
                try (var in = stdin; var to = process.getOutputStream()) {
                    in.transferTo(to);
                }
            });
        }
        Thread out = start("stdout", () -> process.getInputStream().transferTo(stdout));
        Thread err = start("stderr", () -> process.getErrorStream().transferTo(stderr));
        boolean timedOut = false;
        try {
            if (timeout == null) {
                process.waitFor();
            } else if (!process.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                ProcessRunner.killTree(process);
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            ProcessRunner.killTree(process);
            throw e;
        } finally {
            out.join(DRAIN_MILLIS);
            err.join(DRAIN_MILLIS);
            if (out.isAlive() || err.isAlive()) {
                // A background child still holds the pipes open; stop reading rather than wait for it.
                process.getInputStream().close();
                process.getErrorStream().close();
                out.join(DRAIN_MILLIS);
                err.join(DRAIN_MILLIS);
            }
        }
        return new ExecResult(timedOut ? -1 : process.exitValue(), timedOut);
    }

    private interface Pump {
        void run() throws IOException;
    }

    private static Thread start(String name, Pump pump) {
        Thread t = new Thread(() -> {
            try {
                pump.run();
            } catch (IOException e) {
                // The program closed the stream early, or it was closed under us; its exit status tells the rest.
            }
        }, "local-process-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

}
