package dev.kiln.core.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.image.ImageBuilds;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;

/**
 * Writes an image build version's state as its build moves on. A CANCELLED image stays cancelled:
 * every write first reads the stored state and stops the build when a cancel came in between.
 */
final class ImageStates {
    private final ResourceStore store;

    ImageStates(ResourceStore store) {
        this.store = store;
    }

    /** Thrown when the image was cancelled (or deleted) while its build ran. */
    static final class Cancelled extends RuntimeException {
        Cancelled(String arn) {
            super("the image " + arn + " was cancelled");
        }
    }

    StoredResource current(String arn) {
        StoredResource image = store.get(arn).orElseThrow(() -> new Cancelled(arn));
        if (ImageBuilds.status(image).equals("CANCELLED")) {
            throw new Cancelled(arn);
        }
        return image;
    }

    void status(String arn, String status) {
        write(arn, status, null, null, null);
    }

    void failed(String arn, String reason) {
        write(arn, "FAILED", reason, null, null);
    }

    /** Records the copies a distribution has made so far, the state unchanged. */
    void distributed(String arn, JsonNode amis) {
        write(arn, null, null, "amis", amis);
    }

    /** FAILED, keeping the copies a partial distribution made in {@code outputResources.amis}. */
    void failed(String arn, String reason, JsonNode amis) {
        write(arn, "FAILED", reason, amis == null ? null : "amis", amis);
    }

    /** @param kind {@code amis} or {@code containers}, the outputResources member the image's copies go in */
    void available(String arn, String kind, JsonNode resources) {
        write(arn, "AVAILABLE", null, kind, resources);
    }

    /** Stores a Kiln-only member of the image's body (one the HTTP edge never shows). */
    synchronized void record(String arn, String member, JsonNode value) {
        StoredResource image = current(arn);
        ObjectNode body = image.body().deepCopy();
        body.set(member, value);
        store.update(image.withBody(body));
    }

    boolean cancelled(String arn) {
        return store.get(arn).map(i -> ImageBuilds.status(i).equals("CANCELLED")).orElse(true);
    }

    private synchronized void write(String arn, String status, String reason, String kind, JsonNode resources) {
        StoredResource image = current(arn);
        ObjectNode body = image.body().deepCopy();
        if (status != null) {
            ObjectNode state = body.putObject("state").put("status", status);
            if (reason != null) {
                state.put("reason", reason);
            }
        }
        if (resources != null) {
            ((ObjectNode) body.path("outputResources")).set(kind, resources);
        }
        store.update(image.withBody(body));
    }
}
