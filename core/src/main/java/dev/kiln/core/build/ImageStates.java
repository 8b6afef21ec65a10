package dev.kiln.core.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.image.ImageStatus;
import dev.kiln.core.store.ResourceStore;
import java.util.function.Consumer;

/**
 * Writes an image build version's state as its build moves on. A CANCELLED image stays cancelled:
 * every write reads and changes the stored image as one step of the store, and stops the build when
 * a cancel came first.
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

    void status(String arn, ImageStatus status) {
        write(arn, status, null, null, null);
    }

    void failed(String arn, String reason) {
        write(arn, ImageStatus.FAILED, reason, null, null);
    }

    /** Records the copies a distribution has made so far, the state unchanged. */
    void distributed(String arn, JsonNode amis) {
        write(arn, null, null, "amis", amis);
    }

    /** FAILED, keeping the copies a partial distribution made in {@code outputResources.amis}. */
    void failed(String arn, String reason, JsonNode amis) {
        write(arn, ImageStatus.FAILED, reason, amis == null ? null : "amis", amis);
    }

    /** @param kind {@code amis} or {@code containers}, the outputResources member the image's copies go in */
    void available(String arn, String kind, JsonNode resources) {
        write(arn, ImageStatus.AVAILABLE, null, kind, resources);
    }

    /** Stores a Kiln-only member of the image's body (one the HTTP edge never shows). */
    void record(String arn, String member, JsonNode value) {
        change(arn, body -> body.set(member, value));
    }

    boolean cancelled(String arn) {
        return store.get(arn).map(i -> ImageStatus.of(i.body()) == ImageStatus.CANCELLED).orElse(true);
    }

    private void write(String arn, ImageStatus status, String reason, String kind, JsonNode resources) {
        change(arn, body -> {
            if (status != null) {
                ObjectNode state = body.putObject("state").put("status", status.name());
                if (reason != null) {
                    state.put("reason", reason);
                }
            }
            if (resources != null) {
                ((ObjectNode) body.path("outputResources")).set(kind, resources);
            }
        });
    }

    /**
     * Changes the image as one step of the store, so that a cancel between reading it and writing it is
     * seen, never overwritten. @throws Cancelled when it was cancelled or deleted
     */
    private void change(String arn, Consumer<ObjectNode> change) {
        store.modify(arn, body -> {
            if (ImageStatus.of(body) == ImageStatus.CANCELLED) {
                throw new Cancelled(arn);
            }
            change.accept(body);
            return body;
        }).orElseThrow(() -> new Cancelled(arn));
    }
}
