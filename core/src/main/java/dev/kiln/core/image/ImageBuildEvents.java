package dev.kiln.core.image;

import dev.kiln.core.store.StoredResource;

/**
 * What a build worker hears from the API: an image build version was started (it is PENDING in the
 * store) with what its build is to do, cancelled (already CANCELLED in the store; the worker stops its
 * build and cleans up) or deleted.
 */
public interface ImageBuildEvents {
    void started(StoredResource image, BuildIntent intent);

    void cancelled(StoredResource image);

    /** The image build version was deleted: what its build kept (a failed build instance) can go. */
    default void deleted(StoredResource image) {
    }

    /** For an API without a build worker: images stay PENDING. */
    ImageBuildEvents NONE = new ImageBuildEvents() {
        @Override
        public void started(StoredResource image, BuildIntent intent) {
        }

        @Override
        public void cancelled(StoredResource image) {
        }
    };
}
