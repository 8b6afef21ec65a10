package dev.kiln.core.store;

/**
 * Which resources to list: one type, in one region, owned by one account; optionally one name
 * (exact, as given) and one version. Results come newest version first, then newest build first.
 */
public record ResourceQuery(String region, String accountId, String type, String name, String version) {
    public static ResourceQuery all(String region, String accountId, String type) {
        return new ResourceQuery(region, accountId, type, null, null);
    }
}
