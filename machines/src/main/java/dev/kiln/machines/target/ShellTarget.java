package dev.kiln.machines.target;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.toe.target.FileInfo;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.toe.target.Platform;
import dev.kiln.toe.target.Target;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A Target whose every operation is a program run on the target: file operations use POSIX tools
 * there (cat, stat, find, mkdir -p, rm, cp -a, mv, chmod, chown, ln -s; GNU or BusyBox) through fixed {@code sh -c}
 * scripts with positional arguments (never paths spliced into a shell string). Subclasses only say
 * how to run an argument list there ({@link #execRaw}) and how to reboot.
 *
 * <p>Failures are IOExceptions that name the path and carry the tool's stderr: NoSuchFileException,
 * FileAlreadyExistsException, DirectoryNotEmptyException and NotDirectoryException where the cause is
 * known, as {@link dev.kiln.toe.target.LocalTarget} throws them.
 */
public abstract class ShellTarget implements Target {

    /** The line the exec wrapper writes when it cannot enter the working folder; never shown to listeners. */
    static final String NO_WORKING_FOLDER = "kiln-shell-target: cannot enter the working folder";
    /** File operations are bounded so a hung tool cannot hold a build forever; large copies fit well within. */
    static final Duration FILE_TIMEOUT = Duration.ofMinutes(30);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_ERROR_CHARS = 2_000;

    private final String description;
    private final Platform platform;
    private final Object workFolderLock = new Object();
    private String workFolder;
    private boolean workFolderChecked;

    protected ShellTarget(String description, Platform platform) {
        this.description = description;
        this.platform = platform;
    }

    /**
     * Runs argv on the target with stdin (null = empty), raw stdout/stderr, and a timeout (null = none;
     * on timeout the remote process is killed and the result is ExecResult(-1, true)).
     */
    protected abstract ExecResult execRaw(List<String> argv, InputStream stdin, OutputStream stdout,
                                          OutputStream stderr, Duration timeout)
            throws IOException, InterruptedException;

    /**
     * Runs a component's program ({@link #exec}) with the same contract as {@link #execRaw}, which it
     * calls unless a target runs programs differently from its file scripts (a container runs them
     * as its image says, while file scripts may take a cheaper way in).
     */
    protected ExecResult execProgram(List<String> argv, InputStream stdin, OutputStream stdout, OutputStream stderr,
                                     Duration timeout) throws IOException, InterruptedException {
        return execRaw(argv, stdin, stdout, stderr, timeout);
    }

    /**
     * Runs a program on this host with raw streams, in a session of its own, its whole process tree
     * killed on timeout or interruption: the building block for targets reached through a host
     * program (nsenter into a sandbox, a container runtime's exec).
     */
    protected static ExecResult execOnHost(List<String> argv, InputStream stdin, OutputStream stdout,
                                           OutputStream stderr, Duration timeout)
            throws IOException, InterruptedException {
        return ProcessRunner.run(ExecRequest.of(argv, timeout), stdin, stdout, stderr);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Platform platform() {
        return platform;
    }

    @Override
    public ExecResult exec(ExecRequest request, OutputListener output) throws IOException, InterruptedException {
        List<String> argv = request.command();
        if (!request.environment().isEmpty() || request.workingFolder() != null) {
            argv = new ArrayList<>();
            argv.addAll(List.of("sh", "-c", Scripts.EXEC, "sh", folderArgument(request.workingFolder()),
                    Integer.toString(request.environment().size())));
            for (Map.Entry<String, String> e : new TreeMap<>(request.environment()).entrySet()) {
                if (!ENV_NAME.matcher(e.getKey()).matches()) {
                    throw new IllegalArgumentException("not an environment variable name: " + e.getKey());
                }
                argv.add(e.getKey() + "=" + e.getValue());
            }
            argv.addAll(request.command());
        }
        boolean[] noFolder = {false};
        LineSplitter out = new LineSplitter(output::stdout);
        LineSplitter err = new LineSplitter(line -> {
            if (line.equals(NO_WORKING_FOLDER)) {
                noFolder[0] = true;
            } else {
                output.stderr(line);
            }
        });
        ExecResult result;
        try {
            result = execProgram(argv, null, out, err, request.timeout());
        } finally {
            out.close();
            err.close();
        }
        if (noFolder[0] && result.exitCode() == 126) {
            throw new NoSuchFileException(request.workingFolder(), null,
                    "working folder for " + request.command().get(0) + " does not exist on " + description);
        }
        return result;
    }

    @Override
    public byte[] read(String path) throws IOException {
        return run("read", path, Scripts.READ, List.of(path), null).stdout;
    }

    @Override
    public void write(String path, byte[] data, boolean append) throws IOException {
        run("write", path, Scripts.WRITE, List.of(path, append ? "append" : "replace"), data);
    }

    @Override
    public Optional<FileInfo> stat(String path) throws IOException {
        Output out = runRaw(Scripts.STAT, List.of(path), null);
        if (out.exitCode == Scripts.NO_SUCH_FILE) {
            return Optional.empty();
        }
        check(out, "stat", path);
        String[] f = out.text().split("\n", -1);
        if (f.length < 5) {
            throw new IOException("cannot stat " + path + " on " + description + ": unexpected output " + out.text());
        }
        FileInfo.Type type = switch (f[0]) {
            case "regular file", "regular empty file" -> FileInfo.Type.FILE;
            case "directory" -> FileInfo.Type.FOLDER;
            case "symbolic link" -> FileInfo.Type.SYMLINK;
            default -> FileInfo.Type.OTHER;
        };
        return Optional.of(new FileInfo(path, type, Long.parseLong(f[1]), Integer.parseInt(f[2], 8), f[3], f[4]));
    }

    @Override
    public List<FileInfo> list(String folder, boolean recursive) throws IOException {
        byte[] raw = run("list", folder, Scripts.LIST, List.of(dashSafe(folder), recursive ? "recursive" : "flat"),
                null).stdout;
        List<String> fields = splitNul(raw);
        List<FileInfo> entries = new ArrayList<>(fields.size() / 6);
        for (int i = 0; i + 5 < fields.size(); i += 6) {
            FileInfo.Type type = switch (fields.get(i)) {
                case "f" -> FileInfo.Type.FILE;
                case "d" -> FileInfo.Type.FOLDER;
                case "l" -> FileInfo.Type.SYMLINK;
                default -> FileInfo.Type.OTHER;
            };
            String path = fields.get(i + 5);
            if (!folder.equals(dashSafe(folder)) && path.startsWith("./")) {
                path = path.substring(2);
            }
            entries.add(new FileInfo(path, type, Long.parseLong(fields.get(i + 1)),
                    Integer.parseInt(fields.get(i + 2), 8), fields.get(i + 3), fields.get(i + 4)));
        }
        return entries;
    }

    @Override
    public void createFolders(String path) throws IOException {
        run("create folder", path, Scripts.CREATE_FOLDERS, List.of(path), null);
    }

    @Override
    public void delete(String path, boolean recursive) throws IOException {
        run("delete", path, Scripts.DELETE, List.of(path, recursive ? "recursive" : "single"), null);
    }

    @Override
    public void copy(String source, String destination, boolean overwrite) throws IOException {
        twoPaths("copy", source, destination, Scripts.COPY, overwrite ? "overwrite" : "keep");
    }

    @Override
    public void move(String source, String destination, boolean overwrite) throws IOException {
        twoPaths("move", source, destination, Scripts.MOVE, overwrite ? "overwrite" : "keep");
    }

    @Override
    public void setPermissions(String path, int mode, boolean recursive) throws IOException {
        // Five digits: GNU chmod keeps a folder's setuid/setgid bits for shorter numeric modes.
        run("change permissions of", path, Scripts.CHMOD,
                List.of(path, String.format("%05o", mode & 07777), recursive ? "recursive" : "single"), null);
    }

    @Override
    public void setOwner(String path, String owner, String group, boolean recursive) throws IOException {
        if (owner == null && group == null) {
            return;
        }
        String spec = owner == null ? ":" + group : group == null ? owner : owner + ":" + group;
        run("change owner of", path, Scripts.CHOWN, List.of(path, spec, recursive ? "recursive" : "single"), null);
    }

    @Override
    public void createSymlink(String path, String target, boolean force) throws IOException {
        Output out = runRaw(Scripts.SYMLINK, List.of(target, path, force ? "force" : "keep"), null);
        if (out.exitCode == Scripts.ALREADY_EXISTS) {
            throw new FileAlreadyExistsException(path, null, "exists on " + description + " and force is false");
        }
        check(out, "create symlink", path);
    }

    @Override
    public String workFolder() throws IOException {
        synchronized (workFolderLock) {
            if (workFolder == null) {
                Output out = runRaw(Scripts.MAKE_WORK_FOLDER, List.of(), null);
                check(out, "create the work folder", "/tmp");
                workFolder = out.text().strip();
                workFolderChecked = true;
            } else if (!workFolderChecked) {
                run("create the work folder", workFolder, Scripts.REMAKE_WORK_FOLDER, List.of(workFolder), null);
                workFolderChecked = true;
            }
            return workFolder;
        }
    }

    /**
     * Makes the next {@link #workFolder()} create the same folder again: after a reboot /tmp may have
     * been emptied, and the same path keeps messages and saved state consistent.
     */
    protected final void workFolderMayHaveVanished() {
        synchronized (workFolderLock) {
            workFolderChecked = false;
        }
    }

    private void twoPaths(String verb, String source, String destination, String script, String flag)
            throws IOException {
        Output out = runRaw(script, List.of(source, destination, flag), null);
        if (out.exitCode == Scripts.NO_SUCH_FILE) {
            throw new NoSuchFileException(source, null, "does not exist on " + description);
        }
        if (out.exitCode == Scripts.ALREADY_EXISTS) {
            throw new FileAlreadyExistsException(destination, null,
                    "exists on " + description + " and overwrite is false");
        }
        if (out.exitCode != 0) {
            throw new IOException("cannot " + verb + " " + source + " to " + destination + " on " + description
                    + errorText(out));
        }
    }

    /** Runs a script and turns its failures into exceptions naming the path. */
    private Output run(String verb, String path, String script, List<String> args, byte[] stdin)
            throws IOException {
        Output out = runRaw(script, args, stdin);
        check(out, verb, path);
        return out;
    }

    private void check(Output out, String verb, String path) throws IOException {
        switch (out.exitCode) {
            case 0 -> {
            }
            case Scripts.NO_SUCH_FILE -> throw new NoSuchFileException(path, null,
                    "cannot " + verb + ": it " + (verb.equals("write") ? "has no parent folder" : "does not exist")
                            + " on " + description);
            case Scripts.ALREADY_EXISTS -> throw new FileAlreadyExistsException(path, null,
                    "cannot " + verb + ": exists on " + description);
            case Scripts.NOT_A_FOLDER -> throw new NotDirectoryException(path);
            case Scripts.NOT_EMPTY -> throw new DirectoryNotEmptyException(path);
            default -> throw new IOException("cannot " + verb + " " + path + " on " + description + errorText(out));
        }
    }

    private String errorText(Output out) {
        if (out.timedOut) {
            return ": timed out after " + FILE_TIMEOUT.toMinutes() + " minutes";
        }
        String err = out.stderr.toString(StandardCharsets.UTF_8).strip();
        if (err.length() > MAX_ERROR_CHARS) {
            err = "..." + err.substring(err.length() - MAX_ERROR_CHARS);
        }
        return err.isEmpty() ? ": exit code " + out.exitCode : ": " + err;
    }

    private Output runRaw(String script, List<String> args, byte[] stdin) throws IOException {
        List<String> argv = new ArrayList<>(args.size() + 4);
        argv.addAll(List.of("sh", "-c", script, "sh"));
        argv.addAll(args);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            ExecResult r = execRaw(argv, stdin == null ? null : new ByteArrayInputStream(stdin), stdout, stderr,
                    FILE_TIMEOUT);
            return new Output(r.exitCode(), r.timedOut(), stdout.toByteArray(), stderr);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException("interrupted while working on " + description);
            io.initCause(e);
            throw io;
        }
    }

    private static String folderArgument(String folder) {
        return folder == null ? "" : dashSafe(folder);
    }

    /** Relative paths starting with a dash would be read as options by find and cd. */
    private static String dashSafe(String path) {
        return path.startsWith("-") ? "./" + path : path;
    }

    private static List<String> splitNul(byte[] raw) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    private record Output(int exitCode, boolean timedOut, byte[] stdout, ByteArrayOutputStream stderr) {
        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }
}
