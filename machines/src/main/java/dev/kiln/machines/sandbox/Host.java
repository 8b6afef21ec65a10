package dev.kiln.machines.sandbox;

import dev.kiln.machines.host.HostPackages;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.process.Tail;
import dev.kiln.common.files.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The host programs a sandbox needs, run through {@link ProcessRunner}, and the host's mount table. */
final class Host {

    private static final List<String> PROGRAM_DIRS = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin");
    /** How an error message introduces a program's last lines ({@link Tail#suffix}). */
    static final String LAST_OUTPUT = "; its last output:\n";

    private Host() {
    }

    /**
     * The absolute path of a host program, or an exception naming the Debian package that brings it (from
     * Kiln's list of host packages, {@link HostPackages}).
     */
    static String program(String name) {
        for (String dir : PROGRAM_DIRS) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new InstanceException("the sandbox backend needs the program " + name
                + ", which is not installed: install the Debian package " + HostPackages.packageOf(name) + " ("
                + HostPrograms.SETUP_COMMAND + ")");
    }

    /** Sandboxes mount file systems and enter namespaces: only root may. */
    static void requireRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String effective = line.substring(4).trim().split("\\s+")[1];
                    if (!effective.equals("0")) {
                        throw new InstanceException("the sandbox backend (instance type kiln.sandbox) mounts "
                                + "overlays and enters namespaces, so Kiln must run as root; it runs as uid "
                                + effective);
                    }
                    return;
                }
            }
        } catch (IOException e) {
            throw new InstanceException("cannot read /proc/self/status to check that Kiln runs as root", e);
        }
    }

    /**
     * Runs a host program and returns its output; when it fails or times out, throws an exception that
     * says what was being done and ends with the program's last output lines.
     */
    static String run(String what, List<String> command, Duration timeout) throws IOException, InterruptedException {
        Tail tail = new Tail(40);
        ExecResult r = ProcessRunner.run(ExecRequest.of(command, timeout), tail.listener());
        if (r.timedOut()) {
            throw new InstanceException("cannot " + what + ": " + command.get(0) + " did not finish within "
                    + timeout.toSeconds() + " s" + tail.suffix(LAST_OUTPUT));
        }
        if (r.exitCode() != 0) {
            throw new InstanceException("cannot " + what + ": " + String.join(" ", command) + " exited with "
                    + r.exitCode() + tail.suffix(LAST_OUTPUT));
        }
        return tail.text();
    }

    /** Runs a host program; whether it succeeded. For clean-up, where failing is not an error yet. */
    static boolean tryRun(List<String> command, Duration timeout) throws InterruptedException {
        try {
            return ProcessRunner.run(ExecRequest.of(command, timeout), OutputListener.NONE).succeeded();
        } catch (IOException e) {
            return false;
        }
    }

    /** A mount in the host's mount table. */
    record Mount(Path point, String type, String source) {
    }

    /** The mounts this process sees, in mount order. */
    static List<Mount> mounts() throws IOException {
        List<Mount> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            Mount m = parseMountInfo(line);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    /** One line of /proc/self/mountinfo: {@code id parent maj:min root point options [optional...] - type source super}. */
    static Mount parseMountInfo(String line) {
        String[] fields = line.split(" ");
        int dash = -1;
        for (int i = 6; i < fields.length; i++) {
            if (fields[i].equals("-")) {
                dash = i;
                break;
            }
        }
        if (fields.length < 5 || dash < 0 || dash + 2 >= fields.length) {
            return null;
        }
        return new Mount(Path.of(unescape(fields[4])), fields[dash + 1], unescape(fields[dash + 2]));
    }

    /** The kernel writes space, tab, newline and backslash in mount fields as {@code \ooo}. */
    static String unescape(String field) {
        StringBuilder sb = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    /** Mounts at or below a folder, deepest first (the order to unmount them in). */
    static List<Mount> mountsUnder(Path folder) throws IOException {
        Path root = folder.toAbsolutePath().normalize();
        List<Mount> out = new ArrayList<>();
        for (Mount m : mounts()) {
            if (m.point().startsWith(root)) {
                out.add(0, m);
            }
        }
        return out;
    }

    /**
     * Unmounts a mount point; when it is busy, detaches it lazily (the kernel finishes once the last user
     * lets go). Whether it is gone from this mount namespace.
     */
    static boolean unmount(Path point, String umount) throws InterruptedException {
        if (Host.tryRun(List.of(umount, point.toString()), Duration.ofSeconds(30))) {
            return true;
        }
        return Host.tryRun(List.of(umount, "--lazy", point.toString()), Duration.ofSeconds(30));
    }

    /**
     * Deletes a folder and all it holds without following symbolic links or crossing into mounts (a
     * mount still there means something went wrong before: deleting through it would reach other files).
     */
    static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!mountsUnder(folder).isEmpty()) {
            throw new IOException("not deleting " + folder + ": file systems are still mounted under it: "
                    + mountsUnder(folder));
        }
        Trees.delete(folder);
    }
}
