package dev.kiln.machines.qemu;

import dev.kiln.common.files.Trees;
import dev.kiln.machines.host.HostPackages;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.InstanceBackend;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.core.machine.InstanceRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Build and test instances as QEMU VMs, for every EC2-style instance type ({@code t3.micro},
 * {@code m5.large}, ...; see {@link InstanceSizes}) except {@code kiln.sandbox}. Kiln's own images boot
 * their kernel directly and learn who they are from a seed disk; images that boot through their own
 * firmware get a cloud-init NoCloud seed (needs {@code cloud-localds}, Debian package cloud-image-utils).
 */
public final class QemuBackend implements InstanceBackend {
    private final Accelerator accelerator;
    private final Path buildsRoot;
    private final BootKernels kernels;

    /** A backend whose {@link #sweepOrphans(BuildLog)} does nothing: pass the builds root to sweep. */
    public QemuBackend(Accelerator accelerator) {
        this(accelerator, null);
    }

    /**
     * @param buildsRoot the folder instance work folders lie under ({@code <data>/builds}); {@link
     *                   #sweepOrphans(BuildLog)} cleans it
     */
    public QemuBackend(Accelerator accelerator, Path buildsRoot) {
        this(accelerator, buildsRoot, null);
    }

    /**
     * @param kernelCache where the uncompressed kernels of images are kept between instances
     *                    ({@code <data>/cache/kernels}); null: each instance uncompresses its own
     */
    public QemuBackend(Accelerator accelerator, Path buildsRoot, Path kernelCache) {
        this.accelerator = accelerator;
        this.buildsRoot = buildsRoot == null ? null : buildsRoot.toAbsolutePath().normalize();
        this.kernels = new BootKernels(kernelCache);
    }

    public Accelerator accelerator() {
        return accelerator;
    }

    @Override
    public boolean serves(String instanceType) {
        return !"kiln.sandbox".equals(instanceType) && InstanceSizes.isKnown(instanceType);
    }

    @Override
    public Instance launch(InstanceRequest request, BuildLog log) throws IOException, InterruptedException {
        if (!serves(request.instanceType())) {
            throw new InstanceException("the QEMU backend does not run instance type " + request.instanceType());
        }
        return QemuInstance.launch(request, accelerator, kernels, log);
    }

    /** qemu-system-x86_64 and qemu-img, or a failure naming their Debian packages. */
    @Override
    public void checkHostPrograms() {
        HostPrograms.requireFor(HostPackages.Feature.VM);
    }

    @Override
    public void sweepOrphans(BuildLog log) {
        if (buildsRoot != null) {
            sweepOrphans(buildsRoot, log);
        }
    }

    /**
     * Kills the QEMU processes a crashed Kiln left running under a builds folder (found by their pid
     * files) and removes their work folders. Instances alive in this JVM are left alone.
     */
    public void sweepOrphans(Path buildsRoot, BuildLog log) {
        if (!Files.isDirectory(buildsRoot)) {
            return;
        }
        List<Path> folders;
        try (Stream<Path> all = Files.find(buildsRoot, 8,
                (p, a) -> a.isRegularFile() && p.getFileName().toString().equals(QemuInstance.MARKER_FILE))) {
            folders = all.map(Path::getParent).map(p -> p.toAbsolutePath().normalize()).toList();
        } catch (IOException | RuntimeException e) {
            log.info("orphan sweep: cannot search " + buildsRoot + ": " + e.getMessage());
            return;
        }
        for (Path folder : folders) {
            if (QemuInstance.LIVE.contains(folder)) {
                continue;
            }
            qemuOf(folder).ifPresent(p -> {
                log.info("orphan sweep: killing QEMU " + p.pid() + " of " + folder);
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                try {
                    p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    log.info("orphan sweep: QEMU " + p.pid() + " did not exit within 10 s");
                }
            });
            try {
                Trees.delete(folder);
                log.info("orphan sweep: removed " + folder);
            } catch (IOException e) {
                log.info("orphan sweep: cannot remove " + folder + ": " + e.getMessage());
            }
        }
    }

    /** The QEMU process whose pid file is in the folder, if it still runs (and is that QEMU, not a reused pid). */
    static Optional<ProcessHandle> qemuOf(Path folder) {
        Path pidFile = folder.resolve(QemuInstance.PID_FILE);
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (p.isEmpty()) {
                return Optional.empty();
            }
            String cmdline = Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline")).replace('\0', ' ');
            return cmdline.contains("qemu-system") && cmdline.contains(pidFile.toString()) ? p : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
