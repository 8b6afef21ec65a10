package dev.kiln.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.image.ImageBuilds;
import dev.kiln.core.image.ImageRecord;
import dev.kiln.core.store.ResourceQuery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A resource store that tells {@link Notifications} of each image write that changes the image's state
 * (status or reason): a new image (PENDING), the build's steps, a cancel, a failure found at start-up.
 * Watching the store rather than its writers catches every one of them, whoever writes.
 *
 * <p>A change is marked in the image itself ({@value #PENDING}), in the same write as the state: the
 * mark is removed once the deliveries are recorded. A crash between the two leaves the mark, and
 * {@link #recordPending()} records what it marks at the next start: no state change goes unnoticed
 * (one may be notified twice, when the crash comes after the record and before the mark is removed).
 */
final class WatchingResourceStore implements ResourceStore {
    /** The mark of a state change whose deliveries are not recorded yet; the HTTP edge never shows it. */
    static final String PENDING = "kilnNotificationPending";

    private final ResourceStore store;
    private final Notifications notifications;

    WatchingResourceStore(ResourceStore store, Notifications notifications) {
        this.store = store;
        this.notifications = notifications;
    }

    /** Records the deliveries of every image change a crash left marked; at start-up, before any build. */
    void recordPending() {
        for (StoredResource image : store.listOfType(ImageBuilds.TYPE)) {
            JsonNode mark = image.body().get(PENDING);
            if (mark != null) {
                recorded(image, mark.asText());
            }
        }
    }

    @Override
    public void insert(StoredResource resource) {
        if (!isImage(resource) || !notifies(resource.body())) {
            store.insert(resource);
            return;
        }
        String mark = newMark();
        store.insert(marked(resource, mark));
        recorded(resource, mark);
    }

    @Override
    public StoredResource insertNextBuild(StoredResource withoutBuild) {
        if (!isImage(withoutBuild) || !notifies(withoutBuild.body())) {
            return store.insertNextBuild(withoutBuild);
        }
        String mark = newMark();
        StoredResource stored = store.insertNextBuild(marked(withoutBuild, mark));
        return recorded(stored, mark);
    }

    @Override
    public Optional<StoredResource> get(String arn) {
        return store.get(arn).map(WatchingResourceStore::unmarked);
    }

    @Override
    public List<StoredResource> list(ResourceQuery query) {
        return store.list(query).stream().map(WatchingResourceStore::unmarked).toList();
    }

    @Override
    public List<StoredResource> listOfType(String type) {
        return store.listOfType(type).stream().map(WatchingResourceStore::unmarked).toList();
    }

    @Override
    public boolean update(StoredResource resource) {
        if (!isImage(resource)) {
            return store.update(resource);
        }
        String mark = newMark();
        boolean[] changed = {false};
        Optional<StoredResource> after = store.modify(resource.arn(), current -> {
            changed[0] = notifies(resource.body())
                    && !ImageRecord.of(current).state().equals(ImageRecord.of(resource.body()).state());
            return changed[0] ? marked(resource.body(), mark) : keepMark(current.get(PENDING), resource.body());
        });
        if (after.isPresent() && changed[0]) {
            recorded(after.get(), mark);
        }
        return after.isPresent();
    }

    @Override
    public Optional<StoredResource> modify(String arn, UnaryOperator<ObjectNode> change) {
        String mark = newMark();
        boolean image = Arn.parse(arn).map(a -> ImageBuilds.TYPE.equals(a.type())).orElse(false);
        boolean[] changed = {false};
        Optional<StoredResource> after = store.modify(arn, current -> {
            ImageRecord.State stateBefore = image ? ImageRecord.of(current).state() : null;
            JsonNode markBefore = current.remove(PENDING);
            ObjectNode next = change.apply(current);
            if (next == null) {
                return null;
            }
            changed[0] = image && notifies(next) && !stateBefore.equals(ImageRecord.of(next).state());
            return changed[0] ? marked(next, mark) : keepMark(markBefore, next);
        });
        if (after.isPresent() && changed[0]) {
            return Optional.of(recorded(after.get(), mark));
        }
        return after.map(WatchingResourceStore::unmarked);
    }

    @Override
    public boolean delete(String arn) {
        return store.delete(arn);
    }

    /**
     * Records the deliveries of the image's state, then removes the mark if it is still this change's;
     * when they could not be recorded, the mark stays for the next start.
     */
    private StoredResource recorded(StoredResource image, String mark) {
        StoredResource clean = unmarked(image);
        if (!notifications.imageChanged(clean)) {
            return clean;
        }
        try {
            store.modify(image.arn(), body -> mark.equals(body.path(PENDING).asText(null)) ? without(body) : null);
        } catch (RuntimeException e) {
            // The mark stays: the next start records this change once more.
        }
        return clean;
    }

    private static String newMark() {
        return UUID.randomUUID().toString();
    }

    private static StoredResource marked(StoredResource resource, String mark) {
        return resource.withBody(marked(resource.body(), mark));
    }

    private static ObjectNode marked(JsonNode body, String mark) {
        return ((ObjectNode) body.deepCopy()).put(PENDING, mark);
    }

    /** A write that changes no state keeps the mark of a change not recorded yet (null: none). */
    private static ObjectNode keepMark(JsonNode mark, ObjectNode next) {
        ObjectNode copy = without(next.deepCopy());
        if (mark != null) {
            copy.set(PENDING, mark);
        }
        return copy;
    }

    private static StoredResource unmarked(StoredResource resource) {
        return resource.body().has(PENDING) ? resource.withBody(without(resource.body().deepCopy())) : resource;
    }

    private static ObjectNode without(ObjectNode body) {
        body.remove(PENDING);
        return body;
    }

    /** Whether the image names a topic: the others have nothing to record, and get no mark. */
    private static boolean notifies(ObjectNode body) {
        return ImageRecord.of(body).infrastructure().snsTopicArn().isPresent();
    }

    private static boolean isImage(StoredResource resource) {
        return ImageBuilds.TYPE.equals(resource.type());
    }
}
