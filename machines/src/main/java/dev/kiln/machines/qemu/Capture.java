package dev.kiln.machines.qemu;

import dev.kiln.machines.host.HostFiles;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.Instance.CapturedDisk;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.machines.ssh.SshTarget;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.wait.Deadline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a running instance into an image: the guest forgets what made it this instance (the seed's
 * keys, its host keys, its machine id, user-data state) and drops caches, trims its disk and powers
 * off; the overlay is then written as a standalone qcow2. A kernel the components installed (the
 * guest's /vmlinuz no longer the image's kernel) goes with the disk so the next instance boots it.
 */
final class Capture {
    static final String CLEAN = "kiln-capture: clean, powering off";
    /**
     * Runs as root in the guest; $1 is "firmware" for an image that boots with cloud-init. It powers the
     * guest off itself: once root's key is gone, no new SSH connection could ask for it.
     */
    static final String FORGET = """
            set -u
            rm -f /root/.ssh/authorized_keys /etc/ssh/ssh_host_*
            rm -rf /run/kiln/seed /var/lib/kiln/user-data /var/lib/kiln/user-data.instance /var/lib/kiln/user-data.status
            : > /etc/machine-id
            rm -f /var/lib/dbus/machine-id
            if [ "$1" = firmware ] && command -v cloud-init >/dev/null; then cloud-init clean --logs; fi
            apt-get clean 2>/dev/null || true
            rm -rf /var/lib/apt/lists/*
            sync
            fstrim -a 2>/dev/null || true
            sync
            echo "%s"
            systemctl poweroff --no-block
            """.formatted(CLEAN);
    /** Prints the files /vmlinuz and /initrd.img point to, each followed by its SHA-256. */
    static final String KERNEL = """
            for f in /vmlinuz /initrd.img; do
              p=$(readlink -f "$f") || exit 1
              [ -f "$p" ] || exit 1
              echo "$p"
              sha256sum "$p" | cut -d' ' -f1
            done
            """;
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

    private final QemuInstance instance;
    private final BuildLog log;
    private final String id;

    Capture(QemuInstance instance) {
        this.instance = instance;
        this.log = instance.log();
        this.id = instance.instanceId();
    }

    CapturedDisk run(Path outputFolder, Duration timeout) throws IOException, InterruptedException {
        Deadline deadline = Deadline.after(timeout);
        Files.createDirectories(outputFolder);
        SshTarget target = instance.sshTarget();
        Boot parent = instance.request().image().boot();
        Boot boot = parent.mode() == Boot.Mode.KERNEL ? guestKernel(target, parent, outputFolder) : parent;

        log.info("instance " + id + ": cleaning up for capture (keys, machine id, apt caches), trimming,"
                + " powering off");
        List<String> out = new ArrayList<>();
        try {
            target.exec(ExecRequest.of(List.of("sh", "-c", FORGET, "sh",
                    parent.mode() == Boot.Mode.FIRMWARE ? "firmware" : "kiln"), COMMAND_TIMEOUT), lines(out));
        } catch (IOException e) {
            // The connection may drop as the guest goes down; the marker line says whether the clean-up ran.
        }
        boolean cleaned;
        synchronized (out) {
            cleaned = out.contains(CLEAN);
        }
        if (!cleaned) {
            throw instance.failure("could not be cleaned up for capture: " + String.join("\n", out), null);
        }
        if (!instance.awaitPowerOff(deadline.remainingAtLeast(Duration.ofSeconds(10)))) {
            log.info("instance " + id + ": QEMU was stopped before the guest powered off; the disk was synced");
        }
        Path disk = outputFolder.resolve(id + ".qcow2");
        log.info("instance " + id + ": writing its disk as " + disk);
        String qemuImg = HostPrograms.require("qemu-img").toString();
        HostPrograms.run(List.of(qemuImg, "convert", "-f", "qcow2", "-O", "qcow2", instance.overlay().toString(),
                disk.toString()), deadline.remainingAtLeast(Duration.ofMinutes(2)), log, "qemu-img");
        return new CapturedDisk(disk, boot, instance.request().image().rootVolumeSizeGiB());
    }

    /** The image's boot, or the guest's kernel and initrd copied out when the components changed them. */
    private Boot guestKernel(SshTarget target, Boot parent, Path outputFolder)
            throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        ExecResult r = target.exec(ExecRequest.of(List.of("sh", "-c", KERNEL), COMMAND_TIMEOUT), stdout(out));
        if (!r.succeeded() || out.size() < 4) {
            log.info("instance " + id + ": the guest has no /vmlinuz and /initrd.img; the image keeps its kernel");
            return parent;
        }
        String kernel = out.get(0);
        String initrd = out.get(2);
        boolean sameKernel = out.get(1).equals(HostFiles.sha256(parent.kernel()));
        boolean sameInitrd = parent.initrd() != null && out.get(3).equals(HostFiles.sha256(parent.initrd()));
        if (sameKernel && sameInitrd) {
            return parent;
        }
        log.info("instance " + id + ": the guest boots " + kernel + " now, not the image's kernel; the new image"
                + " takes it and its initrd");
        Path k = outputFolder.resolve(id + ".vmlinuz");
        Path i = outputFolder.resolve(id + ".initrd.img");
        Files.write(k, target.read(kernel));
        Files.write(i, target.read(initrd));
        return new Boot(Boot.Mode.KERNEL, k, i, parent.kernelArgs());
    }

    private static OutputListener stdout(List<String> out) {
        return OutputListener.stdoutOnly(out::add);
    }

    private static OutputListener lines(List<String> out) {
        return OutputListener.merged(line -> {
            synchronized (out) {
                out.add(line);
            }
        });
    }
}
