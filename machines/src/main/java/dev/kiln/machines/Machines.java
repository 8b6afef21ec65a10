package dev.kiln.machines;

import dev.kiln.common.files.Trees;
import dev.kiln.machines.host.HostPackages;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.core.build.BaseImageSource;
import dev.kiln.core.build.BuildEnvironment;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.ContainerRegistry;
import dev.kiln.core.image.BaseImages;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.InstanceBackend;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.machines.base.BaseImage;
import dev.kiln.machines.base.BaseImageCache;
import dev.kiln.machines.base.ContainerBaseImages;
import dev.kiln.machines.container.BuildahEngine;
import dev.kiln.machines.image.FileImageStore;
import dev.kiln.machines.qemu.Accelerator;
import dev.kiln.machines.qemu.QemuBackend;
import dev.kiln.machines.registry.RegionRegistries;
import dev.kiln.machines.sandbox.RootTrees;
import dev.kiln.machines.sandbox.SandboxBackend;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a build runs on, laid out in a data folder (docs/architecture.md): the image store under
 * {@code regions/}, base images under {@code base-images/} (or a shared folder), builds under
 * {@code builds/}, caches under {@code cache/}. The server, {@code kiln build} and {@code kiln images
 * launch} all take their instances and images here.
 *
 * <p>Container builds add each region's registry ({@code regions/<region>/registry/}, started on
 * first use unless the operator named one) and buildah's storage ({@code cache/containers/storage};
 * its run-time state goes under {@code /run/kiln/}, which a reboot empties, as containers/storage
 * expects). Close the Machines to stop the registries it started.
 */
public final class Machines implements AutoCloseable {
    /** How long a build or test instance may take to become reachable (a Debian boot under TCG ≈ 25–35 s). */
    public static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

    private final Path dataDir;
    private final Clock clock;
    private final FileImageStore images;
    private final BaseImageCache baseImages;
    private final RootTrees trees;
    private final SandboxBackend sandbox;
    private final VmBackend vms;
    private final ContainerBaseImages containerBaseImages;
    private final Map<String, URI> configuredRegistries;
    private RegionRegistries registries;
    private BuildahEngine containers;

    private Machines(Path dataDir, Clock clock, Path baseImagesFolder, Map<String, URI> registries) {
        this.dataDir = dataDir.toAbsolutePath();
        this.configuredRegistries = Map.copyOf(registries);
        this.clock = clock;
        this.images = new FileImageStore(this.dataDir.resolve("regions"), clock);
        this.baseImages = new BaseImageCache(baseImagesFolder != null ? baseImagesFolder.toAbsolutePath()
                : this.dataDir.resolve("base-images"));
        this.trees = new RootTrees(this.dataDir.resolve("cache").resolve("trees"));
        this.sandbox = new SandboxBackend(trees, buildsFolder());
        this.vms = new VmBackend();
        this.containerBaseImages = new ContainerBaseImages(baseImages.folder());
    }

    /** @param baseImagesFolder where base images are cached, or null for {@code <data>/base-images} */
    public static Machines in(Path dataDir, Clock clock, Path baseImagesFolder) {
        return new Machines(dataDir, clock, baseImagesFolder, Map.of());
    }

    /**
     * @param registries the registries the operator runs, by region (credentials in the URL's user
     *                   info); the other regions get one Kiln runs on loopback
     */
    public static Machines in(Path dataDir, Clock clock, Path baseImagesFolder, Map<String, URI> registries) {
        return new Machines(dataDir, clock, baseImagesFolder, registries);
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

    public BuildEnvironment environment() throws IOException {
        return environment(null);
    }

    /** @param readyTimeout how long an instance may take to become reachable; null for {@link #READY_TIMEOUT} */
    public BuildEnvironment environment(Duration readyTimeout) throws IOException {
        BaseImageSource bases = new BaseImageSource() {
            @Override
            public MachineImage machineImage(String name, String region, BuildLog log)
                    throws IOException, InterruptedException {
                return baseImage(name, region, log);
            }

            @Override
            public String containerImage(String name, ContainerRegistry registry, BuildLog log)
                    throws IOException, InterruptedException {
                return containerBaseImage(name, registry, log);
            }

            @Override
            public void checkHostPrograms(String name) {
                checkBaseImagePrograms(name);
            }
        };
        return BuildEnvironment.builder().setImages(images).setBackends(backends()).setBaseImages(bases)
                .setBuildsFolder(buildsFolder()).setClock(clock)
                .setReadyTimeout(readyTimeout != null ? readyTimeout : READY_TIMEOUT).setContainers(containers())
                .setRegistries(registries()).build();
    }

    /** Each region's registry; made on first use (it writes the registry client files under cache/). */
    public synchronized RegionRegistries registries() throws IOException {
        if (registries == null) {
            registries = new RegionRegistries(dataDir.resolve("regions"),
                    dataDir.resolve("cache").resolve("containers"), configuredRegistries);
        }
        return registries;
    }

    /** The container engine, with its storage in this data folder. */
    public synchronized BuildahEngine containers() throws IOException {
        if (containers == null) {
            containers = new BuildahEngine(containerStorage(), containerRunFolder(dataDir), registries().environment());
        }
        return containers;
    }

    /** Where buildah keeps this data folder's images and containers. */
    public Path containerStorage() {
        return dataDir.resolve("cache").resolve("containers").resolve("storage");
    }

    /** buildah's run-time state for a data folder: on tmpfs, one folder per data folder. */
    public static Path containerRunFolder(Path dataDir) {
        String id = java.util.UUID.nameUUIDFromBytes(dataDir.toAbsolutePath().toString()
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString().replace("-", "").substring(0, 12);
        return Path.of("/run", "kiln", "containers-" + id);
    }

    /** A Kiln-managed container base image, pushed to the region's registry first when it is not there. */
    public String containerBaseImage(String name, ContainerRegistry registry, BuildLog log)
            throws IOException, InterruptedException {
        if (!ContainerBaseImages.names().contains(name)) {
            throw new BuildFailure("Kiln has no container base image " + name + "; it has "
                    + String.join(", ", ContainerBaseImages.names()));
        }
        return containerBaseImages.ensurePushed(name, registry, registries().environment(), log);
    }

    /**
     * Fails at once when the named Kiln base image must be made and this host lacks a program that takes
     * (mmdebstrap, mkfs.ext4, qemu-img), or, for the container base image, skopeo, which pushes it to the
     * region's registry.
     *
     * @throws BuildFailure naming the missing programs and the Debian packages to install
     */
    public void checkBaseImagePrograms(String name) {
        String cacheName = machineBaseImage(name).map(BaseImages.BaseImage::shortName).orElse(null);
        if (cacheName != null) {
            if (baseImages.cached(cacheName).isEmpty()) {
                HostPrograms.requireFor(HostPackages.Feature.BASE_IMAGES);
            }
        } else if (ContainerBaseImages.names().contains(name)) {
            if (containerBaseImages.cached(name).isEmpty()) {
                HostPrograms.requireFor(HostPackages.Feature.CONTAINER_BASE_IMAGES);
            } else {
                HostPrograms.requireAll("skopeo");
            }
        }
    }

    public ContainerBaseImages containerBaseImages() {
        return containerBaseImages;
    }

    /** Stops the registries Kiln started and releases the container engine's mounts. */
    @Override
    public synchronized void close() {
        try {
            if (containers != null) {
                containers.close();
            }
        } finally {
            if (registries != null) {
                registries.close();
            }
        }
    }

    /**
     * A Kiln-managed base image as a machine image of a region, built from the Debian mirror on first
     * use. Its id is derived from its disk's checksum, so it is the same id wherever it is asked for.
     */
    public MachineImage baseImage(String name, String region, BuildLog log) throws IOException, InterruptedException {
        BaseImages.BaseImage known = machineBaseImage(name).orElseThrow(() -> new BuildFailure(
                "Kiln has no machine base image " + name + "; it has " + String.join(", ", BaseImages.of(false)
                        .stream().map(BaseImages.BaseImage::name).toList())));
        BaseImage base = baseImages.ensure(known.shortName(), log);
        trees.register(base.diskSha256(), List.of(base.rootfs()));
        return base.asMachineImage(region, "ami-" + base.diskSha256().substring(0, 17),
                name + " " + BaseImages.VERSION);
    }

    /** The catalogue's VM base image of that Image Builder name (as a parentImage ARN names it). */
    private static Optional<BaseImages.BaseImage> machineBaseImage(String name) {
        return BaseImages.of(false).stream().filter(b -> b.name().equals(name)).findFirst();
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
        public void checkHostPrograms() {
            unprobed.checkHostPrograms();
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
            BaseImage base = baseImages.ensure(BaseImages.DEBIAN_12_X86.shortName(), log);
            Path work = Files.createTempDirectory(dataDir, "probe-");
            try {
                Accelerator accelerator = Accelerator.probe(base.vmlinux() != null ? base.vmlinux() : base.kernel(),
                        work, log);
                Files.createDirectories(cache.getParent());
                Files.writeString(cache, accelerator.name() + " " + boot + "\n");
                return accelerator;
            } finally {
                Trees.delete(work);
            }
        }
    }

}
