package dev.kiln.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.image.ImageBuilds;
import dev.kiln.core.store.ResourceQuery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A resource store that tells {@link Notifications} of each image write that changes the image's state
 * (status or reason): a new image (PENDING), the build's steps, a cancel, a failure found at start-up.
 * Watching the store rather than its writers catches every one of them, whoever writes.
 */
final class WatchingResourceStore implements ResourceStore {
    private final ResourceStore store;
    private final Notifications notifications;

    WatchingResourceStore(ResourceStore store, Notifications notifications) {
        this.store = store;
        this.notifications = notifications;
    }

    @Override
    public void insert(StoredResource resource) {
        store.insert(resource);
        if (isImage(resource)) {
            notifications.imageChanged(resource);
        }
    }

    @Override
    public StoredResource insertNextBuild(StoredResource withoutBuild) {
        StoredResource stored = store.insertNextBuild(withoutBuild);
        if (isImage(stored)) {
            notifications.imageChanged(stored);
        }
        return stored;
    }

    @Override
    public Optional<StoredResource> get(String arn) {
        return store.get(arn);
    }

    @Override
    public List<StoredResource> list(ResourceQuery query) {
        return store.list(query);
    }

    @Override
    public List<StoredResource> listOfType(String type) {
        return store.listOfType(type);
    }

    @Override
    public boolean update(StoredResource resource) {
        if (!isImage(resource)) {
            return store.update(resource);
        }
        StoredResource before = store.get(resource.arn()).orElse(null);
        boolean updated = store.update(resource);
        if (updated && (before == null || !Objects.equals(before.body().path("state"),
                resource.body().path("state")))) {
            notifications.imageChanged(resource);
        }
        return updated;
    }

    @Override
    public Optional<StoredResource> modify(String arn, UnaryOperator<ObjectNode> change) {
        JsonNode[] stateBefore = new JsonNode[1];
        Optional<StoredResource> after = store.modify(arn, body -> {
            stateBefore[0] = body.path("state").deepCopy();
            return change.apply(body);
        });
        after.filter(WatchingResourceStore::isImage)
                .filter(image -> !Objects.equals(stateBefore[0], image.body().path("state")))
                .ifPresent(notifications::imageChanged);
        return after;
    }

    @Override
    public boolean delete(String arn) {
        return store.delete(arn);
    }

    private static boolean isImage(StoredResource resource) {
        return ImageBuilds.TYPE.equals(resource.type());
    }
}
