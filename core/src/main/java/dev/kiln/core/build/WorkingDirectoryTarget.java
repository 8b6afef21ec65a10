package dev.kiln.core.build;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.toe.target.FileInfo;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Platform;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A recipe's {@code workingDirectory}: where Image Builder puts the component engine's files on the
 * instance (its default is /tmp). Kiln's engine runs on the host, so what lands on the instance is the
 * engine's work folder (step scripts, downloads in progress); this target puts it under the recipe's
 * folder and passes everything else through.
 */
final class WorkingDirectoryTarget implements Target {
    private final Target target;
    private final String folder;
    private boolean created;

    WorkingDirectoryTarget(Target target, String workingDirectory) {
        this.target = target;
        this.folder = workingDirectory.replaceAll("/+$", "") + "/kiln-toe";
    }

    @Override
    public synchronized String workFolder() throws IOException {
        if (!created || target.stat(folder).isEmpty()) {
            target.createFolders(folder);
            target.setPermissions(folder, 0700, false);
            created = true;
        }
        return folder;
    }

    @Override
    public String description() {
        return target.description();
    }

    @Override
    public Platform platform() {
        return target.platform();
    }

    @Override
    public ExecResult exec(ExecRequest request, OutputListener output) throws IOException, InterruptedException {
        return target.exec(request, output);
    }

    @Override
    public byte[] read(String path) throws IOException {
        return target.read(path);
    }

    @Override
    public void write(String path, byte[] data, boolean append) throws IOException {
        target.write(path, data, append);
    }

    @Override
    public Optional<FileInfo> stat(String path) throws IOException {
        return target.stat(path);
    }

    @Override
    public List<FileInfo> list(String folder, boolean recursive) throws IOException {
        return target.list(folder, recursive);
    }

    @Override
    public void createFolders(String path) throws IOException {
        target.createFolders(path);
    }

    @Override
    public void delete(String path, boolean recursive) throws IOException {
        target.delete(path, recursive);
    }

    @Override
    public void copy(String source, String destination, boolean overwrite) throws IOException {
        target.copy(source, destination, overwrite);
    }

    @Override
    public void move(String source, String destination, boolean overwrite) throws IOException {
        target.move(source, destination, overwrite);
    }

    @Override
    public void setPermissions(String path, int mode, boolean recursive) throws IOException {
        target.setPermissions(path, mode, recursive);
    }

    @Override
    public void setOwner(String path, String owner, String group, boolean recursive) throws IOException {
        target.setOwner(path, owner, group, recursive);
    }

    @Override
    public void createSymlink(String path, String linkTarget, boolean force) throws IOException {
        target.createSymlink(path, linkTarget, force);
    }

    @Override
    public RebootOutcome reboot(Duration delay) throws IOException, InterruptedException {
        return target.reboot(delay);
    }
}
