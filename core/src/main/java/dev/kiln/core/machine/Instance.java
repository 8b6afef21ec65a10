package dev.kiln.core.machine;

import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A running build or test instance. Components reach it through {@link #target()}. Closing it
 * terminates it and removes every file, process and port it used; close is safe to call twice and
 * after a failed launch step.
 */
public interface Instance extends AutoCloseable {

    String instanceId();

    Target target();

    /** For a person: how to reach this instance (an ssh command line, a nsenter line). */
    String howToConnect();

    /**
     * Stops the instance cleanly and writes its root disk as a standalone qcow2 file, for
     * {@link ImageStore#register}. The instance is stopped afterwards.
     *
     * @return the disk and how it boots (a kernel the components installed replaces the parent's)
     */
    CapturedDisk captureImage(Path outputFolder, Duration timeout) throws IOException, InterruptedException;

    /** The last lines of the instance's console, for failure reasons. */
    String consoleTail(int lines);

    @Override
    void close();

    /** A disk captured from an instance. */
    record CapturedDisk(Path disk, Boot boot, int sizeGiB) {
    }
}
