package dev.kiln.machines.sandbox;

import dev.kiln.machines.host.BackgroundProcess;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.process.Tail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The long-lived process that owns a sandbox's mount, PID, UTS and IPC namespaces: PID 1 inside them.
 * It prepares the chroot's /proc, /dev, /tmp, /run and resolv.conf in its private mount namespace (so
 * the host never sees them and the overlay's upper dir never records them), then waits, reaping the
 * orphans that commands leave behind. Killing it ends every process in the sandbox at once: that is
 * how the kernel treats the death of a PID namespace's init.
 */
final class NamespaceHolder {

    /** Names the holder's script file; a crashed Kiln's holders are found by it. */
    static final String SCRIPT_NAME = "kiln-sandbox-holder.sh";
    /** The source name of every sandbox overlay mount, so that they can be told from other overlays. */
    static final String OVERLAY_SOURCE = "kiln-sandbox";
    /** Part of the mount point of every tree extraction (see RootTrees). */
    static final String EXTRACT_MARK = ".kiln-extract-";

    private static final String READY = "kiln-sandbox-ready ";

    /**
     * Arguments: merged dir, host name, resolv.conf to show inside, policy-rc.d to install.
     * Runs as the namespaces' PID 1 (unshare --fork), on the host's programs, before any chroot.
     */
    static final String SCRIPT = """
            set -eu -f
            PATH=/usr/sbin:/usr/bin:/sbin:/bin
            merged=$1 name=$2 resolv=$3 policy=$4
            # The host PID of this shell: the host's /proc is still mounted at /proc here, and a builtin
            # with a redirection runs in this very process.
            read -r hostpid _ < /proc/self/stat

            # This namespace started as a copy of every host mount, including other sandboxes' overlays and
            # tree extractions; holding them would keep those busy after their owners unmount them.
            foreign=()
            while read -r _ _ _ _ point _ rest; do
              tail=" $rest"; tail=${tail#* - }
              read -r fstype source _ <<< "$tail"
              point=${point//\\\\040/ }; point=${point//\\\\011/$'\\t'}; point=${point//\\\\012/$'\\n'}
              point=${point//\\\\134/\\\\}
              if { [ "$fstype" = overlay ] && [ "$source" = %1$s ] && [ "$point" != "$merged" ]; } \\
                  || [[ "$point" == *%2$s* ]]; then
                foreign+=("$point")
              fi
            done < /proc/self/mountinfo
            for point in "${foreign[@]}"; do umount --lazy "$point" 2>/dev/null || true; done

            hostname "$name"
            mkdir -p "$merged/proc" "$merged/dev" "$merged/tmp"
            mount -t proc -o nosuid,nodev,noexec proc "$merged/proc"
            # Kernel settings stay the host's: a sysctl inside must not change them.
            mount --bind "$merged/proc/sys" "$merged/proc/sys"
            mount -o remount,bind,ro "$merged/proc/sys"
            if [ -e "$merged/proc/sysrq-trigger" ]; then
              mount --bind "$merged/proc/sysrq-trigger" "$merged/proc/sysrq-trigger"
              mount -o remount,bind,ro "$merged/proc/sysrq-trigger"
            fi
            if [ -d "$merged/sys" ] && [ ! -L "$merged/sys" ]; then
              mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$merged/sys"
            fi

            # Device nodes of our own rather than binds of the host's: a chmod inside must not reach the host's.
            mount -t tmpfs -o mode=755,nosuid,size=16m tmpfs "$merged/dev"
            for spec in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
              IFS=: read -r node major minor <<< "$spec"
              mknod -m 666 "$merged/dev/$node" c "$major" "$minor"
            done
            mkdir -m 755 "$merged/dev/pts"
            mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$merged/dev/pts"
            ln -s pts/ptmx "$merged/dev/ptmx"
            mkdir -m 1777 "$merged/dev/shm"
            mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$merged/dev/shm"
            ln -s /proc/self/fd "$merged/dev/fd"
            ln -s /proc/self/fd/0 "$merged/dev/stdin"
            ln -s /proc/self/fd/1 "$merged/dev/stdout"
            ln -s /proc/self/fd/2 "$merged/dev/stderr"

            mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$merged/tmp"
            if [ -d "$merged/run" ] && [ ! -L "$merged/run" ]; then
              mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$merged/run"
              mkdir -m 1777 "$merged/run/lock"
            fi

            # DNS as the host has it, through a copy of the host's file: writes inside change neither the
            # host's file nor the image (a bind mount never lands in the upper dir).
            conf="$merged/etc/resolv.conf"
            if [ -f "$conf" ] && [ ! -L "$conf" ]; then
              mount --bind "$resolv" "$conf"
            elif [ -L "$conf" ]; then
              link=$(readlink "$conf")
              case "$link" in
                /run/*|../run/*)
                  inside="/run/${link#*run/}"
                  mkdir -p "$merged${inside%%/*}"
                  cp "$resolv" "$merged$inside" ;;
                *) echo "warning: /etc/resolv.conf links to $link: leaving DNS as the image has it" >&2 ;;
              esac
            else
              echo "warning: the image has no /etc/resolv.conf: names will not resolve" >&2
            fi

            # Package scripts must not start services: there is no init to own them.
            if [ -d "$merged/usr/sbin" ] && [ ! -e "$merged/usr/sbin/policy-rc.d" ] \\
                && [ ! -L "$merged/usr/sbin/policy-rc.d" ]; then
              cp "$policy" "$merged/usr/sbin/policy-rc.d"
              chmod 755 "$merged/usr/sbin/policy-rc.d"
            fi

            echo "%3$s$hostpid"
            exec </dev/null >/dev/null 2>&1
            while :; do sleep 3600 & wait $! || true; done
            """.formatted(OVERLAY_SOURCE, EXTRACT_MARK, READY);

    /** What policy-rc.d says in a sandbox; a capture removes the file when it still says exactly this. */
    static final String POLICY_RC_D = "#!/bin/sh\n# Written by Kiln: services do not start in a sandbox.\nexit 101\n";

    private static final Duration KILL_WAIT = Duration.ofSeconds(15);

    private final long pid;
    private final BackgroundProcess run;
    /** Tells this process from a later one that got the same PID once it is gone. */
    private final Optional<Instant> started;

    private NamespaceHolder(long pid, BackgroundProcess run) {
        this.pid = pid;
        this.run = run;
        this.started = ProcessHandle.of(pid).flatMap(p -> p.info().startInstant());
    }

    /**
     * Starts a holder over a mounted merged dir and waits until its namespaces are ready.
     *
     * @param files  the folder with the script, resolv.conf and policy-rc.d (written here)
     * @param output every line the holder prints (warnings, errors), as they come
     */
    static NamespaceHolder start(Path files, Path merged, String hostName, Consumer<String> output,
                                 Duration timeout) throws IOException, InterruptedException {
        String unshare = Host.program("unshare");
        String bash = Host.program("bash");
        Host.program("hostname");
        Host.program("mknod");
        Path script = files.resolve(SCRIPT_NAME);
        Path resolv = files.resolve("resolv.conf");
        Path policy = files.resolve("policy-rc.d");
        Files.writeString(script, SCRIPT);
        Path hostResolv = Path.of("/etc/resolv.conf");
        Files.write(resolv, Files.exists(hostResolv) ? Files.readAllBytes(hostResolv) : new byte[0]);
        Files.writeString(policy, POLICY_RC_D);

        // --kill-child: if unshare is killed (Kiln interrupted the run), the namespaces go with it.
        List<String> command = List.of(unshare, "--mount", "--pid", "--fork", "--kill-child", "--uts", "--ipc",
                "--propagation", "private", bash, script.toString(), merged.toString(), hostName,
                resolv.toString(), policy.toString());
        CompletableFuture<Long> ready = new CompletableFuture<>();
        Tail tail = new Tail(30);
        OutputListener listener = new OutputListener() {
            @Override
            public void stdout(String line) {
                if (line.startsWith(READY) && !ready.isDone()) {
                    ready.complete(Long.parseLong(line.substring(READY.length()).trim()));
                } else {
                    seen(line);
                }
            }

            @Override
            public void stderr(String line) {
                seen(line);
            }

            private void seen(String line) {
                if (line.startsWith("unshare: sigprocmask unblock failed")) {
                    // util-linux 2.38 says this whenever the namespaces' init was killed, as every stop does.
                    return;
                }
                tail.add(line);
                output.accept(line);
            }
        };
        BackgroundProcess run = BackgroundProcess.start("sandbox-holder-" + hostName,
                new ExecRequest(command, Map.of(), null, null), listener, null);
        run.exit().whenComplete((result, error) -> {
            if (error == null) {
                ready.completeExceptionally(new InstanceException("the sandbox's namespace holder exited with "
                        + result.exitCode() + " before it was ready" + tail.suffix(Host.LAST_OUTPUT)));
            } else if (error instanceof IOException) {
                ready.completeExceptionally(new InstanceException("cannot start " + unshare, error));
            } else {
                ready.completeExceptionally(error);
            }
        });
        long pid;
        try {
            pid = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.kill(Duration.ofSeconds(10));
            throw new InstanceException("the sandbox's namespace holder was not ready within "
                    + timeout.toSeconds() + " s" + tail.suffix(Host.LAST_OUTPUT));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InstanceException ie) {
                throw ie;
            }
            throw new InstanceException("the sandbox's namespace holder failed", e.getCause());
        } catch (InterruptedException e) {
            run.interrupt();
            throw e;
        }
        NamespaceHolder holder = new NamespaceHolder(pid, run);
        if (!holder.isInit()) {
            holder.kill();
            throw new InstanceException("the sandbox's namespace holder reported PID " + pid
                    + ", which is not the init of a PID namespace");
        }
        return holder;
    }

    /** The host PID of the namespaces' init, the target of {@code nsenter}. */
    long pid() {
        return pid;
    }

    boolean alive() {
        return run.alive() && process().isPresent();
    }

    /**
     * Kills the namespaces' init, and with it every process in the sandbox; waits until the holder has
     * exited (bounded). The holder's mounts go away with its mount namespace.
     */
    void kill() throws InterruptedException {
        process().ifPresent(ProcessHandle::destroyForcibly);
        if (!run.awaitEnd(KILL_WAIT)) {
            run.kill(KILL_WAIT);
        }
    }

    private Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> started.isEmpty() || started.equals(p.info().startInstant()));
    }

    private boolean isInit() {
        return isNamespaceInit(pid);
    }

    /** Whether a PID is PID 1 of a namespace below ours (NSpid ends in 1), not some other or recycled PID. */
    static boolean isNamespaceInit(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] ids = line.substring(6).trim().split("\\s+");
                    return ids.length >= 2 && ids[ids.length - 1].equals("1");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
