package dev.kiln.machines.sandbox;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.core.machine.MachineImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Where the read-only root tree of an image comes from. A sandbox mounts its overlay over these
 * folders and never writes to them.
 *
 * <p>A tree is either registered (a Kiln base image's rootfs folder, or the layer stack a sandbox
 * capture left: {@link SandboxInstance#capturedLowerDirs()}), or extracted once from the image's
 * qcow2 disk into the cache folder. Registrations are kept in the cache folder too
 * ({@code <sha256>.lowers}), so they outlive a restart.
 *
 * <p>Extraction converts the disk to raw, mounts it read-only through a loop device and copies it
 * with {@code cp -a}: owners, modes, setuid bits, symbolic and hard links, device nodes, and extended
 * attributes (file capabilities, ACLs) all survive. Where loop devices do not work, it falls back to
 * {@code debugfs rdump} plus a repair pass ({@link Rdump}), which keeps all of that except extended
 * attributes and sockets; the build log says so when that happens. Both read only an ext2/3/4 file
 * system that fills the whole disk, as Kiln's own images have; disks with a partition table are refused.
 */
public final class RootTrees {

    private static final Duration EXTRACT_TIMEOUT = Duration.ofMinutes(30);
    /** Images built on images built on images: past this many layers, a tree is extracted flat instead. */
    static final int MAX_LAYERS = 16;

    private final Path cacheFolder;
    private final Map<String, List<Path>> registered = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Set<Path> extracting = ConcurrentHashMap.newKeySet();
    private final boolean useLoopDevices;

    /** @param cacheFolder where extracted trees and registrations are kept, e.g. {@code <data>/cache/trees} */
    public RootTrees(Path cacheFolder) {
        this(cacheFolder, true);
    }

    /** @param useLoopDevices false to extract with debugfs even where loop devices work (tests) */
    RootTrees(Path cacheFolder, boolean useLoopDevices) {
        this.cacheFolder = cacheFolder.toAbsolutePath().normalize();
        this.useLoopDevices = useLoopDevices;
    }

    /**
     * Registers a ready tree for an image's disk checksum (a Kiln base image's rootfs dir, or the layer
     * stack a sandbox capture left).
     *
     * @param lowerDirsTopFirst overlay lower dirs, the top one first; they must stay where they are and
     *                          must never change while the image exists
     */
    public void register(String diskSha256, List<Path> lowerDirsTopFirst) {
        String key = checkKey(diskSha256);
        if (lowerDirsTopFirst.isEmpty()) {
            throw new IllegalArgumentException("a root tree needs at least one folder");
        }
        List<Path> dirs = lowerDirsTopFirst.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("the root tree folder " + dir + " is not a folder");
            }
        }
        try {
            Files.createDirectories(cacheFolder);
            Path file = cacheFolder.resolve(key + ".lowers");
            Path tmp = cacheFolder.resolve(key + ".lowers.tmp");
            List<String> lines = new java.util.ArrayList<>();
            for (Path dir : dirs) {
                lines.add(dir + "\t" + identity(dir));
            }
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the root tree of disk " + key + " in " + cacheFolder, e);
        }
        registered.put(key, dirs);
    }

    /**
     * Registers the tree a sandbox capture left (its layer on top of the parent's lower dirs) for the
     * image its disk became, first moving the layer into the cache folder ({@code <sha256>.layer}) so
     * that it lives as long as the cache rather than as long as the build's folder.
     *
     * @return the registered lower dirs, top first; empty when the stack would be deeper than
     *         {@value #MAX_LAYERS} layers, and the layer was dropped so that the image's tree is
     *         extracted flat from its disk on first use
     */
    List<Path> adopt(String diskSha256, List<Path> capturedLowerDirs) throws IOException, InterruptedException {
        String key = checkKey(diskSha256);
        Path layer = capturedLowerDirs.get(0).toAbsolutePath().normalize();
        if (capturedLowerDirs.size() > MAX_LAYERS) {
            // The overlay's options must fit in a page; a deep stack is also slower to look through.
            // Instances of this image extract its disk once instead: one flat tree again.
            Host.deleteTree(layer);
            return List.of();
        }
        Path kept = cacheFolder.resolve(key + ".layer");
        if (!layer.equals(kept)) {
            Files.createDirectories(cacheFolder);
            if (Files.exists(kept)) {
                Host.deleteTree(kept);
            }
            try {
                Files.move(layer, kept, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another file system: cp -a keeps whiteouts (0:0 devices), xattrs and hard links.
                Host.run("copy the sandbox layer " + layer + " into " + cacheFolder, List.of(
                        Host.program("cp"), "-a", layer.toString(), kept.toString()), EXTRACT_TIMEOUT);
                Host.deleteTree(layer);
            }
        }
        List<Path> lowers = new java.util.ArrayList<>();
        lowers.add(kept);
        lowers.addAll(capturedLowerDirs.subList(1, capturedLowerDirs.size()));
        register(key, lowers);
        return List.copyOf(lowers);
    }

    /**
     * The lower dirs (top first) of an image's tree: the registered ones, else the tree extracted from
     * the image's disk, extracting it now if this is its first use.
     */
    public List<Path> lowerDirs(MachineImage image, BuildLog log) throws IOException, InterruptedException {
        String key = checkKey(image.diskSha256());
        Optional<List<Path>> known = known(key);
        if (known.isPresent()) {
            return known.get();
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            Files.createDirectories(cacheFolder);
            try (FileChannel channel = FileChannel.open(cacheFolder.resolve(key + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                known = known(key);
                if (known.isPresent()) {
                    return known.get();
                }
                return List.of(extract(image, key, log));
            }
        }
    }

    /**
     * A registration holds, beside each folder, which folder it was (device and inode): a base image
     * rebuilt since replaced its rootfs folder by a new one at the same path, and layers made on the
     * old one must not be stacked on the new one. Such a registration is dropped; the image's tree is
     * then extracted from its own (unchanged) disk.
     */
    private Optional<List<Path>> known(String key) throws IOException {
        Path file = cacheFolder.resolve(key + ".lowers");
        List<Path> dirs = null;
        if (Files.isRegularFile(file)) {
            List<Path> read = new java.util.ArrayList<>();
            boolean same = true;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                Path dir = Path.of(tab < 0 ? line : line.substring(0, tab));
                same &= Files.isDirectory(dir) && (tab < 0 || line.substring(tab + 1).equals(identity(dir)));
                read.add(dir);
            }
            if (same && !read.isEmpty()) {
                dirs = read;
            } else {
                Files.deleteIfExists(file);
                registered.remove(key);
            }
        }
        if (dirs != null) {
            registered.put(key, dirs);
            return Optional.of(dirs);
        }
        Path tree = cacheFolder.resolve(key + ".tree");
        return Files.isDirectory(tree) ? Optional.of(List.of(tree)) : Optional.empty();
    }

    private static String identity(Path dir) throws IOException {
        var attributes = Files.readAttributes(dir, java.nio.file.attribute.BasicFileAttributes.class);
        // The inode alone could be reused by a folder made after the old one was deleted.
        return attributes.fileKey() + " " + attributes.lastModifiedTime().toMillis();
    }

    private Path extract(MachineImage image, String key, BuildLog log) throws IOException, InterruptedException {
        Path disk = image.disk();
        if (disk == null || !Files.isRegularFile(disk)) {
            throw new InstanceException("image " + image.imageId() + " has no registered root tree and its disk "
                    + disk + " is missing, so a sandbox cannot be made of it");
        }
        Instant start = Instant.now();
        log.info("extracting the root tree of image " + image.imageId() + " from " + disk
                + " (once; kept in " + cacheFolder + ")");
        // Named for the whole key: a sweep tells a live extraction (its key's lock held) from a dead one.
        Path tmp = Files.createTempDirectory(cacheFolder, NamespaceHolder.EXTRACT_MARK + key + "~");
        extracting.add(tmp);
        Path raw = tmp.resolve("disk.raw");
        Path mnt = tmp.resolve("mnt");
        Path tree = tmp.resolve("tree");
        try {
            Host.run("convert the disk of image " + image.imageId() + " to raw", List.of(
                    Host.program("qemu-img"), "convert", "-f", "qcow2", "-O", "raw", disk.toString(),
                    raw.toString()), EXTRACT_TIMEOUT);
            Files.createDirectories(mnt);
            Files.createDirectories(tree);
            String mount = Host.program("mount");
            // noload: never replay a journal into a disk we only read; some file systems refuse the option.
            boolean mounted = useLoopDevices
                    && (Host.tryRun(List.of(mount, "-o", "loop,ro,noload", raw.toString(), mnt.toString()),
                            Duration.ofMinutes(1))
                        || Host.tryRun(List.of(mount, "-o", "loop,ro", raw.toString(), mnt.toString()),
                            Duration.ofMinutes(1)));
            if (mounted) {
                try {
                    Host.run("copy the root tree of image " + image.imageId(), List.of(Host.program("cp"), "-a",
                            mnt + "/.", tree + "/"), EXTRACT_TIMEOUT);
                } finally {
                    Host.unmount(mnt, Host.program("umount"));
                }
            } else {
                log.info("loop devices do not work here: extracting image " + image.imageId() + " with debugfs");
                Rdump.extract(raw, tree, log::info);
            }
            if (isEmpty(tree)) {
                throw new InstanceException("the disk of image " + image.imageId() + " held no files");
            }
            Path target = cacheFolder.resolve(key + ".tree");
            Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
            log.info("extracted the root tree of image " + image.imageId() + " in "
                    + Duration.between(start, Instant.now()).toMillis() + " ms");
            return target;
        } finally {
            try {
                for (Host.Mount m : Host.mountsUnder(tmp)) {
                    Host.unmount(m.point(), Host.program("umount"));
                }
                Host.deleteTree(tmp);
            } finally {
                extracting.remove(tmp);
            }
        }
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.findAny().isEmpty();
        }
    }

    /** Removes what an interrupted extraction left: its loop mount and its temporary folder. */
    void sweep(BuildLog log) {
        if (!Files.isDirectory(cacheFolder)) {
            return;
        }
        try (Stream<Path> s = Files.list(cacheFolder)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(NamespaceHolder.EXTRACT_MARK))
                    .filter(p -> !extracting.contains(p)).toList()) {
                if (extractionRunsElsewhere(p)) {
                    continue;
                }
                for (Host.Mount m : Host.mountsUnder(p)) {
                    Host.unmount(m.point(), Host.program("umount"));
                }
                Host.deleteTree(p);
                log.info("removed the unfinished tree extraction " + p);
            }
        } catch (IOException | RuntimeException e) {
            log.info("cannot sweep the tree cache " + cacheFolder + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether another Kiln process sharing this cache holds the lock of the extraction's image. */
    private boolean extractionRunsElsewhere(Path extraction) throws IOException {
        String name = extraction.getFileName().toString();
        int end = name.lastIndexOf('~');
        if (end <= NamespaceHolder.EXTRACT_MARK.length()) {
            return false;
        }
        Path lockFile = cacheFolder.resolve(name.substring(NamespaceHolder.EXTRACT_MARK.length(), end) + ".lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            return lock == null;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true;
        }
    }

    Path cacheFolder() {
        return cacheFolder;
    }

    private static String checkKey(String diskSha256) {
        if (diskSha256 == null || !diskSha256.matches("[A-Za-z0-9._-]{1,128}") || diskSha256.startsWith(".")) {
            throw new IllegalArgumentException("not a disk checksum: " + diskSha256);
        }
        return diskSha256;
    }
}
