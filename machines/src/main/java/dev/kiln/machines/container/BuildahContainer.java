package dev.kiln.machines.container;

import dev.kiln.common.files.Trees;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.WorkingContainer;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A buildah working container, mounted for its target's file operations until it is closed. */
final class BuildahContainer implements WorkingContainer {

    private final Buildah buildah;
    private final String name;
    private final ContainerTarget target;
    private final BuildLog log;
    private boolean closed;

    BuildahContainer(Buildah buildah, String name, ContainerTarget target, BuildLog log) {
        this.buildah = buildah;
        this.name = name;
        this.target = target;
        this.log = log;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public String commit(String tag, BuildLog log) throws IOException, InterruptedException {
        // Its buildah run must be over: the commit takes the container as buildah run leaves it.
        target.stopHolder();
        try {
            target.removeWorkFolder();
        } catch (IOException e) {
            throw new BuildFailure("could not remove Kiln's work folder from the container " + name
                    + " before committing it: " + e.getMessage(), e);
        }
        if (!target.releaseDev()) {
            throw new BuildFailure("could not commit the container " + name + ": the host's /dev bound in it for"
                    + " file operations cannot be unmounted, and it would end up in the image");
        }
        Path work = Files.createTempDirectory("kiln-commit-");
        try {
            Path iid = work.resolve("image-id");
            log.info("committing the container " + name + " as " + tag);
            buildah.run(List.of("commit", "--format", "oci", "--iidfile", iid.toString(), "-q", name, tag),
                    BuildahEngine.COMMIT_TIMEOUT, log, true, "could not commit the container " + name + " as " + tag);
            return BuildahEngine.imageId(iid);
        } finally {
            Trees.deleteQuietly(work);
            // Components may go on after a commit (a later phase, a second commit).
            try {
                target.bindDev();
            } catch (IOException e) {
                log.info("could not bind /dev in the container " + name + " again after the commit: "
                        + e.getMessage() + "; scripts that write to /dev/null may fail");
            }
        }
    }

    /** Unmounts and removes the container; a failure is logged and left to the start-up sweep. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        target.stopHolder();
        if (!target.releaseDev()) {
            log.info("could not unmount /dev in the container " + name + "; buildah's unmount detaches it");
        }
        buildah.runQuietly(List.of("unmount", name), BuildahEngine.SHORT_TIMEOUT, log,
                "unmount the container " + name);
        if (buildah.runQuietly(List.of("rm", name), BuildahEngine.SHORT_TIMEOUT, log,
                "remove the container " + name)) {
            log.info("removed the working container " + name);
        }
    }
}
