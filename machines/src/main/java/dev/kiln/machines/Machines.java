package dev.kiln.machines;

import dev.kiln.core.build.BaseImageSource;
import dev.kiln.core.build.BuildEnvironment;
import dev.kiln.core.build.BuildFailure;
import dev.kiln.core.build.BuildLog;
import dev.kiln.core.machine.InstanceBackend;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.machines.image.FileImageStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a build runs on, laid out in a data folder as DESIGN.md says: the image store under
 * {@code regions/}, base images under {@code base-images/}, builds under {@code builds/}, caches under
 * {@code cache/}. The server and {@code kiln build} both take their {@link BuildEnvironment} here.
 */
public final class Machines {
    /** How long a build or test instance may take to become reachable (a Debian boot under TCG ≈ 25–35 s). */
    public static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

    private final Path dataDir;
    private final Clock clock;
    private final FileImageStore images;
    private final List<InstanceBackend> backends = new ArrayList<>();

    private final Path baseImagesFolder;

    private Machines(Path dataDir, Clock clock, Path baseImagesFolder) {
        this.dataDir = dataDir.toAbsolutePath();
        this.clock = clock;
        this.images = new FileImageStore(this.dataDir.resolve("regions"), clock);
        this.baseImagesFolder = baseImagesFolder != null ? baseImagesFolder.toAbsolutePath()
                : this.dataDir.resolve("base-images");
    }

    /** @param baseImagesFolder where base images are cached, or null for {@code <data>/base-images} */
    public static Machines in(Path dataDir, Clock clock, Path baseImagesFolder) {
        return new Machines(dataDir, clock, baseImagesFolder);
    }

    public FileImageStore images() {
        return images;
    }

    public Path buildsFolder() {
        return dataDir.resolve("builds");
    }

    public BuildEnvironment environment() {
        return new BuildEnvironment(images, backends, this::baseImage, buildsFolder(), clock, READY_TIMEOUT);
    }

    private MachineImage baseImage(String name, String region, BuildLog log) throws IOException, InterruptedException {
        throw new BuildFailure("Kiln-managed base image " + name + " is not available yet");
    }
}
