package dev.kiln.machines.target;

import dev.kiln.toe.target.ExecRequest;
import dev.kiln.toe.target.ExecResult;
import dev.kiln.toe.target.FileInfo;
import dev.kiln.toe.target.OutputListener;
import dev.kiln.toe.target.Platform;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** TEMPORARY STAND-IN (not to be committed): the real class comes from another helper via main. */
public abstract class ShellTarget implements Target {
    private final String description;
    private final Platform platform;

    protected ShellTarget(String description, Platform platform) {
        this.description = description;
        this.platform = platform;
    }

    protected abstract ExecResult execRaw(List<String> argv, InputStream stdin, OutputStream stdout,
                                          OutputStream stderr, Duration timeout) throws IOException, InterruptedException;

    protected static ExecResult execOnHost(List<String> argv, InputStream stdin, OutputStream stdout,
                                           OutputStream stderr, Duration timeout) throws IOException, InterruptedException {
        return dev.kiln.toe.process.ProcessRunner.run(ExecRequest.of(argv, timeout), stdin, stdout, stderr);
    }

    protected final void workFolderMayHaveVanished() {
    }

    @Override public String description() { return description; }
    @Override public Platform platform() { return platform; }
    @Override public ExecResult exec(ExecRequest r, OutputListener o) { throw new UnsupportedOperationException(); }
    @Override public byte[] read(String path) { throw new UnsupportedOperationException(); }
    @Override public void write(String path, byte[] data, boolean append) { throw new UnsupportedOperationException(); }
    @Override public Optional<FileInfo> stat(String path) { throw new UnsupportedOperationException(); }
    @Override public List<FileInfo> list(String folder, boolean recursive) { throw new UnsupportedOperationException(); }
    @Override public void createFolders(String path) { throw new UnsupportedOperationException(); }
    @Override public void delete(String path, boolean recursive) { throw new UnsupportedOperationException(); }
    @Override public void copy(String s, String d, boolean o) { throw new UnsupportedOperationException(); }
    @Override public void move(String s, String d, boolean o) { throw new UnsupportedOperationException(); }
    @Override public void setPermissions(String path, int mode, boolean r) { throw new UnsupportedOperationException(); }
    @Override public void setOwner(String path, String o, String g, boolean r) { throw new UnsupportedOperationException(); }
    @Override public void createSymlink(String path, String t, boolean f) { throw new UnsupportedOperationException(); }
    @Override public String workFolder() { throw new UnsupportedOperationException(); }
}
