package dev.kiln.core.container;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import java.io.IOException;

/** Each region's registry: one the operator configured, or one Kiln starts and supervises on loopback. */
public interface ContainerRegistries extends AutoCloseable {

    /**
     * The region's registry, ready to answer: a Kiln-run registry is started first if it is not running.
     *
     * @throws dev.kiln.core.log.BuildFailure when the registry cannot be started or does not answer,
     *         naming the region and the registry's address
     */
    ContainerRegistry registry(String region, BuildLog log) throws IOException, InterruptedException;

    /**
     * Fails at once, before a container build in the region starts, when the region's registry is one Kiln
     * runs and the host lacks its program; nothing to check by default.
     *
     * @throws BuildFailure naming the missing program and the Debian package to install
     */
    default void checkHostPrograms(String region) {
    }

    /** Stops the registries Kiln started. */
    @Override
    void close();
}
