package dev.kiln.core.machine;

import dev.kiln.core.log.BuildLog;
import java.io.IOException;

/** Launches instances of one kind (QEMU VMs, namespace sandboxes). */
public interface InstanceBackend {

    /** Whether this backend serves an instance type. */
    boolean serves(String instanceType);

    /**
     * Launches an instance and waits until its target answers. On failure everything the launch
     * created is removed before the exception leaves.
     *
     * @throws InstanceException when it cannot start or never becomes reachable (with the console's
     *                           last lines in the message)
     */
    Instance launch(InstanceRequest request, BuildLog log) throws IOException, InterruptedException;

    /**
     * Told when an instance's captured disk became a registered image, so that the backend can keep
     * what makes the next instance of that image cheaper (a sandbox keeps its file system layer).
     */
    default void imageRegistered(Instance instance, MachineImage image) {
    }

    /**
     * Fails at once, before a build that launches on this backend starts, when the host lacks a program the
     * backend runs; nothing to check by default.
     *
     * @throws dev.kiln.core.log.BuildFailure naming the missing programs and the Debian packages to install
     */
    default void checkHostPrograms() {
    }

    /** Removes what a crashed Kiln left behind: processes, overlays, mounts under the builds folder. */
    void sweepOrphans(BuildLog log);
}
