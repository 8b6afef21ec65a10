package dev.kiln.toe.target;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The machine a component document acts on. Action modules never touch the host directly; they go
 * through this interface, so the same engine drives the local host, a VM over SSH or a container
 * being built. Paths are the target's own absolute paths, as strings.
 */
public interface Target {

    /** For messages: "the local host", "instance i-0abc", ... */
    String description();

    Platform platform();

    /** Runs a program, streaming its output lines as they come; kills its whole process tree on timeout. */
    ExecResult exec(ExecRequest request, OutputListener output) throws IOException, InterruptedException;

    byte[] read(String path) throws IOException;

    /** Writes a file, replacing it or appending to it; the parent folder must exist. */
    void write(String path, byte[] data, boolean append) throws IOException;

    /** What is at a path (following symlinks), or empty when nothing is. */
    Optional<FileInfo> stat(String path) throws IOException;

    /** The entries under a folder (all levels when recursive), without the folder itself. */
    List<FileInfo> list(String folder, boolean recursive) throws IOException;

    void createFolders(String path) throws IOException;

    /** Deletes a file or an empty folder; a folder and all it holds when recursive. */
    void delete(String path, boolean recursive) throws IOException;

    /** Copies a file, or a folder with all it holds; replaces what is at the destination only when asked. */
    void copy(String source, String destination, boolean overwrite) throws IOException;

    void move(String source, String destination, boolean overwrite) throws IOException;

    void setPermissions(String path, int mode, boolean recursive) throws IOException;

    /** Sets owner and, when group is not null, group; by name or numeric id. */
    void setOwner(String path, String owner, String group, boolean recursive) throws IOException;

    void createSymlink(String path, String target, boolean force) throws IOException;

    /**
     * A folder on the target for the engine's own files (scripts it writes, downloads in progress);
     * it exists when this returns.
     */
    String workFolder() throws IOException;

    /**
     * Reboots the target after a delay. A remote machine comes back and the run goes on
     * ({@link RebootOutcome#RESUMED}); the local host cannot reboot under the running engine, so it
     * answers {@link RebootOutcome#STOPPED}: the run saves its state and a later run resumes it.
     */
    RebootOutcome reboot(Duration delay) throws IOException, InterruptedException;

    enum RebootOutcome { RESUMED, STOPPED }
}
