package dev.kiln.machines.sandbox;

import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.Instance.CapturedDisk;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.common.wait.Deadline;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Writes a sandbox's root tree as a standalone qcow2 disk, as a VM capture would leave it. */
final class DiskWriter {

    static final long GIB = 1L << 30;
    private static final long BLOCK = 4096;

    private DiskWriter() {
    }

    /**
     * Removes what a VM capture removes too: downloaded package lists and packages. The lists folder
     * keeps its {@code lock} and {@code partial/} so that a clean base image gets no whiteouts for them.
     * Also removes the policy-rc.d the sandbox installed, when it still says what Kiln wrote.
     */
    static void cleanTransientFiles(Path root, Consumer<String> log) throws IOException {
        Path lists = root.resolve("var/lib/apt/lists");
        Path archives = root.resolve("var/cache/apt/archives");
        int removed = 0;
        removed += deleteChildren(lists, p -> !p.getFileName().toString().equals("lock")
                && !p.getFileName().toString().equals("partial"));
        removed += deleteChildren(lists.resolve("partial"), p -> true);
        removed += deleteChildren(archives, p -> p.getFileName().toString().endsWith(".deb"));
        removed += deleteChildren(archives.resolve("partial"), p -> true);
        removed += deleteChildren(root.resolve("var/cache/apt"), p -> p.getFileName().toString().endsWith(".bin"));
        Path policy = root.resolve("usr/sbin/policy-rc.d");
        if (Files.isRegularFile(policy, LinkOption.NOFOLLOW_LINKS)
                && Files.readString(policy).equals(NamespaceHolder.POLICY_RC_D)) {
            Files.delete(policy);
            removed++;
        }
        log.accept("removed " + removed + " transient files and folders (apt lists and caches, policy-rc.d)");
    }

    private static int deleteChildren(Path folder, java.util.function.Predicate<Path> which) throws IOException {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<Path> doomed;
        try (Stream<Path> s = Files.list(folder)) {
            doomed = s.filter(which).toList();
        }
        for (Path p : doomed) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Host.deleteTree(p);
            } else {
                Files.deleteIfExists(p);
            }
        }
        return doomed.size();
    }

    /**
     * Makes the disk: an ext4 file system built from the tree ({@code mkfs.ext4 -d}) in a sparse raw
     * file as large as the parent's disk (larger when the tree needs it), converted to qcow2.
     */
    static CapturedDisk write(Path root, MachineImage parent, Path outputFolder, String name,
                              Deadline deadline, Consumer<String> log) throws IOException, InterruptedException {
        int sizeGiB = sizeGiB(parent.rootVolumeSizeGiB(), requiredBytes(root));
        Path raw = outputFolder.resolve(name + ".raw");
        Path qcow2 = outputFolder.resolve(name + ".qcow2");
        try {
            try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
                f.setLength(sizeGiB * GIB);
            }
            Instant start = Instant.now();
            Host.run("build the file system of the captured disk", List.of(Host.program("mkfs.ext4"),
                    "-q", "-F", "-L", "rootfs", "-d", root.toString(), raw.toString()),
                    deadline.remainingOrThrow(DiskWriter::outOfTime));
            Host.run("convert the captured disk to qcow2", List.of(Host.program("qemu-img"), "convert",
                    "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()),
                    deadline.remainingOrThrow(DiskWriter::outOfTime));
            log.accept("wrote a " + sizeGiB + " GiB disk in " + Duration.between(start, Instant.now()).toMillis()
                    + " ms");
        } finally {
            Files.deleteIfExists(raw);
        }
        Boot boot = boot(root, parent.boot(), outputFolder, log);
        return new CapturedDisk(qcow2, boot, sizeGiB);
    }

    /** The parent's size, or more when the tree (plus room for metadata and root's reserve) needs it. */
    static int sizeGiB(int parentGiB, long requiredBytes) {
        int needed = (int) ((requiredBytes + GIB - 1) / GIB);
        return Math.max(Math.max(1, parentGiB), needed);
    }

    /**
     * A generous estimate of the ext4 file system a tree needs: its blocks, an inode for each entry at
     * mkfs's default ratio of one per 16 KiB, the journal, and the 5 % kept for root.
     */
    static long requiredBytes(Path root) throws IOException {
        long[] blocks = {0};
        long[] entries = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                entries[0]++;
                blocks[0] += 1;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                entries[0]++;
                if (attrs.isRegularFile()) {
                    blocks[0] += (attrs.size() + BLOCK - 1) / BLOCK;
                } else if (attrs.isSymbolicLink() && attrs.size() > 60) {
                    blocks[0] += 1;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                entries[0]++;
                return FileVisitResult.CONTINUE;
            }
        });
        long data = blocks[0] * BLOCK;
        long byInodes = entries[0] * 16384;
        long journalAndTables = 160L << 20;
        return (long) (Math.max(data * 1.1, byInodes * 1.2) / 0.95) + journalAndTables;
    }

    /**
     * How the captured disk boots: as its parent, unless the tree's kernel (or initrd) differs from the
     * parent's; then from copies of the tree's, beside the disk.
     */
    static Boot boot(Path root, Boot parent, Path outputFolder, Consumer<String> log) throws IOException {
        Optional<Path> kernel = bootFile(root, "vmlinuz");
        if (kernel.isEmpty()) {
            return parent;
        }
        Optional<Path> initrd = bootFile(root, "initrd.img");
        boolean sameKernel = parent != null && sameFile(parent.kernel(), kernel.get());
        boolean sameInitrd = parent != null && (initrd.isEmpty() ? parent.initrd() == null
                : sameFile(parent.initrd(), initrd.get()));
        if (sameKernel && sameInitrd) {
            return parent;
        }
        Path kernelCopy = outputFolder.resolve(kernel.get().getFileName().toString());
        Files.copy(kernel.get(), kernelCopy, StandardCopyOption.REPLACE_EXISTING);
        Path initrdCopy = null;
        if (initrd.isPresent()) {
            initrdCopy = outputFolder.resolve(initrd.get().getFileName().toString());
            Files.copy(initrd.get(), initrdCopy, StandardCopyOption.REPLACE_EXISTING);
        }
        log.accept("the tree has a kernel of its own (" + root.relativize(kernel.get())
                + "): the captured image boots it");
        String args = parent == null || parent.kernelArgs() == null ? "" : parent.kernelArgs();
        return new Boot(Boot.Mode.KERNEL, kernelCopy, initrdCopy, args);
    }

    private static boolean sameFile(Path a, Path b) throws IOException {
        return a != null && Files.isRegularFile(a) && Files.mismatch(a, b) == -1;
    }

    /**
     * The tree's current kernel or initrd: what Debian's {@code /vmlinuz} (or {@code /boot/vmlinuz})
     * link points at, else the highest version in {@code /boot}. Links are resolved inside the tree.
     */
    static Optional<Path> bootFile(Path root, String stem) throws IOException {
        for (String link : List.of(stem, "boot/" + stem)) {
            Optional<Path> p = resolveInside(root, link);
            if (p.isPresent() && Files.isRegularFile(p.get(), LinkOption.NOFOLLOW_LINKS)) {
                return p;
            }
        }
        Path boot = root.resolve("boot");
        if (!Files.isDirectory(boot, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(boot)) {
            return s.filter(p -> p.getFileName().toString().startsWith(stem + "-"))
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .max(Comparator.comparing(p -> p.getFileName().toString(), DiskWriter::compareVersions));
        }
    }

    /** Follows symbolic links as the tree's own root would see them; empty when it leads nowhere. */
    static Optional<Path> resolveInside(Path root, String relative) throws IOException {
        Path current = root;
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(List.of(relative.split("/")));
        int hops = 0;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(root) ? root : current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++hops > 40) {
                    return Optional.empty();
                }
                String target = Files.readSymbolicLink(next).toString();
                List<String> parts = List.of(target.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                if (target.startsWith("/")) {
                    current = root;
                }
                continue;
            }
            if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            current = next;
        }
        return Optional.of(current);
    }

    /** Compares names like {@code vmlinuz-6.1.0-9-amd64} by their numbers, as versions. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        String[] y = b.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c;
            if (Character.isDigit(x[i].charAt(0)) && Character.isDigit(y[i].charAt(0))) {
                c = new java.math.BigInteger(x[i]).compareTo(new java.math.BigInteger(y[i]));
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static InstanceException outOfTime() {
        return new InstanceException("the image capture ran out of time");
    }
}
