package dev.kiln.core.image;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An image's {@code state.status}, as the model's ImageStatus enumerates it (also the status of an
 * {@code outputResources.amis} entry and a pipeline's {@code lastRunStatus}). Stored and answered by
 * its name.
 */
public enum ImageStatus {
    PENDING, CREATING, BUILDING, TESTING, DISTRIBUTING, INTEGRATING,
    AVAILABLE, CANCELLED, FAILED, DEPRECATED, DELETED, DISABLED;

    /** The creation has not finished: a build is waiting or running (the rest are terminal). */
    public boolean inProgress() {
        return switch (this) {
            case PENDING, CREATING, BUILDING, TESTING, DISTRIBUTING, INTEGRATING -> true;
            default -> false;
        };
    }

    /** The creation has finished, one way or the other. */
    public boolean terminal() {
        return !inProgress();
    }

    /**
     * Not to be built from: a parent image or a dependency skips FAILED, CANCELLED, DELETED and
     * DISABLED builds (in-progress ones still count, as in Image Builder's resolution).
     */
    public boolean unusable() {
        return this == FAILED || this == CANCELLED || this == DELETED || this == DISABLED;
    }

    /** RetryImage takes a FAILED or CANCELLED image only. */
    public boolean retryable() {
        return this == FAILED || this == CANCELLED;
    }

    /** The status in an image's body; PENDING when it has none yet. */
    public static ImageStatus of(JsonNode body) {
        JsonNode status = body.path("state").path("status");
        return status.isMissingNode() || status.isNull() ? PENDING : valueOf(status.asText());
    }
}
