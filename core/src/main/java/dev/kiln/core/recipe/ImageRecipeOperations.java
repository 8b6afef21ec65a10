package dev.kiln.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.References;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * Image recipes: what a machine image is built from. CreateImageRecipe, GetImageRecipe, ListImageRecipes
 * and DeleteImageRecipe.
 *
 * <p>A recipe version is immutable and has no build number: {@code .../image-recipe/<name>/<M.m.p>}.
 * Creating an existing version answers ResourceAlreadyExistsException; a semanticVersion with {@code x}
 * nodes takes the next free version ({@link RecipeVersions} has the rule: with 1.0.0 and 1.0.3,
 * {@code 1.0.x} gives 1.0.4; with none, 1.0.0).
 *
 * <p>Checked on create: the parent image ({@link ParentImage}: an Image Builder image ARN of the caller's
 * or a Kiln-managed one, owner {@code aws}; or an {@code ami-} id of Kiln's image store, checked when a build starts),
 * the components and their parameters ({@link RecipeComponents}), and that every component is for the
 * recipe's platform. The platform is the parent image's; failing that, the first component's; failing
 * that, Linux. The parent image and component ARNs are kept as given, wildcards included, as AWS keeps
 * them; builds resolve them. {@code workingDirectory} defaults to {@code /tmp}; block device mappings,
 * additional instance configuration and AMI tags are kept as given. The stored body is the model's
 * ImageRecipe shape, which GetImageRecipe answers.
 */
public final class ImageRecipeOperations {
    public static final String TYPE = "image-recipe";
    static final String DEFAULT_WORKING_DIRECTORY = "/tmp";
    static final String DEFAULT_PLATFORM = "Linux";

    private final ResourceStore store;
    private final Recipes recipes;
    private final Clock clock;

    public ImageRecipeOperations(ResourceStore store, References references, Clock clock) {
        this.store = store;
        this.recipes = new Recipes(Recipes.Kind.IMAGE, store, references);
        this.clock = clock;
    }

    public void registerWith(ImageBuilderService service) {
        service.register("CreateImageRecipe", this::create)
                .register("GetImageRecipe", recipes::get)
                .register("ListImageRecipes", this::list)
                .register("DeleteImageRecipe", recipes::delete);
    }

    ObjectNode create(CallContext ctx, ObjectNode in) {
        String name = in.path("name").asText();
        RecipeVersions.Request version = RecipeVersions.parse(in.path("semanticVersion").asText());
        ParentImage parent = ParentImage.forImageRecipe(store, ctx, in.path("parentImage").asText());
        String platform = Recipes.platform(parent.platform(),
                RecipeComponents.check(store, ctx, in.get("components")));
        Instant now = clock.instant();
        StoredResource recipe = recipes.create(ctx, name, version, now, (arn, v) -> {
            ObjectNode body = Json.object();
            body.put("arn", arn.toString());
            body.put("type", "AMI");
            body.put("name", name);
            Json.copy(in, body, "description");
            body.put("platform", platform);
            body.put("owner", ctx.accountId());
            body.put("version", v);
            Json.copy(in, body, "components");
            body.put("parentImage", parent.given());
            Json.copy(in, body, "blockDeviceMappings");
            body.put("dateCreated", Json.date(now));
            body.set("tags", in.hasNonNull("tags") ? in.get("tags").deepCopy() : Json.object());
            body.put("workingDirectory", in.path("workingDirectory").asText(DEFAULT_WORKING_DIRECTORY));
            Json.copy(in, body, "additionalInstanceConfiguration", "amiTags");
            return body;
        });
        return recipes.created(recipe);
    }

    ObjectNode list(CallContext ctx, ObjectNode in) {
        Map<String, Function<StoredResource, String>> filters = Map.of(
                "name", StoredResource::name,
                "parentImage", r -> Json.text(r.body(), "parentImage"),
                "platform", r -> Json.text(r.body(), "platform"));
        return recipes.list(ctx, in, filters, ImageRecipeOperations::summary);
    }

    /** The model's ImageRecipeSummary. */
    static JsonNode summary(StoredResource r) {
        ObjectNode s = Json.object();
        Json.copy(r.body(), s, "arn", "name", "platform", "owner", "parentImage", "dateCreated", "tags");
        return s;
    }
}
