package dev.kiln.core.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.IdempotencyStore;
import dev.kiln.core.store.ResourceQuery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.concurrent.ConcurrentHashMap;

/** A fast in-memory store for unit tests of operations; the JDBI store has its own tests. */
public final class InMemoryStore implements ResourceStore, IdempotencyStore {
    private final Map<String, StoredResource> resources = new ConcurrentHashMap<>();
    private final Map<String, Remembered> tokens = new ConcurrentHashMap<>();

    @Override
    public synchronized void insert(StoredResource r) {
        if (resources.putIfAbsent(r.arn(), r) != null) {
            throw new ApiException(ErrorType.ResourceAlreadyExistsException, r.arn() + " already exists");
        }
    }

    @Override
    public synchronized StoredResource insertNextBuild(StoredResource r) {
        int build = 1;
        while (resources.containsKey(r.arn() + "/" + build)) {
            build++;
        }
        String arn = r.arn() + "/" + build;
        var body = r.body().deepCopy();
        body.put("arn", arn);
        StoredResource stored = new StoredResource(arn, r.accountId(), r.region(), r.type(), r.name(), r.version(),
                build, r.createdAt(), body);
        resources.put(arn, stored);
        return stored;
    }

    @Override
    public Optional<StoredResource> get(String arn) {
        return Optional.ofNullable(resources.get(arn));
    }

    @Override
    public List<StoredResource> list(ResourceQuery q) {
        return resources.values().stream()
                .filter(r -> r.region().equals(q.region()) && r.accountId().equals(q.accountId())
                        && r.type().equals(q.type()))
                .filter(r -> q.name() == null || r.name().equals(q.name()))
                .filter(r -> q.version() == null || q.version().equals(r.version()))
                .sorted(Versions.NEWEST_FIRST)
                .toList();
    }

    @Override
    public List<StoredResource> listOfType(String type) {
        return resources.values().stream()
                .filter(r -> r.type().equals(type))
                .sorted(java.util.Comparator.comparing(StoredResource::createdAt).thenComparing(StoredResource::arn))
                .toList();
    }

    @Override
    public boolean update(StoredResource r) {
        return resources.replace(r.arn(), r) != null;
    }

    @Override
    public Optional<StoredResource> modify(String arn, UnaryOperator<ObjectNode> change) {
        // computeIfPresent runs the change with the entry locked, as the database locks the row.
        return Optional.ofNullable(resources.computeIfPresent(arn, (k, current) -> {
            ObjectNode changed = change.apply(current.body().deepCopy());
            return changed == null ? current : current.withBody(changed);
        }));
    }

    @Override
    public boolean delete(String arn) {
        return resources.remove(arn) != null;
    }

    @Override
    public Optional<Remembered> find(String accountId, String region, String operation, String token) {
        return Optional.ofNullable(tokens.get(accountId + region + operation + token));
    }

    @Override
    public Remembered remember(String accountId, String region, String operation, String token, String hash,
                               String response) {
        return tokens.computeIfAbsent(accountId + region + operation + token, k -> new Remembered(hash, response));
    }
}
