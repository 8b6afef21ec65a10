package dev.kiln.machines.host;

import dev.kiln.core.log.BuildFailure;
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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host programs builds need (mmdebstrap, mkfs.ext4, qemu-img, qemu-system-x86_64, buildah...), found on
 * the PATH and run through {@link ProcessRunner} with their output in the build log. Each one is in Kiln's
 * list of host packages ({@link HostPackages}), which names the Debian package to install when it is missing.
 */
public final class HostPrograms {
    /** What installs every package Kiln needs (the bash launcher's {@code setup}), for messages. */
    public static final String SETUP_COMMAND = "sudo ./kiln setup";
    private static final int TAIL_LINES = 30;

    private HostPrograms() {
    }

    /**
     * The program's path.
     *
     * @throws IOException naming the Debian package to install (from {@link HostPackages}) when the program is
     *                     not there
     * @throws IllegalArgumentException when the program is not in Kiln's list of host packages
     */
    public static Path require(String program) throws IOException {
        HostPackages.Entry entry = HostPackages.entry(program);
        return find(program).orElseThrow(() -> new IOException(notInstalled(List.of(entry))));
    }

    /**
     * Fails at once when a program the features need is not here: called before a build starts, so that it
     * does not fail deep inside.
     *
     * @throws BuildFailure naming every missing program and the Debian packages to install
     */
    public static void requireFor(HostPackages.Feature... features) {
        requireEntries(HostPackages.programsFor(features));
    }

    /**
     * As {@link #requireFor}, for listed programs.
     *
     * @throws BuildFailure naming every missing program and the Debian packages to install
     */
    public static void requireAll(String... programs) {
        List<HostPackages.Entry> entries = new ArrayList<>();
        for (String program : programs) {
            entries.add(HostPackages.entry(program));
        }
        requireEntries(entries);
    }

    private static void requireEntries(List<HostPackages.Entry> entries) {
        List<HostPackages.Entry> missing = missing(entries, searchPath());
        if (!missing.isEmpty()) {
            throw new BuildFailure(notInstalled(missing));
        }
    }

    /** The entries whose program is in none of the folders. */
    static List<HostPackages.Entry> missing(List<HostPackages.Entry> entries, List<Path> folders) {
        List<HostPackages.Entry> out = new ArrayList<>();
        for (HostPackages.Entry e : entries) {
            if (find(e.program(), folders).isEmpty()) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * E.g. "buildah is not installed: install the Debian package buildah (sudo ./kiln setup)", or for
     * several, "qemu-system-x86_64, qemu-img are not installed: install the Debian packages qemu-system-x86
     * qemu-utils (sudo ./kiln setup)".
     */
    static String notInstalled(List<HostPackages.Entry> missing) {
        List<String> programs = new ArrayList<>();
        Set<String> packages = new LinkedHashSet<>();
        for (HostPackages.Entry e : missing) {
            programs.add(e.program());
            packages.add(e.debianPackage());
        }
        return String.join(", ", programs) + (programs.size() == 1 ? " is" : " are") + " not installed: install the"
                + " Debian package" + (packages.size() == 1 ? " " : "s ") + String.join(" ", packages) + " ("
                + SETUP_COMMAND + ")";
    }

    /** The program's path on the PATH (and the sbin folders, which root's PATH may lack), if it is there. */
    public static Optional<Path> find(String program) {
        return find(program, searchPath());
    }

    static Optional<Path> find(String program, List<Path> folders) {
        for (Path dir : folders) {
            Path p = dir.resolve(program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The PATH's folders, then /usr/sbin, /sbin, /usr/bin and /bin. */
    static List<Path> searchPath() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        List<Path> out = new ArrayList<>();
        for (String dir : (path + ":/usr/sbin:/sbin:/usr/bin:/bin").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                out.add(Path.of(dir));
            }
        }
        return out;
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
