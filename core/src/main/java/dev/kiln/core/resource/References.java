package dev.kiln.core.resource;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.arn.VersionPattern;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.store.ResourceQuery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which resources refer to which, so that deleting one still in use answers
 * ResourceDependencyException, as AWS does.
 */
public final class References {

    /** For each referenced type: the types that may refer to it, and how to read their references. */
    private static final Map<String, List<Referrer>> REFERRERS = Map.of(
            "component", List.of(new Referrer("image-recipe", References::componentArns),
                    new Referrer("container-recipe", References::componentArns)),
            "image-recipe", List.of(new Referrer("image-pipeline", b -> List.of(b.path("imageRecipeArn").asText()))),
            "container-recipe", List.of(new Referrer("image-pipeline",
                    b -> List.of(b.path("containerRecipeArn").asText()))),
            "infrastructure-configuration", List.of(new Referrer("image-pipeline",
                    b -> List.of(b.path("infrastructureConfigurationArn").asText()))),
            "distribution-configuration", List.of(new Referrer("image-pipeline",
                    b -> List.of(b.path("distributionConfigurationArn").asText()))));

    private record Referrer(String type, Function<JsonNode, List<String>> arns) {
    }

    private final ResourceStore store;

    public References(ResourceStore store) {
        this.store = store;
    }

    /** Throws ResourceDependencyException naming a resource that still refers to this one. */
    public void checkUnused(CallContext ctx, StoredResource target) {
        String versionArn = Arn.parse(target.arn()).map(a -> a.versionArn().toString()).orElse(target.arn());
        for (Referrer referrer : REFERRERS.getOrDefault(target.type(), List.of())) {
            for (StoredResource r : store.list(ResourceQuery.all(ctx.region(), ctx.accountId(), referrer.type()))) {
                for (String ref : referrer.arns().apply(r.body())) {
                    if (ref.equals(target.arn()) || ref.equals(versionArn) || selectedByWildcard(ctx, ref, target)) {
                        throw new ApiException(ErrorType.ResourceDependencyException, target.arn()
                                + " is still used by " + r.arn());
                    }
                }
            }
        }
    }

    /**
     * Whether a wildcard reference ({@code .../image-recipe/name/1.x.x}) selects the target now, i.e. the
     * target is the newest resource it matches: deleting that one would change what the referrer uses,
     * while older matches may go.
     */
    private boolean selectedByWildcard(CallContext ctx, String ref, StoredResource target) {
        Optional<Arn> arn = Arn.parse(ref);
        if (arn.isEmpty() || !arn.get().hasWildcard() || !arn.get().type().equals(target.type())
                || VersionPattern.parse(arn.get().version()).isEmpty()) {
            return false;
        }
        return Versions.matching(store, ctx, arn.get()).stream().findFirst()
                .map(selected -> selected.arn().equals(target.arn())).orElse(false);
    }

    private static List<String> componentArns(JsonNode recipe) {
        return recipe.path("components").findValuesAsText("componentArn");
    }
}
