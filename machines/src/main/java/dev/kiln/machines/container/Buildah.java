package dev.kiln.machines.container;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.process.Tail;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * buildah on Kiln's own storage: every call gets the storage flags and the engine's extra environment,
 * runs through {@link ProcessRunner} (a timeout, the whole tree killed on timeout or interruption),
 * and sends its output lines to the build log.
 */
final class Buildah {

    static final String LOG_SOURCE = "buildah";
    /** How many of buildah's last output lines a failure carries. */
    static final int TAIL_LINES = 15;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final List<String> prefix;

    /**
     * @param env program for the environment prefix ({@code /usr/bin/env}), used only when {@code environment}
     *            is not empty: it keeps the whole call one argument list, which raw-stream runners need too
     */
    Buildah(Path buildah, Path env, Path storageFolder, Path runFolder, String driver,
            Map<String, String> environment) {
        List<String> p = new ArrayList<>();
        if (!environment.isEmpty()) {
            p.add(env.toString());
            for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
                if (!ENV_NAME.matcher(e.getKey()).matches()) {
                    throw new IllegalArgumentException("not an environment variable name: " + e.getKey());
                }
                p.add(e.getKey() + "=" + e.getValue());
            }
        }
        p.addAll(List.of(buildah.toString(), "--root", storageFolder.toString(), "--runroot", runFolder.toString(),
                "--storage-driver", driver));
        this.prefix = List.copyOf(p);
    }

    /** The full argument list of a buildah call. */
    List<String> command(List<String> args) {
        List<String> command = new ArrayList<>(prefix.size() + args.size());
        command.addAll(prefix);
        command.addAll(args);
        return command;
    }

    /**
     * Runs buildah; each stderr line goes to the log, and each stdout line too when {@code logStdout}
     * (queries whose stdout is JSON or a path keep it out of the log).
     *
     * @param failure what failed, for the message: "the Dockerfile failed", "could not pull x"
     * @throws BuildFailure when buildah fails or times out: {@code failure}, buildah's error and its last lines
     */
    Output run(List<String> args, Duration timeout, BuildLog log, boolean logStdout, String failure)
            throws IOException, InterruptedException {
        Output out = runUnchecked(args, timeout, log, logStdout);
        if (!out.result().succeeded()) {
            throw new BuildFailure(failureMessage(failure, out, timeout));
        }
        return out;
    }

    /** Runs buildah and answers how it ended, without judging it. */
    Output runUnchecked(List<String> args, Duration timeout, BuildLog log, boolean logStdout)
            throws IOException, InterruptedException {
        List<String> stdout = new ArrayList<>();
        Tail tail = new Tail(TAIL_LINES);
        OutputListener listener = new OutputListener() {
            @Override
            public void stdout(String line) {
                synchronized (stdout) {
                    stdout.add(line);
                }
                if (logStdout) {
                    keep(line);
                }
            }

            @Override
            public void stderr(String line) {
                keep(line);
            }

            private void keep(String line) {
                if (log != null) {
                    log.line(LOG_SOURCE, line);
                }
                // buildah 1.28 dumps a failed Dockerfile step as a Go struct, once alone and once after its
                // error: noise to a person reading the image's reason.
                if (line.contains("(UNHANDLED LOGLEVEL)")) {
                    return;
                }
                tail.add(withoutDump(line));
            }
        };
        ExecResult result = ProcessRunner.run(ExecRequest.of(command(args), timeout), listener);
        synchronized (stdout) {
            return new Output(result, List.copyOf(stdout), tail.lines());
        }
    }

    /**
     * Runs a clean-up call that must not fail its caller: bounded, its failure logged and returned as
     * false. It runs even when the thread was interrupted (a cancelled build still cleans up), and
     * leaves the interrupt flag as it found it.
     */
    boolean runQuietly(List<String> args, Duration timeout, BuildLog log, String what) {
        boolean interrupted = Thread.interrupted();
        try {
            Output out = runUnchecked(args, timeout, log, true);
            if (!out.result().succeeded()) {
                info(log, "could not " + what + ": " + (out.result().timedOut() ? "timed out"
                        : out.error().orElse("exit code " + out.result().exitCode())));
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            info(log, "could not " + what + ": " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            interrupted = true;
            info(log, "could not " + what + ": interrupted");
            return false;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String failureMessage(String failure, Output out, Duration timeout) {
        StringBuilder m = new StringBuilder(failure);
        if (out.result().timedOut()) {
            m.append(": buildah did not finish within ").append(describe(timeout)).append(" and was stopped");
        } else {
            m.append(": ").append(out.error().orElse("buildah failed with exit code " + out.result().exitCode()));
        }
        if (!out.tail().isEmpty()) {
            m.append("\nbuildah's last lines:\n").append(String.join("\n", out.tail()));
        }
        return m.toString();
    }

    private static String withoutDump(String line) {
        int dump = line.indexOf(" &imagebuilder.Step{");
        return dump < 0 ? line : line.substring(0, dump);
    }

    private static String describe(Duration d) {
        return d.toMinutes() >= 1 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    private static void info(BuildLog log, String message) {
        if (log != null) {
            log.info(message);
        }
    }

    /**
     * How a call ended.
     *
     * @param stdout every stdout line
     * @param tail   the last lines of output that went to the log (stderr, and stdout when logged)
     */
    record Output(ExecResult result, List<String> stdout, List<String> tail) {

        /** buildah's own error line ("Error: ..."), without the prefix. */
        java.util.Optional<String> error() {
            for (int i = tail.size() - 1; i >= 0; i--) {
                String line = tail.get(i).strip();
                if (line.startsWith("Error: ")) {
                    return java.util.Optional.of(line.substring("Error: ".length()));
                }
            }
            return java.util.Optional.empty();
        }

        /** The first stdout line that is not blank: an id, a path. */
        String firstLine() {
            return stdout.stream().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse("");
        }

        String stdoutText() {
            return String.join("\n", stdout);
        }
    }
}
