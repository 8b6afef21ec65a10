package dev.kiln.machines.sandbox;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.machines.target.LineSplitter;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.Tail;
import dev.kiln.common.wait.Deadline;
import dev.kiln.toe.target.Target;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A sandbox instance: an overlay over an image's root tree (the image itself is never written), seen
 * through chroot from inside mount, PID, UTS and IPC namespaces that a {@link NamespaceHolder} keeps
 * alive. The network is the host's. Commands run as root with a clean environment, as over SSH into a
 * VM; but there is no kernel, init or service manager of its own, so a sandbox cannot test boot, the
 * kernel or services, and a "reboot" restarts its processes, not a kernel.
 *
 * <p>Files in the instance's work folder: {@code upper/}, {@code work/} and {@code merged/} (the
 * overlay, mounted on the host too, so that a capture reads the tree without /proc or /dev in it),
 * the holder's script, and the copies of resolv.conf and policy-rc.d shown inside.
 */
public final class SandboxInstance implements Instance {

    static final List<String> ENVIRONMENT = List.of(
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8");

    private static final String IN_HOME = "cd \"$HOME\" 2>/dev/null || cd /; unset OLDPWD PWD SHLVL; exec \"$@\"";

    private enum State { RUNNING, CAPTURED, CLOSED }

    /** The least time a late step gets, so that a spent deadline still reads as a timeout, not "forever". */
    private static final Duration ONE_MILLI = Duration.ofMillis(1);

    private final InstanceRequest request;
    private final List<Path> lowerDirs;
    private final BuildLog log;
    private final Consumer<SandboxInstance> onClose;
    private final Path folder;
    private final Path upper;
    private final Path work;
    private final Path merged;
    private final Tail console = new Tail(500);
    private final SandboxTarget target;
    private final String env = Host.program("env");
    private final String nsenter = Host.program("nsenter");
    private final String chroot = Host.program("chroot");
    private final String umount = Host.program("umount");

    private volatile NamespaceHolder holder;
    private volatile State state = State.RUNNING;
    private volatile List<Path> capturedLowerDirs;

    private SandboxInstance(InstanceRequest request, List<Path> lowerDirs, BuildLog log,
                            Consumer<SandboxInstance> onClose) {
        this.request = request;
        this.lowerDirs = List.copyOf(lowerDirs);
        this.log = log;
        this.onClose = onClose;
        this.folder = request.workFolder().toAbsolutePath().normalize();
        this.upper = folder.resolve("upper");
        this.work = folder.resolve("work");
        this.merged = folder.resolve("merged");
        this.target = new SandboxTarget(this);
    }

    /**
     * Mounts the overlay, starts the namespaces, runs the user data; on any failure removes all of it
     * again before the exception leaves.
     */
    static SandboxInstance launch(InstanceRequest request, List<Path> lowerDirs, BuildLog log,
                                  Consumer<SandboxInstance> onClose) throws IOException, InterruptedException {
        Deadline deadline = Deadline.after(readyTimeout(request));
        SandboxInstance instance = new SandboxInstance(request, lowerDirs, log, onClose);
        try {
            instance.mountOverlay();
            instance.startHolder(deadline.remainingAtLeast(ONE_MILLI));
            instance.runUserData(deadline.remainingAtLeast(ONE_MILLI));
            return instance;
        } catch (IOException | InterruptedException | RuntimeException e) {
            instance.close();
            throw e;
        }
    }

    @Override
    public String instanceId() {
        return request.instanceId();
    }

    @Override
    public Target target() {
        return target;
    }

    /** The overlay's mount point on the host: the instance's root tree as files. */
    public Path rootFolder() {
        return merged;
    }

    /** The overlay's upper dir: every change made in this instance (moved away by a capture). */
    public Path upperDir() {
        return upper;
    }

    /**
     * After {@link #captureImage}: the new image's root tree as overlay lower dirs, top first (the
     * layer this instance left, then the parent's), to register under the new image's disk checksum
     * so that instances of the new image mount at once instead of extracting its disk.
     * {@link SandboxBackend#imageRegistered} does that, moving the layer into the tree cache (the
     * list then names the layer's new place). Empty before a capture.
     */
    public List<Path> capturedLowerDirs() {
        List<Path> dirs = capturedLowerDirs;
        return dirs == null ? List.of() : dirs;
    }

    @Override
    public String howToConnect() {
        NamespaceHolder h = holder;
        if (state != State.RUNNING || h == null) {
            return "instance " + instanceId() + " is stopped: nothing to connect to";
        }
        List<String> line = new ArrayList<>(List.of("env", "-i"));
        line.addAll(ENVIRONMENT);
        line.add("TERM=xterm");
        line.addAll(List.of("nsenter", "--target", Long.toString(h.pid()), "--mount", "--pid", "--uts", "--ipc",
                "--", "chroot", merged.toString(), "/bin/sh", "-l"));
        List<String> quoted = new ArrayList<>();
        for (String word : line) {
            quoted.add(word.matches("[A-Za-z0-9_./:=,+-]+") ? word : "'" + word.replace("'", "'\\''") + "'");
        }
        return String.join(" ", quoted) + "    # as root on the Kiln host";
    }

    @Override
    public String consoleTail(int lines) {
        return console.last(lines);
    }

    /**
     * Runs a program inside the sandbox: as root, with a clean environment, in the chroot's {@code /};
     * on timeout the program and every process it started are killed.
     */
    ExecResult exec(List<String> argv, InputStream stdin, OutputStream stdout, OutputStream stderr,
                    Duration timeout) throws IOException, InterruptedException {
        return target.execRaw(argv, stdin, stdout, stderr, timeout);
    }

    /**
     * The host command line that runs argv inside the sandbox. It starts in root's home folder, as a
     * command over SSH into a VM does; chroot itself can only start in {@code /}, so a fixed sh script
     * in the image changes folder and then becomes the program.
     */
    List<String> command(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        NamespaceHolder h = running();
        List<String> command = new ArrayList<>(List.of(env, "-i"));
        command.addAll(ENVIRONMENT);
        command.addAll(List.of(nsenter, "--target", Long.toString(h.pid()), "--mount", "--pid", "--uts", "--ipc",
                "--", chroot, merged.toString(), "/bin/sh", "-c", IN_HOME, "sh"));
        command.addAll(argv);
        return command;
    }

    /**
     * A sandbox "reboot": every process in it is killed and fresh namespaces start over the same
     * overlay, so files stay and /tmp, /run and running programs are gone. No kernel restarts.
     */
    synchronized Target.RebootOutcome reboot(Duration delay) throws IOException, InterruptedException {
        running();
        if (delay != null && !delay.isNegative()) {
            Thread.sleep(delay.toMillis());
        }
        event("rebooting: killing every process in the sandbox and starting fresh namespaces");
        holder.kill();
        startHolder(readyTimeout(request));
        return Target.RebootOutcome.RESUMED;
    }

    @Override
    public synchronized CapturedDisk captureImage(Path outputFolder, Duration timeout)
            throws IOException, InterruptedException {
        running();
        Deadline deadline = Deadline.after(timeout);
        event("capturing: stopping every process in the sandbox");
        state = State.CAPTURED;
        holder.kill();
        Files.createDirectories(outputFolder);
        DiskWriter.cleanTransientFiles(merged, line -> event(line));
        CapturedDisk disk = DiskWriter.write(merged, request.image(), outputFolder, instanceId(), deadline,
                line -> event(line));
        if (!Host.unmount(merged, umount)) {
            throw new InstanceException("cannot unmount the overlay of instance " + instanceId() + " at " + merged
                    + " to keep its layer");
        }
        Path layer = outputFolder.resolve("layer");
        moveFolder(upper, layer);
        Host.deleteTree(work);
        List<Path> lowers = new ArrayList<>();
        lowers.add(layer);
        lowers.addAll(lowerDirs);
        capturedLowerDirs = List.copyOf(lowers);
        event("captured " + disk.disk() + " (" + disk.sizeGiB() + " GiB); its layer is " + layer);
        return disk;
    }

    /** Kills the namespaces, unmounts the overlay (lazily as a last resort), deletes the work folder. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        boolean interrupted = Thread.interrupted();
        try {
            NamespaceHolder h = holder;
            if (h != null) {
                h.kill();
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (RuntimeException e) {
            log.info("instance " + instanceId() + ": cannot stop its namespace holder: " + e.getMessage());
        }
        try {
            for (Host.Mount m : Host.mountsUnder(folder)) {
                if (!Host.unmount(m.point(), umount)) {
                    log.info("instance " + instanceId() + ": cannot unmount " + m.point());
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (IOException | RuntimeException e) {
            log.info("instance " + instanceId() + ": cannot read the mount table: " + e.getMessage());
        }
        try {
            Host.deleteTree(folder);
        } catch (IOException | RuntimeException e) {
            log.info("instance " + instanceId() + ": cannot delete " + folder + ": " + e.getMessage());
        }
        try {
            onClose.accept(this);
        } catch (RuntimeException e) {
            // The backend only forgets the instance; nothing to undo.
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    Path folder() {
        return folder;
    }

    private NamespaceHolder running() {
        NamespaceHolder h = holder;
        if (state == State.CAPTURED) {
            throw new InstanceException("instance " + instanceId() + " was stopped by its image capture");
        }
        if (state == State.CLOSED || h == null) {
            throw new InstanceException("instance " + instanceId() + " is terminated");
        }
        if (!h.alive()) {
            throw new InstanceException("the namespaces of instance " + instanceId() + " are gone: their init "
                    + "(host PID " + h.pid() + ") was killed from outside Kiln" + tailSuffix());
        }
        return h;
    }

    private void mountOverlay() throws IOException, InterruptedException {
        Files.createDirectories(folder);
        Files.createDirectories(upper);
        Files.createDirectories(work);
        Files.createDirectories(merged);
        // The tree's root takes its owner and mode from the top layer; keep the image's.
        copyOwnerAndMode(lowerDirs.get(0), upper);
        String options = "lowerdir=" + String.join(":", lowerDirs.stream().map(SandboxInstance::overlayPath).toList())
                + ",upperdir=" + overlayPath(upper) + ",workdir=" + overlayPath(work) + ",userxattr";
        if (options.length() >= 4000) {
            throw new InstanceException("the overlay options of instance " + instanceId() + " are " + options.length()
                    + " characters long, over the kernel's limit of one page: shorten the paths or flatten the "
                    + "image's " + lowerDirs.size() + " layers");
        }
        Host.run("mount the overlay of instance " + instanceId(), List.of(Host.program("mount"), "-t",
                "overlay", NamespaceHolder.OVERLAY_SOURCE, "-o", options, merged.toString()), Duration.ofSeconds(60));
        event("mounted the overlay over " + lowerDirs);
    }

    /** Commas and colons separate overlay options and layers: such paths cannot be given to mount. */
    private static String overlayPath(Path p) {
        String s = p.toAbsolutePath().toString();
        if (s.contains(",") || s.contains(":")) {
            throw new InstanceException("the path " + s + " holds a ',' or ':', which an overlay mount cannot take");
        }
        return s;
    }

    private void startHolder(Duration timeout) throws IOException, InterruptedException {
        holder = NamespaceHolder.start(folder, merged, instanceId(), line -> {
            console.add(line);
            log.line("sandbox", line);
        }, timeout);
        event("namespaces ready, init is host PID " + holder.pid());
    }

    private void runUserData(Duration timeout) throws IOException, InterruptedException {
        String userData = request.userData();
        if (userData == null || userData.isBlank()) {
            return;
        }
        String path = "/tmp/kiln-user-data";
        ExecResult written = exec(List.of("/bin/sh", "-c", "cat > \"$1\" && chmod 700 \"$1\"", "sh", path),
                new ByteArrayInputStream(userData.getBytes(StandardCharsets.UTF_8)), OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), Duration.ofSeconds(60));
        if (!written.succeeded()) {
            throw new InstanceException("cannot write the user data into instance " + instanceId()
                    + ": /bin/sh exited with " + written.exitCode());
        }
        event("running the user data");
        Tail tail = new Tail(40);
        // Not a "#!" script (cloud-init would take it for another format): run it with /bin/sh.
        List<String> argv = userData.startsWith("#!") ? List.of(path) : List.of("/bin/sh", path);
        ExecResult r;
        try (LineSplitter out = new LineSplitter(line -> userDataLine(tail, line));
             LineSplitter err = new LineSplitter(line -> userDataLine(tail, line))) {
            r = exec(argv, null, out, err, timeout);
        }
        if (r.timedOut()) {
            throw new InstanceException("the user data of instance " + instanceId() + " did not finish within "
                    + timeout.toSeconds() + " s" + tail.suffix(Host.LAST_OUTPUT));
        }
        if (r.exitCode() != 0) {
            throw new InstanceException("the user data of instance " + instanceId() + " exited with "
                    + r.exitCode() + tail.suffix(Host.LAST_OUTPUT));
        }
        exec(List.of("/bin/rm", "-f", path), null, OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
                Duration.ofSeconds(30));
    }

    private void userDataLine(Tail tail, String line) {
        tail.add(line);
        console.add(line);
        log.line("user-data", line);
    }

    private String tailSuffix() {
        return Tail.quote("; the sandbox's last lines:\n", console.last(10));
    }

    /** The captured layer moved into the tree cache (see {@link SandboxBackend#imageRegistered}). */
    void layerAdopted(List<Path> lowers) {
        capturedLowerDirs = List.copyOf(lowers);
    }

    private void event(String message) {
        console.add("[kiln] " + message);
        log.info("instance " + instanceId() + ": " + message);
    }

    private static Duration readyTimeout(InstanceRequest request) {
        return request.readyTimeout() == null ? Duration.ofMinutes(5) : request.readyTimeout();
    }

    private static void copyOwnerAndMode(Path from, Path to) throws IOException {
        PosixFileAttributes a = Files.readAttributes(from, PosixFileAttributes.class);
        PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        view.setOwner(a.owner());
        view.setGroup(a.group());
        view.setPermissions(a.permissions());
    }

    /** Moves the upper dir; across file systems with cp -a, which keeps whiteouts, xattrs and hard links. */
    private static void moveFolder(Path from, Path to) throws IOException, InterruptedException {
        if (Files.exists(to)) {
            throw new InstanceException("cannot keep the sandbox's layer at " + to + ": something is there already");
        }
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Host.run("copy the sandbox's layer to " + to, List.of(Host.program("cp"), "-a",
                    from.toString(), to.toString()), Duration.ofMinutes(30));
            Host.deleteTree(from);
        }
    }
}
