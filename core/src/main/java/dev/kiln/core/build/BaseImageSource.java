package dev.kiln.core.build;

import dev.kiln.core.machine.MachineImage;
import java.io.IOException;

/** Kiln-managed base images as machine images, made (from the Debian mirror) on first use. */
public interface BaseImageSource {
    /**
     * @param name the Image Builder name of the base image, e.g. {@code debian-12-x86}
     * @throws BuildFailure when there is no such base image or it cannot be made
     */
    MachineImage machineImage(String name, String region, BuildLog log) throws IOException, InterruptedException;
}
