package dev.kiln.machines.sandbox;

import dev.kiln.core.machine.InstanceException;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Copies an ext2/3/4 file system out of a raw disk without mounting it, for hosts where loop devices do
 * not work. {@code debugfs rdump} alone keeps contents, owners, permissions, times and symbolic links
 * but drops setuid/setgid/sticky bits (it chowns after chmod), device nodes and FIFOs, and turns hard
 * links into copies; a second pass reads every folder's listing ({@code ls -p}: inode, mode, owner) and
 * puts those back. Still lost: sockets and extended attributes (file capabilities, ACLs, SELinux labels).
 */
final class Rdump {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final int TYPE_MASK = 0170000;
    private static final int FIFO = 0010000;
    private static final int CHAR_DEVICE = 0020000;
    private static final int BLOCK_DEVICE = 0060000;
    private static final int REGULAR = 0100000;

    private Rdump() {
    }

    /** One entry of {@code ls -p}: {@code /inode/mode/uid/gid/name/size/}. */
    record Entry(String folder, long inode, int mode, int uid, int gid, String name) {
        String path() {
            return folder.equals("/") ? "/" + name : folder + "/" + name;
        }
    }

    static void extract(Path raw, Path tree, Consumer<String> log) throws IOException, InterruptedException {
        String debugfs = Host.program("debugfs");
        if (!quotable(tree.toString())) {
            throw new InstanceException("cannot extract a disk with debugfs into " + tree
                    + ": the path holds a quote or a line break");
        }
        String out = Host.run("extract a root tree with debugfs", List.of(debugfs, "-R", "rdump / \"" + tree + "\"",
                raw.toString()), TIMEOUT);
        try (var s = Files.list(tree)) {
            if (s.findAny().isEmpty()) {
                throw new InstanceException("the disk is not an ext2/3/4 file system filling the whole disk "
                        + "(partitioned disks are not supported by sandboxes)"
                        + (out.isBlank() ? "" : "; debugfs said:\n" + out));
            }
        }
        int repaired = repair(debugfs, raw, tree);
        log.accept("debugfs rdump: put back " + repaired + " special modes, device nodes, FIFOs and hard links; "
                + "extended attributes (file capabilities, ACLs) and sockets are lost");
    }

    private static int repair(String debugfs, Path raw, Path tree) throws IOException, InterruptedException {
        List<String> folders = new ArrayList<>();
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String inside = "/" + tree.relativize(dir).toString();
                if (quotable(inside)) {
                    folders.add(inside.equals("/") ? "/" : inside);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        List<String> commands = folders.stream().map(f -> "ls -p \"" + f + "\"").toList();
        List<Entry> entries = parseListings(run(debugfs, raw, commands, tree.getParent()));

        int repaired = 0;
        Map<Long, String> firstPathOfInode = new HashMap<>();
        List<Entry> devices = new ArrayList<>();
        for (Entry e : entries) {
            Path p = tree.resolve(e.path().substring(1));
            int type = e.mode() & TYPE_MASK;
            if (type == CHAR_DEVICE || type == BLOCK_DEVICE) {
                devices.add(e);
                continue;
            }
            if (type == FIFO) {
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    Host.run("make a FIFO", List.of(Host.program("mkfifo"), p.toString()), TIMEOUT);
                    ownAndMode(p, e);
                    repaired++;
                }
                continue;
            }
            if (type == REGULAR) {
                String first = firstPathOfInode.putIfAbsent(e.inode(), e.path());
                if (first != null) {
                    Files.deleteIfExists(p);
                    Files.createLink(p, tree.resolve(first.substring(1)));
                    repaired++;
                    continue;
                }
            }
            if ((e.mode() & 07000) != 0 && Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                ownAndMode(p, e);
                repaired++;
            }
        }
        if (!devices.isEmpty()) {
            List<String> stats = devices.stream().map(d -> "stat \"" + d.path() + "\"").toList();
            Map<String, String> numbers = parseDeviceNumbers(run(debugfs, raw, stats, tree.getParent()));
            for (Entry d : devices) {
                String number = numbers.get(d.path());
                if (number == null) {
                    continue;
                }
                String[] mm = number.split(":");
                Path p = tree.resolve(d.path().substring(1));
                Files.deleteIfExists(p);
                Host.run("make a device node", List.of(Host.program("mknod"), p.toString(),
                        (d.mode() & TYPE_MASK) == CHAR_DEVICE ? "c" : "b", Integer.toString(Integer.parseInt(mm[0])),
                        Integer.toString(Integer.parseInt(mm[1]))), TIMEOUT);
                ownAndMode(p, d);
                repaired++;
            }
        }
        return repaired;
    }

    /** chown before chmod: a chown clears setuid and setgid bits. */
    private static void ownAndMode(Path p, Entry e) throws IOException, InterruptedException {
        Host.run("set the owner of " + p, List.of(Host.program("chown"), "-h",
                e.uid() + ":" + e.gid(), p.toString()), TIMEOUT);
        Host.run("set the mode of " + p, List.of(Host.program("chmod"),
                String.format("%04o", e.mode() & 07777), p.toString()), TIMEOUT);
    }

    /** Runs debugfs commands from a file (one invocation for thousands of folders); its standard output lines. */
    private static List<String> run(String debugfs, Path raw, List<String> commands, Path scratch)
            throws IOException, InterruptedException {
        Path file = Files.createTempFile(scratch, "debugfs-", ".cmds");
        try {
            Files.write(file, commands);
            List<String> lines = new ArrayList<>();
            ExecResult r = ProcessRunner.run(ExecRequest.of(List.of(debugfs, "-f", file.toString(), raw.toString()),
                    TIMEOUT), OutputListener.stdoutOnly(lines::add));
            if (!r.succeeded()) {
                throw new InstanceException("debugfs could not list the disk it extracted (exit " + r.exitCode() + ")");
            }
            return lines;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Reads {@code debugfs -f} output: a {@code debugfs: ls -p "<folder>"} echo, then that folder's entries. */
    static List<Entry> parseListings(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        String folder = null;
        for (String line : lines) {
            if (line.startsWith("debugfs: ls -p \"") && line.endsWith("\"")) {
                folder = line.substring("debugfs: ls -p \"".length(), line.length() - 1);
                continue;
            }
            if (folder == null || !line.startsWith("/") || !line.endsWith("/")) {
                continue;
            }
            String[] head = line.substring(1).split("/", 5);
            if (head.length < 5) {
                continue;
            }
            String rest = head[4].substring(0, head[4].length() - 1);
            int slash = rest.lastIndexOf('/');
            if (slash < 0) {
                continue;
            }
            String name = rest.substring(0, slash);
            if (name.equals(".") || name.equals("..") || name.isEmpty()) {
                continue;
            }
            try {
                out.add(new Entry(folder, Long.parseLong(head[0]), Integer.parseInt(head[1], 8),
                        Integer.parseInt(head[2]), Integer.parseInt(head[3]), name));
            } catch (NumberFormatException e) {
                // Not a listing line after all.
            }
        }
        return out;
    }

    /** Reads {@code debugfs -f} output of {@code stat "<path>"} commands: each device's decimal major:minor. */
    static Map<String, String> parseDeviceNumbers(List<String> lines) {
        Map<String, String> out = new HashMap<>();
        String path = null;
        for (String line : lines) {
            if (line.startsWith("debugfs: stat \"") && line.endsWith("\"")) {
                path = line.substring("debugfs: stat \"".length(), line.length() - 1);
            } else if (path != null && line.startsWith("Device major/minor number:")) {
                String number = line.substring("Device major/minor number:".length()).trim().split("\\s+")[0];
                if (number.matches("\\d+:\\d+")) {
                    out.put(path, number);
                }
            }
        }
        return out;
    }

    private static boolean quotable(String path) {
        return !path.contains("\"") && !path.contains("\n");
    }
}
