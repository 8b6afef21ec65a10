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
 *
 * <p>Made with {@link #builder()}; {@link #toBuilder()} for a changed copy.
 */
public record BuildEnvironment(ImageStore images, List<InstanceBackend> backends, BaseImageSource baseImages,
                               Path buildsFolder, Clock clock, Duration readyTimeout, ContainerEngine containers,
                               ContainerRegistries registries, S3Config s3) {
    public BuildEnvironment {
        backends = List.copyOf(backends);
    }

    /** An environment with no backends, no container engine or registries and no S3 endpoint until set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding everything this environment has. */
    public Builder toBuilder() {
        return new Builder().setImages(images).setBackends(backends).setBaseImages(baseImages)
                .setBuildsFolder(buildsFolder).setClock(clock).setReadyTimeout(readyTimeout)
                .setContainers(containers).setRegistries(registries).setS3(s3);
    }

    /** Builds a {@link BuildEnvironment}; each setter answers the builder. */
    public static final class Builder {
        private ImageStore images;
        private List<InstanceBackend> backends = List.of();
        private BaseImageSource baseImages;
        private Path buildsFolder;
        private Clock clock;
        private Duration readyTimeout;
        private ContainerEngine containers;
        private ContainerRegistries registries;
        private S3Config s3;

        private Builder() {
        }

        public Builder setImages(ImageStore images) {
            this.images = images;
            return this;
        }

        /** The instance backends, in order: the first that serves an instance type launches it. */
        public Builder setBackends(List<InstanceBackend> backends) {
            this.backends = backends;
            return this;
        }

        public Builder setBaseImages(BaseImageSource baseImages) {
            this.baseImages = baseImages;
            return this;
        }

        public Builder setBuildsFolder(Path buildsFolder) {
            this.buildsFolder = buildsFolder;
            return this;
        }

        public Builder setClock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** How long an instance may take to become reachable. */
        public Builder setReadyTimeout(Duration readyTimeout) {
            this.readyTimeout = readyTimeout;
            return this;
        }

        /** The container engine for container recipes; null where container builds are not wired. */
        public Builder setContainers(ContainerEngine containers) {
            this.containers = containers;
            return this;
        }

        /** Each region's registry for container recipes; null where container builds are not wired. */
        public Builder setRegistries(ContainerRegistries registries) {
            this.registries = registries;
            return this;
        }

        /** The S3-compatible endpoint; null for none. */
        public Builder setS3(S3Config s3) {
            this.s3 = s3;
            return this;
        }

        public BuildEnvironment build() {
            return new BuildEnvironment(images, backends, baseImages, buildsFolder, clock, readyTimeout, containers,
                    registries, s3);
        }
    }
}
