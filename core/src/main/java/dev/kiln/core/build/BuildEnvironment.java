package dev.kiln.core.build;

import dev.kiln.core.container.ContainerEngine;
import dev.kiln.core.container.ContainerRegistries;
import dev.kiln.core.machine.ImageStore;
import dev.kiln.core.machine.InstanceBackend;
import dev.kiln.common.s3.S3Config;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Where builds run: the image store, the instance backends (the first that serves an instance type
 * launches it), Kiln-managed base images, the folder builds keep their logs and instances in, how
 * long an instance may take to become reachable, and for container recipes the container engine and
 * each region's registry (null where container builds are not wired), and the S3-compatible endpoint
 * builds upload their logs to and components' S3 actions reach (null when there is none).
 */
public record BuildEnvironment(ImageStore images, List<InstanceBackend> backends, BaseImageSource baseImages,
                               Path buildsFolder, Clock clock, Duration readyTimeout, ContainerEngine containers,
                               ContainerRegistries registries, S3Config s3) {
    public BuildEnvironment {
        backends = List.copyOf(backends);
    }

    /** An environment with no S3 endpoint. */
    public BuildEnvironment(ImageStore images, List<InstanceBackend> backends, BaseImageSource baseImages,
                            Path buildsFolder, Clock clock, Duration readyTimeout, ContainerEngine containers,
                            ContainerRegistries registries) {
        this(images, backends, baseImages, buildsFolder, clock, readyTimeout, containers, registries, null);
    }

    /** An environment for machine images only. */
    public BuildEnvironment(ImageStore images, List<InstanceBackend> backends, BaseImageSource baseImages,
                            Path buildsFolder, Clock clock, Duration readyTimeout) {
        this(images, backends, baseImages, buildsFolder, clock, readyTimeout, null, null, null);
    }

    /** The same with an S3-compatible endpoint (null for none). */
    public BuildEnvironment withS3(S3Config s3) {
        return new BuildEnvironment(images, backends, baseImages, buildsFolder, clock, readyTimeout, containers,
                registries, s3);
    }
}
