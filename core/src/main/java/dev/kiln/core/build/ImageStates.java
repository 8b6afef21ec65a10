package dev.kiln.core.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.image.ImageRecord;
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
        write(arn, null, null, ImageRecord.Output.AMIS, amis);
    }

    /** FAILED, keeping the copies a partial distribution made in {@code outputResources.amis}. */
    void failed(String arn, String reason, JsonNode amis) {
        write(arn, ImageStatus.FAILED, reason, ImageRecord.Output.AMIS, amis);
    }

    /** @param kind the outputResources member the image's copies go in */
    void available(String arn, ImageRecord.Output kind, JsonNode resources) {
        write(arn, ImageStatus.AVAILABLE, null, kind, resources);
    }

    /** Records what the build resolved the recipe's dependencies to (a member the HTTP edge never shows). */
    void resolved(String arn, JsonNode dependencies) {
        change(arn, image -> image.setResolvedDependencies(dependencies));
    }

    boolean cancelled(String arn) {
        return store.get(arn).map(i -> ImageRecord.of(i).status() == ImageStatus.CANCELLED).orElse(true);
    }

    private void write(String arn, ImageStatus status, String reason, ImageRecord.Output kind, JsonNode resources) {
        change(arn, image -> {
            if (status != null) {
                image.setState(status, reason);
            }
            if (resources != null) {
                image.setOutput(kind, resources);
            }
        });
    }

    /**
     * Changes the image as one step of the store, so that a cancel between reading it and writing it is
     * seen, never overwritten. @throws Cancelled when it was cancelled or deleted
     */
    private void change(String arn, Consumer<ImageRecord> change) {
        store.modify(arn, body -> {
            ImageRecord image = ImageRecord.of(body);
            if (image.status() == ImageStatus.CANCELLED) {
                throw new Cancelled(arn);
            }
            change.accept(image);
            return body;
        }).orElseThrow(() -> new Cancelled(arn));
    }
}
