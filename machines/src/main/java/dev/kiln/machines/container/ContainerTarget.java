package dev.kiln.machines.container;

import dev.kiln.core.log.BuildLog;
import dev.kiln.machines.target.ShellTarget;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A working container seen by components. Their programs run as a Dockerfile RUN line would: the
 * image's environment, user and working folder, the host's network, buildah's /dev, /proc, /sys and
 * resolv.conf. One {@code buildah run} per container is kept waiting (a {@link Holder}) and each program
 * enters it in a few milliseconds; where that cannot work (no shell in the image), programs go through a
 * buildah run each, about 170 ms. The file scripts behind read, write, stat, list... run as root through
 * chroot on the container's mount point instead: the same file system (writes show in programs and in
 * the commit) for a few milliseconds a call.
 */
final class ContainerTarget extends ShellTarget {

    /** The file scripts' environment: the host's locale and variables must not reach the image's tools. */
    private static final List<String> CLEAN_ENVIRONMENT = List.of("-i",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LC_ALL=C");
    private static final Duration MOUNT_TIMEOUT = Duration.ofMinutes(1);

    private final Buildah buildah;
    private final HostTools host;
    private final String name;
    private final Path root;
    private final String user;
    private final BuildLog log;
    private String ownedWorkFolder;
    private boolean devBound;
    private final Object holderLock = new Object();
    private Holder holder;
    /** A holder started with the container, before anyone asked for it; null once taken or when none. */
    private CompletableFuture<Holder> starting;
    /** Why programs go through buildah run, once the holder could not serve; null while it can. */
    private String noHolder;

    /**
     * @param root     the container's mount point
     * @param user     the image's USER ("" for root): the work folder is given to it, so that the scripts
     *                 components write there can be read by their programs
     * @param starting a holder already starting for this container ({@link Holder#startAsync}), or null
     */
    ContainerTarget(Buildah buildah, HostTools host, String name, Path root, String user, BuildLog log,
                    CompletableFuture<Holder> starting) {
        super("container " + name, Platform.LINUX);
        this.starting = starting;
        this.buildah = buildah;
        this.host = host;
        this.name = name;
        this.root = root;
        this.user = user == null ? "" : user.strip();
        this.log = log;
    }

    @Override
    protected ExecResult execRaw(List<String> argv, InputStream stdin, OutputStream stdout, OutputStream stderr,
                                 Duration timeout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(host.env().toString());
        command.addAll(CLEAN_ENVIRONMENT);
        command.add(host.chroot().toString());
        command.add(root.toString());
        command.addAll(argv);
        return execOnHost(command, stdin, stdout, stderr, timeout);
    }

    /**
     * Binds the host's /dev, read-only, on the image's /dev for the file scripts: {@code >/dev/null} in
     * a script must not create a file in the image. A /dev the image lacks, or has as a symlink, is left
     * alone. The bind is on the host, below the container's mount, so buildah run (which binds its own
     * /dev) and an overlay commit (which reads the upper layer) never see it; it is released before a
     * commit all the same, since a vfs commit walks the mounted tree.
     */
    synchronized void bindDev() throws IOException, InterruptedException {
        Path dev = root.resolve("dev");
        if (devBound || !Files.isDirectory(dev, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        mount(List.of("--bind", "/dev", dev.toString()));
        devBound = true;
        mount(List.of("-o", "remount,bind,ro", dev.toString()));
    }

    /** Undoes {@link #bindDev}; answers false when the bind is still there. */
    synchronized boolean releaseDev() {
        if (devBound && HostMounts.unmount(host.umount(), root.resolve("dev"))) {
            devBound = false;
        }
        return !devBound;
    }

    private void mount(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(host.mount().toString()));
        command.addAll(args);
        StringBuilder errors = new StringBuilder();
        ExecResult r = ProcessRunner.run(ExecRequest.of(command, MOUNT_TIMEOUT),
                OutputListener.stderrOnly(line -> errors.append(line).append('\n')));
        if (!r.succeeded()) {
            throw new IOException("cannot bind the host's /dev in " + description() + " (mount "
                    + String.join(" ", args) + "): " + errors.toString().strip());
        }
    }

    @Override
    protected ExecResult execProgram(List<String> argv, InputStream stdin, OutputStream stdout, OutputStream stderr,
                                     Duration timeout) throws IOException, InterruptedException {
        List<String> entered = enteredCommand(argv);
        if (entered != null) {
            return execOnHost(entered, stdin, stdout, stderr, timeout);
        }
        List<String> args = new ArrayList<>(List.of("run", "--isolation", "chroot", "--network", "host", name,
                "--"));
        args.addAll(argv);
        RunTrailerFilter filtered = new RunTrailerFilter(stderr);
        ExecResult result = execOnHost(buildah.command(args), stdin, stdout, filtered, timeout);
        filtered.finish(!result.succeeded());
        return result;
    }

    /**
     * The command that runs argv through the holder, starting one when there is none or the last one
     * ended; null when programs must go through buildah run (said in the log once).
     */
    private List<String> enteredCommand(List<String> argv) throws InterruptedException {
        synchronized (holderLock) {
            if (noHolder != null) {
                return null;
            }
            if (holder == null && starting != null) {
                CompletableFuture<Holder> early = starting;
                starting = null;
                try {
                    holder = early.get();
                } catch (InterruptedException e) {
                    early.thenAccept(Holder::stop);
                    throw e;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Holder.Unavailable unavailable) {
                        return withoutHolder(unavailable);
                    }
                    // Its start was cut short: a new one starts below.
                }
            }
            if (holder != null && !holder.usable()) {
                holder.stop();
                holder = null;
            }
            if (holder == null) {
                try {
                    holder = Holder.start(buildah, host, name);
                } catch (Holder.Unavailable e) {
                    return withoutHolder(e);
                }
            }
            return holder.command(argv);
        }
    }

    /** Notes, once, that programs go through buildah run from now on; answers null for the caller. */
    private List<String> withoutHolder(Holder.Unavailable why) {
        noHolder = why.getMessage();
        log.info("programs in " + description() + " run through a buildah run each (about 0.2 s):"
                + " they cannot enter a held one: " + noHolder);
        return null;
    }

    /**
     * Ends the holder, if one runs or starts: before a commit (the next program starts a new one) and on
     * close. Never throws; bounded.
     */
    void stopHolder() {
        synchronized (holderLock) {
            if (starting != null) {
                Holder.stopWhenStarted(starting);
                starting = null;
            }
            if (holder != null) {
                holder.stop();
                holder = null;
            }
        }
    }

    /** The holder's PID, for tests; empty when none runs. */
    OptionalLong holderPid() {
        synchronized (holderLock) {
            return holder == null ? OptionalLong.empty() : OptionalLong.of(holder.pid());
        }
    }

    @Override
    public String workFolder() throws IOException {
        synchronized (this) {
            String folder = super.workFolder();
            if (!folder.equals(ownedWorkFolder)) {
                if (!isRoot(user)) {
                    int colon = user.indexOf(':');
                    setOwner(folder, colon < 0 ? user : user.substring(0, colon),
                            colon < 0 ? null : user.substring(colon + 1), false);
                }
                ownedWorkFolder = folder;
            }
            return folder;
        }
    }

    /**
     * Deletes the work folder before a commit, so that the engine's files do not end up in the image;
     * the next {@link #workFolder()} makes it again.
     */
    void removeWorkFolder() throws IOException {
        synchronized (this) {
            if (ownedWorkFolder != null) {
                delete(ownedWorkFolder, true);
                ownedWorkFolder = null;
                workFolderMayHaveVanished();
            }
        }
    }

    /** No kernel and no service manager: nothing runs between programs, so there is nothing to restart. */
    @Override
    public RebootOutcome reboot(Duration delay) {
        log.info("reboot asked for in " + description() + ": a container has no kernel or services to restart;"
                + " its files stay and the run goes on at once");
        return RebootOutcome.RESUMED;
    }

    private static boolean isRoot(String user) {
        String u = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        return u.isEmpty() || u.equals("root") || u.equals("0");
    }
}
