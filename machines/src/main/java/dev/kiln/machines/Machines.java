package dev.kiln.machines;

import dev.kiln.core.build.BuildEnvironment;
import dev.kiln.core.build.BuildFailure;
import dev.kiln.core.build.BuildLog;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.InstanceBackend;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.machines.base.BaseImage;
import dev.kiln.machines.base.BaseImageCache;
import dev.kiln.machines.image.FileImageStore;
import dev.kiln.machines.qemu.Accelerator;
import dev.kiln.machines.qemu.QemuBackend;
import dev.kiln.machines.sandbox.RootTrees;
import dev.kiln.machines.sandbox.SandboxBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Everything a build runs on, laid out in a data folder as DESIGN.md says: the image store under
 * {@code regions/}, base images under {@code base-images/} (or a shared folder), builds under
 * {@code builds/}, caches under {@code cache/}. The server, {@code kiln build} and {@code kiln images
 * launch} all take their instances and images here.
 */
public final class Machines {
    /** How long a build or test instance may take to become reachable (a Debian boot under TCG ≈ 25–35 s). */
    public static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    /** Kiln-managed base images as Image Builder names them, and the cache's name for each. */
    private static final java.util.Map<String, String> BASE_IMAGES = java.util.Map.of("debian-12-x86", "debian-12");

    private final Path dataDir;
    private final Clock clock;
    private final FileImageStore images;
    private final BaseImageCache baseImages;
    private final RootTrees trees;
    private final SandboxBackend sandbox;
    private final VmBackend vms;

    private Machines(Path dataDir, Clock clock, Path baseImagesFolder) {
        this.dataDir = dataDir.toAbsolutePath();
        this.clock = clock;
        this.images = new FileImageStore(this.dataDir.resolve("regions"), clock);
        this.baseImages = new BaseImageCache(baseImagesFolder != null ? baseImagesFolder.toAbsolutePath()
                : this.dataDir.resolve("base-images"));
        this.trees = new RootTrees(this.dataDir.resolve("cache").resolve("trees"));
        this.sandbox = new SandboxBackend(trees, buildsFolder());
        this.vms = new VmBackend();
    }

    /** @param baseImagesFolder where base images are cached, or null for {@code <data>/base-images} */
    public static Machines in(Path dataDir, Clock clock, Path baseImagesFolder) {
        return new Machines(dataDir, clock, baseImagesFolder);
    }

    public FileImageStore images() {
        return images;
    }

    public BaseImageCache baseImages() {
        return baseImages;
    }

    public Path buildsFolder() {
        return dataDir.resolve("builds");
    }

    public List<InstanceBackend> backends() {
        return List.of(sandbox, vms);
    }

    public BuildEnvironment environment() {
        return environment(null);
    }

    /** @param readyTimeout how long an instance may take to become reachable; null for {@link #READY_TIMEOUT} */
    public BuildEnvironment environment(Duration readyTimeout) {
        return new BuildEnvironment(images, backends(), this::baseImage, buildsFolder(), clock,
                readyTimeout != null ? readyTimeout : READY_TIMEOUT);
    }

    /**
     * A Kiln-managed base image as a machine image of a region, built from the Debian mirror on first
     * use. Its id is derived from its disk's checksum, so it is the same id wherever it is asked for.
     */
    public MachineImage baseImage(String name, String region, BuildLog log) throws IOException, InterruptedException {
        String cacheName = BASE_IMAGES.get(name);
        if (cacheName == null) {
            throw new BuildFailure("Kiln has no machine base image " + name + "; it has "
                    + String.join(", ", BASE_IMAGES.keySet()));
        }
        BaseImage base = baseImages.ensure(cacheName, log);
        trees.register(base.diskSha256(), List.of(base.rootfs()));
        return base.asMachineImage(region, "ami-" + base.diskSha256().substring(0, 17),
                name + " " + dev.kiln.core.image.BaseImages.VERSION);
    }

    /**
     * The QEMU backend, made on first launch: only then is the accelerator probed (with the base
     * image's kernel), and the answer kept for this host's boot in {@code cache/accelerator} because a
     * failing KVM probe costs its whole timeout.
     */
    private final class VmBackend implements InstanceBackend {
        /** Answers what needs no accelerator: which types it serves, and the orphan sweep. */
        private final QemuBackend unprobed = new QemuBackend(Accelerator.TCG, buildsFolder());
        private volatile QemuBackend qemu;

        @Override
        public boolean serves(String instanceType) {
            return unprobed.serves(instanceType);
        }

        @Override
        public Instance launch(InstanceRequest request, BuildLog log) throws IOException, InterruptedException {
            return qemu(log).launch(request, log);
        }

        @Override
        public void sweepOrphans(BuildLog log) {
            unprobed.sweepOrphans(log);
        }

        synchronized QemuBackend qemu(BuildLog log) throws IOException, InterruptedException {
            if (qemu == null) {
                qemu = new QemuBackend(accelerator(log), buildsFolder(), dataDir.resolve("cache").resolve("kernels"));
            }
            return qemu;
        }

        private Accelerator accelerator(BuildLog log) throws IOException, InterruptedException {
            Path cache = dataDir.resolve("cache").resolve("accelerator");
            String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            if (System.getenv(Accelerator.ENVIRONMENT_VARIABLE) == null && Files.exists(cache)) {
                String[] saved = Files.readString(cache).strip().split(" ");
                if (saved.length == 2 && saved[1].equals(boot)) {
                    log.info("accelerator: " + saved[0] + " (probed earlier since this host booted)");
                    return Accelerator.valueOf(saved[0]);
                }
            }
            BaseImage base = baseImages.ensure(BASE_IMAGES.get("debian-12-x86"), log);
            Path work = Files.createTempDirectory(dataDir, "probe-");
            try {
                Accelerator accelerator = Accelerator.probe(base.vmlinux() != null ? base.vmlinux() : base.kernel(),
                        work, log);
                Files.createDirectories(cache.getParent());
                Files.writeString(cache, accelerator.name() + " " + boot + "\n");
                return accelerator;
            } finally {
                HostFiles.deleteTree(work);
            }
        }
    }

}
