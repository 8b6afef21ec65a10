package dev.kiln.core.build;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.ContainerRegistry;
import dev.kiln.core.machine.MachineImage;
import java.io.IOException;

/** Kiln-managed base images, made (from the Debian mirror) on first use. */
public interface BaseImageSource {
    /**
     * A machine base image in a region.
     *
     * @param name the Image Builder name of the base image, e.g. {@code debian-12-x86}
     * @throws BuildFailure when there is no such base image or it cannot be made
     */
    MachineImage machineImage(String name, String region, BuildLog log) throws IOException, InterruptedException;

    /**
     * Fails at once, before a build on the named base image (machine or container) starts, when the host
     * lacks a program that making or pushing it takes; nothing to check by default, nor for an unknown name.
     *
     * @throws BuildFailure naming the missing programs and the Debian packages to install
     */
    default void checkHostPrograms(String name) {
    }

    /**
     * A container base image in a region's registry, pushed there first when it is not.
     *
     * @param name the Image Builder name of the base image, e.g. {@code debian-12-container}
     * @return a reference to it that the container engine pulls, e.g. {@code 127.0.0.1:5001/kiln/debian-12-container:2026.11.0}
     * @throws BuildFailure when there is no such base image or it cannot be made or pushed
     */
    default String containerImage(String name, ContainerRegistry registry, BuildLog log)
            throws IOException, InterruptedException {
        throw new BuildFailure("Kiln has no container base image " + name + " here");
    }
}
