package dev.kiln.core.container;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds container images without a daemon, in storage of Kiln's own. Images are named by a local id,
 * a local tag or a registry reference; a reference is pulled when it is missing or newer in its
 * registry. Failures are {@link dev.kiln.core.log.BuildFailure}s that say what failed and end with
 * the engine's last output lines; every output line also goes to the build log.
 */
public interface ContainerEngine {

    /**
     * Builds a Dockerfile with its full meaning (FROM, RUN, COPY from the context folder, ENV, WORKDIR,
     * USER, LABEL, EXPOSE, CMD, ENTRYPOINT...).
     *
     * @param tag a local tag for the result, e.g. {@code localhost/kiln-build/<id>:base}
     * @return the new image's id
     */
    String buildDockerfile(String dockerfile, Path contextFolder, String tag, BuildLog log)
            throws IOException, InterruptedException;

    /**
     * A working container from an image.
     *
     * @param name unique, starting with {@code kiln-}
     */
    WorkingContainer from(String image, String name, BuildLog log) throws IOException, InterruptedException;

    /**
     * Pushes a local image to a registry reference ({@code host/repository:tag}).
     *
     * @return the digest of the pushed manifest, {@code sha256:...}
     */
    String push(String image, String reference, BuildLog log) throws IOException, InterruptedException;

    /** Removes local images (by id or tag), in this order, those that are there, in one go; never throws. */
    void removeImages(List<String> images, BuildLog log);

    /**
     * Fails at once, before a container build starts, when the host lacks a program the engine runs; nothing
     * to check by default.
     *
     * @throws BuildFailure naming the missing programs and the Debian packages to install
     */
    default void checkHostPrograms() {
    }

    /** Removes the {@code kiln-*} containers and {@code localhost/kiln-build/*} images a crashed Kiln left. */
    void sweepOrphans(BuildLog log);
}
