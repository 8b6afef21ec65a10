package dev.kiln.core.resource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.arn.SemanticVersion;
import dev.kiln.core.arn.VersionPattern;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.store.ResourceQuery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Finding versioned resources by ARN, with {@code x} wildcards, as the caller may see them. */
public final class Versions {

    /** Newest version first, then newest build first. */
    public static final Comparator<StoredResource> NEWEST_FIRST = Comparator
            .comparing((StoredResource r) -> SemanticVersion.parse(r.version()).orElse(new SemanticVersion(0, 0, 0)))
            .thenComparing(r -> r.build() == null ? 0 : r.build())
            .reversed();

    private Versions() {
    }

    /** Parses an ARN of the given type, or answers InvalidParameterValue naming the member. */
    public static Arn parseArn(String text, String type, String member) {
        Optional<Arn> arn = Arn.parse(text);
        if (arn.isEmpty() || !arn.get().type().equals(type)) {
            throw new ApiException(ErrorType.InvalidParameterValueException, member + " '" + text
                    + "' is not a " + type + " ARN");
        }
        if (arn.get().version() != null && VersionPattern.parse(arn.get().version()).isEmpty()) {
            throw new ApiException(ErrorType.InvalidVersionNumberException, member + " '" + text
                    + "': in a version, every node after an x must be an x too (1.x.x, not x.2.x)");
        }
        return arn.get();
    }

    /**
     * The resources an ARN names, newest first: one for a build ARN; every build of the matching
     * versions for a version ARN or a wildcard. Resources of other accounts (but Kiln's own, owner
     * aws) and of other regions are never found.
     */
    public static List<StoredResource> matching(ResourceStore store, CallContext ctx, Arn arn) {
        if (!arn.region().equals(ctx.region())
                || !(arn.owner().equals(ctx.accountId()) || arn.owner().equals(Arn.AWS_OWNER))) {
            return List.of();
        }
        if (arn.build() != null && !arn.hasWildcard()) {
            return store.get(arn.toString()).stream().toList();
        }
        VersionPattern pattern = arn.version() == null ? new VersionPattern(null, null, null)
                : VersionPattern.parse(arn.version()).orElseThrow();
        return store.list(ResourceQuery.all(ctx.region(), arn.owner(), arn.type())).stream()
                .filter(r -> Arn.arnName(r.name()).equals(arn.name()))
                .filter(r -> SemanticVersion.parse(r.version()).map(pattern::matches).orElse(false))
                .sorted(NEWEST_FIRST)
                .toList();
    }

    /** What a List operation's {@code owner} selects: Self (default), Amazon (Kiln-managed), Shared. */
    public static List<StoredResource> owned(ResourceStore store, CallContext ctx, String type, String owner) {
        return switch (owner) {
            case "Self" -> store.list(ResourceQuery.all(ctx.region(), ctx.accountId(), type));
            case "Amazon" -> store.list(ResourceQuery.all(ctx.region(), Arn.AWS_OWNER, type));
            default -> List.of();
        };
    }

    /** latestVersionReferences: the wildcard ARNs that select this version as the newest. */
    public static ObjectNode latestReferences(Arn versionArn) {
        SemanticVersion v = SemanticVersion.parse(versionArn.version()).orElseThrow();
        ObjectNode refs = Json.object();
        refs.put("latestVersionArn", versionArn.withVersion("x.x.x").toString());
        refs.put("latestMajorVersionArn", versionArn.withVersion(v.major() + ".x.x").toString());
        refs.put("latestMinorVersionArn", versionArn.withVersion(v.major() + "." + v.minor() + ".x").toString());
        refs.put("latestPatchVersionArn", versionArn.versionArn().toString());
        return refs;
    }
}
