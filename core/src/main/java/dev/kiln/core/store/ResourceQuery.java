package dev.kiln.core.store;

/**
 * Which resources to list: one type, in one region, owned by one account; optionally one name
 * (exact, as given, case-sensitive) and one version. Results come newest version first (numerically:
 * 1.10.0 before 1.9.0), then newest build first; ties (and unversioned resources) by name, then ARN.
 *
 * <p>{@code version} is "major.minor.patch" or, to match a range, has {@code x} wildcards from the
 * right ({@code 1.2.x}, {@code 1.x.x}, {@code x.x.x}); any other form is an ApiException
 * InvalidVersionNumberException. The first result of a wildcard query is the newest match.
 */
public record ResourceQuery(String region, String accountId, String type, String name, String version) {
    public static ResourceQuery all(String region, String accountId, String type) {
        return new ResourceQuery(region, accountId, type, null, null);
    }
}
