package dev.kiln.toe.target;

import dev.kiln.common.files.Trees;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** The machine the engine itself runs on ({@code kiln toe run}). */
public final class LocalTarget implements Target {

    private final Path workFolder;

    /** @param workFolder where the engine may write its own files (scripts, partial downloads) */
    public LocalTarget(Path workFolder) {
        this.workFolder = workFolder;
    }

    @Override
    public String description() {
        return "the local host";
    }

    @Override
    public Platform platform() {
        String os = System.getProperty("os.name", "").toLowerCase();
        if (os.contains("win")) {
            return Platform.WINDOWS;
        }
        return os.contains("mac") ? Platform.MACOS : Platform.LINUX;
    }

    @Override
    public ExecResult exec(ExecRequest request, OutputListener output) throws IOException, InterruptedException {
        return ProcessRunner.run(request, output);
    }

    @Override
    public byte[] read(String path) throws IOException {
        return Files.readAllBytes(Path.of(path));
    }

    @Override
    public void write(String path, byte[] data, boolean append) throws IOException {
        if (append) {
            Files.write(Path.of(path), data, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } else {
            Files.write(Path.of(path), data);
        }
    }

    @Override
    public Optional<FileInfo> stat(String path) throws IOException {
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        return Optional.of(info(p, true));
    }

    @Override
    public List<FileInfo> list(String folder, boolean recursive) throws IOException {
        Path root = Path.of(folder);
        List<FileInfo> out = new ArrayList<>();
        try (Stream<Path> s = recursive ? Files.walk(root) : Files.list(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.equals(root)) {
                    out.add(info(p, false));
                }
            }
        }
        return out;
    }

    @Override
    public void createFolders(String path) throws IOException {
        Files.createDirectories(Path.of(path));
    }

    @Override
    public void delete(String path, boolean recursive) throws IOException {
        Path p = Path.of(path);
        if (recursive && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Trees.delete(p);
        } else {
            try {
                Files.delete(p);
            } catch (DirectoryNotEmptyException e) {
                throw new IOException("folder " + path + " is not empty", e);
            }
        }
    }

    @Override
    public void copy(String source, String destination, boolean overwrite) throws IOException {
        Path src = Path.of(source);
        Path dst = Path.of(destination);
        if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(source);
        }
        if (!Files.isDirectory(src)) {
            copyOne(src, dst, overwrite);
            return;
        }
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path to = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(to);
                } else {
                    copyOne(p, to, overwrite);
                }
            }
        }
    }

    private static void copyOne(Path src, Path dst, boolean overwrite) throws IOException {
        if (!overwrite && Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(dst.toString(), null, "exists and overwrite is false");
        }
        Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
                LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void move(String source, String destination, boolean overwrite) throws IOException {
        Path src = Path.of(source);
        Path dst = Path.of(destination);
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            if (!overwrite) {
                throw new FileAlreadyExistsException(destination, null, "exists and overwrite is false");
            }
            delete(destination, true);
        }
        try {
            Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (e instanceof NoSuchFileException) {
                throw e;
            }
            // Across file systems: copy, then remove the source.
            copy(source, destination, true);
            delete(source, true);
        }
    }

    @Override
    public void setPermissions(String path, int mode, boolean recursive) throws IOException {
        Set<PosixFilePermission> perms = permissions(mode);
        for (Path p : targets(Path.of(path), recursive)) {
            Files.setPosixFilePermissions(p, perms);
        }
        if ((mode & 07000) != 0) {
            // java.nio cannot set setuid/setgid/sticky bits; chmod can.
            List<String> cmd = new ArrayList<>(List.of("chmod"));
            if (recursive) {
                cmd.add("-R");
            }
            cmd.add(String.format("%04o", mode));
            cmd.add(path);
            runChecked(cmd);
        }
    }

    @Override
    public void setOwner(String path, String owner, String group, boolean recursive) throws IOException {
        UserPrincipalLookupService lookup = Path.of(path).getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = owner == null ? null : lookup.lookupPrincipalByName(owner);
        GroupPrincipal grp = group == null ? null : lookup.lookupPrincipalByGroupName(group);
        for (Path p : targets(Path.of(path), recursive)) {
            PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (user != null) {
                view.setOwner(user);
            }
            if (grp != null) {
                view.setGroup(grp);
            }
        }
    }

    @Override
    public void createSymlink(String path, String target, boolean force) throws IOException {
        Path link = Path.of(path);
        if (force) {
            Files.deleteIfExists(link);
        }
        Files.createSymbolicLink(link, Path.of(target));
    }

    @Override
    public String workFolder() throws IOException {
        Files.createDirectories(workFolder);
        return workFolder.toString();
    }

    @Override
    public RebootOutcome reboot(Duration delay) {
        return RebootOutcome.STOPPED;
    }

    private static List<Path> targets(Path root, boolean recursive) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(root.toString());
        }
        if (!recursive || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return List.of(root);
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !Files.isSymbolicLink(p)).toList();
        }
    }

    private static void runChecked(List<String> cmd) throws IOException {
        try {
            StringBuilder err = new StringBuilder();
            ExecResult r = ProcessRunner.run(ExecRequest.of(cmd, Duration.ofMinutes(5)),
                    OutputListener.stderrOnly(line -> err.append(line).append('\n')));
            if (!r.succeeded()) {
                throw new IOException(String.join(" ", cmd) + " failed: " + err.toString().strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    private static FileInfo info(Path p, boolean follow) throws IOException {
        LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, opts);
        FileInfo.Type type = a.isSymbolicLink() ? FileInfo.Type.SYMLINK
                : a.isDirectory() ? FileInfo.Type.FOLDER
                : a.isRegularFile() ? FileInfo.Type.FILE : FileInfo.Type.OTHER;
        int mode = 0;
        for (PosixFilePermission perm : a.permissions()) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return new FileInfo(p.toString(), type, a.size(), mode, a.owner().getName(), a.group().getName());
    }
}
