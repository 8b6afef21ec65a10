package dev.kiln.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.arn.SemanticVersion;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Filters;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.Page;
import dev.kiln.core.resource.References;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What image recipes and container recipes share: versioned, immutable resources without build numbers
 * ({@code .../image-recipe/<name>/<M.m.p>}), created once per version (or at the next free version when
 * semanticVersion has {@code x} nodes, see {@link RecipeVersions}), read by version ARN or by wildcard ARN
 * (the newest match), listed by owner with filters and pages, and deleted by version ARN unless a
 * pipeline still uses them.
 */
final class Recipes {
    /**
     * How often a create with an automatic version tries when concurrent creates take the version it chose:
     * each lost race means another create won, so this many concurrent creates of one name all succeed.
     */
    private static final int AUTO_VERSION_ATTEMPTS = 16;

    /** What differs between the two kinds, in names. */
    enum Kind {
        IMAGE("image-recipe", "image recipe", "imageRecipeArn", "imageRecipe", "imageRecipeSummaryList",
                "ListImageRecipes"),
        CONTAINER("container-recipe", "container recipe", "containerRecipeArn", "containerRecipe",
                "containerRecipeSummaryList", "ListContainerRecipes");

        final String type;
        final String what;
        final String arnMember;
        final String getMember;
        final String listMember;
        final String listOperation;

        Kind(String type, String what, String arnMember, String getMember, String listMember, String listOperation) {
            this.type = type;
            this.what = what;
            this.arnMember = arnMember;
            this.getMember = getMember;
            this.listMember = listMember;
            this.listOperation = listOperation;
        }
    }

    private final Kind kind;
    private final ResourceStore store;
    private final References references;

    Recipes(Kind kind, ResourceStore store, References references) {
        this.kind = kind;
        this.store = store;
        this.references = references;
    }

    /**
     * Stores a new recipe version of the caller's and answers it.
     *
     * @param body the recipe's body for its version ARN and version
     * @throws ApiException ResourceAlreadyExistsException when a plain version already exists
     */
    StoredResource create(CallContext ctx, String name, RecipeVersions.Request version, Instant now,
                          BiFunction<Arn, String, ObjectNode> body) {
        Arn nameArn = Arn.of(ctx.region(), ctx.accountId(), kind.type, name);
        for (int attempt = 1; ; attempt++) {
            String chosen = version.choose(version.isAuto() ? existingVersions(ctx, nameArn) : List.of());
            Arn versionArn = nameArn.withVersion(chosen);
            if (!version.isAuto() && store.get(versionArn.toString()).isPresent()) {
                throw alreadyExists(versionArn);
            }
            StoredResource recipe = new StoredResource(versionArn.toString(), ctx.accountId(), ctx.region(), kind.type,
                    name, chosen, null, now, body.apply(versionArn, chosen));
            try {
                store.insert(recipe);
                return recipe;
            } catch (ApiException e) {
                if (e.type() != ErrorType.ResourceAlreadyExistsException) {
                    throw e;
                }
                if (!version.isAuto() || attempt == AUTO_VERSION_ATTEMPTS) {
                    throw alreadyExists(versionArn);
                }
            }
        }
    }

    /** The output of CreateImageRecipe / CreateContainerRecipe: the new recipe's ARN, and its latest versions. */
    ObjectNode created(StoredResource recipe) {
        ObjectNode out = Json.object();
        out.put(kind.arnMember, recipe.arn());
        out.set("latestVersionReferences", latestReferences(recipe));
        return out;
    }

    private static JsonNode latestReferences(StoredResource recipe) {
        return Versions.latestReferences(Arn.parse(recipe.arn()).orElseThrow());
    }

    /**
     * A new recipe's platform: the one given (by the request or the parent image), else its first
     * component's that has one, else Linux; every component is checked to run on it.
     */
    static String platform(Optional<String> given, List<RecipeComponents.Entry> components) {
        String platform = given
                .or(() -> components.stream().map(RecipeComponents.Entry::platform).filter(p -> p != null).findFirst())
                .orElse(ImageRecipeOperations.DEFAULT_PLATFORM);
        RecipeComponents.checkPlatform(components, platform);
        return platform;
    }

    private ApiException alreadyExists(Arn versionArn) {
        return new ApiException(ErrorType.ResourceAlreadyExistsException, "The " + kind.what + " " + versionArn
                + " already exists. Recipe versions cannot change: create another version, or give a"
                + " semanticVersion such as " + SemanticVersion.parse(versionArn.version()).map(v -> v.major() + "."
                + v.minor() + ".x").orElse("1.0.x") + " to take the next free one");
    }

    private List<SemanticVersion> existingVersions(CallContext ctx, Arn nameArn) {
        return Versions.matching(store, ctx, nameArn.withVersion("x.x.x")).stream()
                .map(r -> SemanticVersion.parse(r.version()))
                .flatMap(Optional::stream)
                .toList();
    }

    /** The recipe a version ARN names, or the newest one a wildcard ARN selects. */
    StoredResource find(CallContext ctx, String text) {
        Arn arn = parse(text);
        return Versions.matching(store, ctx, arn).stream().findFirst()
                .orElseThrow(() -> ApiException.notFound("The " + kind.what + " " + text + " does not exist"));
    }

    private Arn parse(String text) {
        Arn arn = Versions.parseArn(text, kind.type, kind.arnMember);
        if (arn.build() != null) {
            throw new ApiException(ErrorType.InvalidParameterValueException, kind.arnMember + " '" + text + "': "
                    + kind.what + "s have no build numbers; give .../" + kind.type + "/<name>/<major.minor.patch>");
        }
        return arn;
    }

    /** GetImageRecipe / GetContainerRecipe. */
    ObjectNode get(CallContext ctx, ObjectNode in) {
        StoredResource recipe = find(ctx, in.path(kind.arnMember).asText());
        ObjectNode out = Json.object();
        out.set(kind.getMember, recipe.body().deepCopy());
        out.set("latestVersionReferences", latestReferences(recipe));
        return out;
    }

    /**
     * ListImageRecipes / ListContainerRecipes: every version the owner selects (Self by default; Amazon
     * for Kiln-managed ones; Shared and the rest select nothing yet), by name then newest version first.
     */
    ObjectNode list(CallContext ctx, ObjectNode in, Map<String, Function<StoredResource, String>> filters,
                    Function<StoredResource, JsonNode> summary) {
        List<StoredResource> all = new ArrayList<>(Versions.owned(store, ctx, kind.type,
                in.path("owner").asText("Self")));
        List<StoredResource> matching = new ArrayList<>(all.stream().filter(Filters.from(in, filters)).toList());
        matching.sort(Comparator.comparing(StoredResource::name).thenComparing(StoredResource::accountId)
                .thenComparing(Versions.NEWEST_FIRST));
        ObjectNode out = Json.object();
        Page.of(matching, in, kind.listOperation).writeTo(out, kind.listMember, summary);
        return out;
    }

    /** DeleteImageRecipe / DeleteContainerRecipe: one version of the caller's, unless a pipeline uses it. */
    ObjectNode delete(CallContext ctx, ObjectNode in) {
        String text = in.path(kind.arnMember).asText();
        Arn arn = parse(text);
        if (arn.version() == null || arn.hasWildcard()) {
            throw new ApiException(ErrorType.InvalidRequestException, kind.arnMember + " '" + text
                    + "' must name one version, e.g. .../" + kind.type + "/" + arn.name() + "/1.0.0");
        }
        StoredResource recipe = store.get(arn.toString())
                .filter(r -> r.type().equals(kind.type) && r.accountId().equals(ctx.accountId())
                        && r.region().equals(ctx.region()))
                .orElseThrow(() -> ApiException.notFound("The " + kind.what + " " + text + " does not exist"));
        references.checkUnused(ctx, recipe);
        store.delete(recipe.arn());
        ObjectNode out = Json.object();
        out.put(kind.arnMember, recipe.arn());
        return out;
    }
}
