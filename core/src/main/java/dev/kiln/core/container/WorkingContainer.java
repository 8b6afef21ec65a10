package dev.kiln.core.container;

import dev.kiln.core.log.BuildLog;
import dev.kiln.toe.target.Target;
import java.io.IOException;

/**
 * A container made from an image, in which components run: its target runs programs as the image's
 * Dockerfile RUN lines would (the image's environment, user and working folder) and reads and writes
 * its files. Closing it removes the container; what was committed stays.
 */
public interface WorkingContainer extends AutoCloseable {

    /** The container's name in the engine's storage (Kiln's start-up sweep removes {@code kiln-*} ones). */
    String name();

    Target target();

    /**
     * Commits the container's file system changes, on top of its image, as a new local image.
     *
     * @param tag a local tag for the new image, e.g. {@code localhost/kiln-build/<id>:components}
     * @return the new image's id
     */
    String commit(String tag, BuildLog log) throws IOException, InterruptedException;

    /** Removes the container; never throws (a failure is logged and left to the start-up sweep). */
    @Override
    void close();
}
