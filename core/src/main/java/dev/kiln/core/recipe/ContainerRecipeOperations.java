package dev.kiln.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.References;
import dev.kiln.core.resource.S3Documents;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Container recipes: what a container image is built from. CreateContainerRecipe, GetContainerRecipe,
 * ListContainerRecipes and DeleteContainerRecipe.
 *
 * <p>Versions, components and deletion follow the same rules as image recipes ({@link Recipes},
 * {@link RecipeVersions}, {@link RecipeComponents}); BUILD and TEST components are both allowed. Besides:
 * <ul>
 *   <li>{@code parentImage} is a container image reference ({@code debian:12},
 *       {@code registry:5000/repo:tag}) or an Image Builder container image ARN ({@link ParentImage}).</li>
 *   <li>Exactly one of {@code dockerfileTemplateData} and {@code dockerfileTemplateUri}: both answer
 *       InvalidParameterCombinationException, neither InvalidRequestException. A URI is read once, at
 *       creation, from Kiln's S3-compatible endpoint ({@link S3Documents}) and kept as
 *       {@code dockerfileTemplateData}, as Image Builder does. The template must build
 *       {@code FROM {{{ imagebuilder:parentImage }}}} and use no other {@code imagebuilder:} variables than
 *       parentImage, environments and components ({@link DockerfileTemplate}).</li>
 *   <li>The platform is {@code platformOverride}; failing that, the parent image's when it is an Image
 *       Builder image; failing that, the first component's; failing that, Linux.</li>
 *   <li>{@code targetRepository} (required by the model) names a repository in the build region's
 *       registry and is kept as given, as are {@code instanceConfiguration} and {@code kmsKeyId}.
 *       {@code workingDirectory} defaults to {@code /tmp}.</li>
 * </ul>
 * The stored body is the model's ContainerRecipe shape, plus {@code imageOsVersionOverride} when given
 * (no member of that shape: the HTTP edge drops it from answers; builds read it).
 */
public final class ContainerRecipeOperations {
    public static final String TYPE = "container-recipe";

    private final ResourceStore store;
    private final Recipes recipes;
    private final Clock clock;
    private final S3Documents documents;

    public ContainerRecipeOperations(ResourceStore store, References references, Clock clock) {
        this(store, references, clock, S3Documents.none());
    }

    /** @param documents where a template given by {@code dockerfileTemplateUri} is read from */
    public ContainerRecipeOperations(ResourceStore store, References references, Clock clock,
                                     S3Documents documents) {
        this.store = store;
        this.recipes = new Recipes(Recipes.Kind.CONTAINER, store, references);
        this.clock = clock;
        this.documents = documents;
    }

    public void registerWith(ImageBuilderService service) {
        service.register("CreateContainerRecipe", this::create)
                .register("GetContainerRecipe", recipes::get)
                .register("ListContainerRecipes", this::list)
                .register("DeleteContainerRecipe", recipes::delete);
    }

    ObjectNode create(CallContext ctx, ObjectNode in) {
        String name = in.path("name").asText();
        RecipeVersions.Request version = RecipeVersions.parse(in.path("semanticVersion").asText());
        String containerType = in.path("containerType").asText("DOCKER");
        if (!containerType.equals("DOCKER")) {
            throw new ApiException(ErrorType.InvalidParameterValueException, "containerType '" + containerType
                    + "': the only container type is DOCKER");
        }
        String template = template(in);
        if (!in.path("targetRepository").isObject()) {
            throw new ApiException(ErrorType.InvalidRequestException, "targetRepository is required: the"
                    + " repository ({service: ECR, repositoryName}) that receives the image");
        }
        ParentImage parent = ParentImage.forContainerRecipe(store, ctx, in.path("parentImage").asText());
        String platform = Recipes.platform(Optional.ofNullable(Json.text(in, "platformOverride")).or(parent::platform),
                RecipeComponents.check(store, ctx, in.get("components")));
        Instant now = clock.instant();
        StoredResource recipe = recipes.create(ctx, name, version, now, (arn, v) -> {
            ObjectNode body = Json.object();
            body.put("arn", arn.toString());
            body.put("containerType", containerType);
            body.put("name", name);
            Json.copy(in, body, "description");
            body.put("platform", platform);
            body.put("owner", ctx.accountId());
            body.put("version", v);
            Json.copy(in, body, "components", "instanceConfiguration");
            body.put("dockerfileTemplateData", template);
            Json.copy(in, body, "kmsKeyId");
            body.put("encrypted", true);
            body.put("parentImage", parent.given());
            body.put("dateCreated", Json.date(now));
            body.set("tags", in.hasNonNull("tags") ? in.get("tags").deepCopy() : Json.object());
            body.put("workingDirectory", in.path("workingDirectory").asText(
                    ImageRecipeOperations.DEFAULT_WORKING_DIRECTORY));
            Json.copy(in, body, "targetRepository", "imageOsVersionOverride");
            return body;
        });
        return recipes.created(recipe);
    }

    /** The Dockerfile template, from exactly one of dockerfileTemplateData and dockerfileTemplateUri. */
    private String template(ObjectNode in) {
        boolean hasData = in.hasNonNull("dockerfileTemplateData");
        boolean hasUri = in.hasNonNull("dockerfileTemplateUri");
        if (hasData && hasUri) {
            throw new ApiException(ErrorType.InvalidParameterCombinationException, "give the Dockerfile template"
                    + " in exactly one of dockerfileTemplateData and dockerfileTemplateUri, not both");
        }
        if (!hasData && !hasUri) {
            throw new ApiException(ErrorType.InvalidRequestException, "give the Dockerfile template in"
                    + " dockerfileTemplateData (or dockerfileTemplateUri)");
        }
        if (hasUri) {
            String template = documents.read("dockerfileTemplateUri", in.get("dockerfileTemplateUri").asText());
            DockerfileTemplate.check(template, "dockerfileTemplateUri " + in.get("dockerfileTemplateUri").asText());
            return template;
        }
        String template = in.get("dockerfileTemplateData").asText();
        DockerfileTemplate.check(template, "dockerfileTemplateData");
        return template;
    }

    ObjectNode list(CallContext ctx, ObjectNode in) {
        Map<String, Function<StoredResource, String>> filters = Map.of(
                "containerType", r -> Json.text(r.body(), "containerType"),
                "name", StoredResource::name,
                "parentImage", r -> Json.text(r.body(), "parentImage"),
                "platform", r -> Json.text(r.body(), "platform"));
        return recipes.list(ctx, in, filters, ContainerRecipeOperations::summary);
    }

    /** The model's ContainerRecipeSummary; instanceImage is the build instance's image, when given. */
    static JsonNode summary(StoredResource r) {
        ObjectNode s = Json.object();
        Json.copy(r.body(), s, "arn", "containerType", "name", "platform", "owner", "parentImage", "dateCreated");
        JsonNode instanceImage = r.body().path("instanceConfiguration").get("image");
        if (instanceImage != null && !instanceImage.isNull()) {
            s.set("instanceImage", instanceImage.deepCopy());
        }
        Json.copy(r.body(), s, "tags");
        return s;
    }
}
