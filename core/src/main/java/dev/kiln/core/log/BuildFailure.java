package dev.kiln.core.log;

/** A build failed for a reason a person can act on; the message becomes the image's state reason. */
public class BuildFailure extends RuntimeException {
    public BuildFailure(String reason) {
        super(reason);
    }

    public BuildFailure(String reason, Throwable cause) {
        super(reason, cause);
    }
}
