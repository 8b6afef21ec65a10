package dev.kiln.machines.host;

import dev.kiln.core.log.BuildLog;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.process.Tail;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The host programs base images and VMs need (mmdebstrap, mkfs.ext4, qemu-img, qemu-system-x86_64),
 * found on the PATH and run through {@link ProcessRunner} with their output in the build log.
 */
public final class HostPrograms {
    private static final int TAIL_LINES = 30;

    private HostPrograms() {
    }

    /**
     * The program's path.
     *
     * @throws IOException naming the Debian package to install when the program is not there
     */
    public static Path require(String program, String debianPackage) throws IOException {
        return find(program).orElseThrow(() -> new IOException(program + " is not installed: install the Debian"
                + " package " + debianPackage + " (apt-get install " + debianPackage + ")"));
    }

    /** The program's path on the PATH (and the sbin folders, which root's PATH may lack), if it is there. */
    public static java.util.Optional<Path> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin:/usr/bin:/bin").split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Runs a program, each output line going to the log under {@code source} (null: nowhere).
     *
     * @return the program's output (stdout and stderr interleaved), at most its last few hundred lines
     * @throws IOException when it fails or times out, with the last lines of its output
     */
    public static String run(List<String> command, Duration timeout, BuildLog log, String source)
            throws IOException, InterruptedException {
        return run(command, Map.of(), timeout, log, source);
    }

    /**
     * Runs a program as {@link #run(List, Duration, BuildLog, String)} does, with variables added to
     * Kiln's own environment (a registry's auth file for skopeo, say).
     */
    public static String run(List<String> command, Map<String, String> environment, Duration timeout, BuildLog log,
                             String source) throws IOException, InterruptedException {
        Tail tail = new Tail(300);
        OutputListener listener = OutputListener.merged(line -> {
            tail.add(line);
            if (log != null && source != null) {
                log.line(source, line);
            }
        });
        ExecResult result = ProcessRunner.run(new ExecRequest(command, environment, null, timeout), listener);
        String output = tail.text();
        if (!result.succeeded()) {
            String why = result.timedOut() ? "did not finish within " + timeout.toSeconds() + " s"
                    : "failed with exit code " + result.exitCode();
            throw new IOException(String.join(" ", command.subList(0, Math.min(2, command.size()))) + " " + why
                    + "; its last lines:\n" + Tail.lastLines(output, TAIL_LINES));
        }
        return output;
    }
}
