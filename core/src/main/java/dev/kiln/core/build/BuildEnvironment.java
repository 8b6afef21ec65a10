package dev.kiln.core.build;

import dev.kiln.core.machine.ImageStore;
import dev.kiln.core.machine.InstanceBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Where builds run: the image store, the instance backends (the first that serves an instance type
 * launches it), Kiln-managed base images, the folder builds keep their logs and instances in, and
 * how long an instance may take to become reachable.
 */
public record BuildEnvironment(ImageStore images, List<InstanceBackend> backends, BaseImageSource baseImages,
                               Path buildsFolder, Clock clock, Duration readyTimeout) {
    public BuildEnvironment {
        backends = List.copyOf(backends);
    }
}
