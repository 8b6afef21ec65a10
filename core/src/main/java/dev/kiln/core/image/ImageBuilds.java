package dev.kiln.core.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.arn.VersionPattern;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.PlainArns;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.ResourceQuery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Image build versions as records: what an image is built from (a recipe, an infrastructure
 * configuration and optionally a distribution configuration, each checked to exist for the caller),
 * and starting one: a new build number of {@code image/<recipe name>/<recipe version>}, PENDING, with
 * copies of everything it is built from. CreateImage, StartImagePipelineExecution and (later) the
 * scheduler all start images here, so the rule that a pipeline runs at most one execution at a time
 * lives here too.
 */
public final class ImageBuilds {
    public static final String TYPE = "image";
    public static final String IMAGE_RECIPE = "image-recipe";
    public static final String CONTAINER_RECIPE = "container-recipe";
    public static final String INFRASTRUCTURE = "infrastructure-configuration";
    public static final String DISTRIBUTION = "distribution-configuration";
    /** Statuses of an image whose creation has not finished; the rest are terminal. */
    public static final Set<String> IN_PROGRESS = Set.of("PENDING", "CREATING", "BUILDING", "TESTING",
            "DISTRIBUTING", "INTEGRATING");
    public static final String USER_INITIATED = "USER_INITIATED";
    public static final String SCHEDULED = "SCHEDULED";

    /** Oldest first, by when each image was started. */
    private static final Comparator<StoredResource> STARTED_FIRST = Comparator
            .comparing(StoredResource::createdAt).thenComparing(StoredResource::arn);

    private final ResourceStore store;
    private final Clock clock;
    private final ImageBuildEvents events;
    private final Object[] pipelineLocks = new Object[64];

    /** What an image is built from, as stored now. */
    public record Inputs(StoredResource recipe, boolean container, StoredResource infrastructure,
                        StoredResource distribution) {
        public Optional<StoredResource> distributionConfiguration() {
            return Optional.ofNullable(distribution);
        }
    }

    public ImageBuilds(ResourceStore store, Clock clock) {
        this(store, clock, ImageBuildEvents.NONE);
    }

    public ImageBuilds(ResourceStore store, Clock clock, ImageBuildEvents events) {
        this.store = store;
        this.clock = clock;
        this.events = events;
        for (int i = 0; i < pipelineLocks.length; i++) {
            pipelineLocks[i] = new Object();
        }
    }

    /**
     * Checks a request's recipe and configuration ARNs ({@code imageRecipeArn} or
     * {@code containerRecipeArn}, exactly one; {@code infrastructureConfigurationArn};
     * {@code distributionConfigurationArn} if any) and finds what they name. A wildcard recipe version
     * ({@code 1.x.x}) names the newest matching recipe.
     */
    public Inputs inputs(CallContext ctx, JsonNode in) {
        boolean image = in.hasNonNull("imageRecipeArn");
        boolean container = in.hasNonNull("containerRecipeArn");
        if (image && container) {
            throw new ApiException(ErrorType.InvalidParameterCombinationException,
                    "give exactly one of imageRecipeArn and containerRecipeArn, not both");
        }
        if (!image && !container) {
            throw new ApiException(ErrorType.InvalidRequestException,
                    "give exactly one of imageRecipeArn (for an AMI) and containerRecipeArn (for a container image)");
        }
        StoredResource recipe = image
                ? recipe(ctx, in.get("imageRecipeArn").asText(), IMAGE_RECIPE, "imageRecipeArn", "image recipe")
                : recipe(ctx, in.get("containerRecipeArn").asText(), CONTAINER_RECIPE, "containerRecipeArn",
                        "container recipe");
        StoredResource infrastructure = PlainArns.find(store, ctx, in.path("infrastructureConfigurationArn").asText(),
                INFRASTRUCTURE, "infrastructureConfigurationArn", "infrastructure configuration");
        StoredResource distribution = in.hasNonNull("distributionConfigurationArn")
                ? PlainArns.find(store, ctx, in.get("distributionConfigurationArn").asText(), DISTRIBUTION,
                        "distributionConfigurationArn", "distribution configuration")
                : null;
        return new Inputs(recipe, container, infrastructure, distribution);
    }

    /** The newest recipe a (possibly wildcard) recipe ARN names, or ResourceNotFound. */
    private StoredResource recipe(CallContext ctx, String text, String type, String member, String what) {
        Arn arn = Versions.parseArn(text, type, member);
        if (arn.version() == null) {
            throw ApiException.invalid(member + " '" + text + "' must end with a version, e.g. /1.0.0 or /x.x.x");
        }
        return Versions.matching(store, ctx, arn).stream().findFirst()
                .orElseThrow(() -> ApiException.notFound("The " + what + " " + text + " does not exist"));
    }

    /**
     * Records a new PENDING image build version.
     *
     * @param settings  members copied into the image as they are: imageTestsConfiguration,
     *                  enhancedImageMetadataEnabled, imageScanningConfiguration, workflows,
     *                  executionRole, loggingConfiguration (defaults are filled in here)
     * @param tags      the image's tags
     * @param pipeline  the pipeline it runs for, or null (CreateImage)
     * @param buildType USER_INITIATED or SCHEDULED
     * @throws ApiException ResourceInUseException when the pipeline has an image still in progress
     */
    public StoredResource start(CallContext ctx, Inputs inputs, JsonNode settings, JsonNode tags,
                                StoredResource pipeline, String buildType) {
        StoredResource image = pipeline == null
                ? insert(ctx, inputs, settings, tags, null, buildType)
                : startForPipeline(ctx, inputs, settings, tags, pipeline, buildType);
        events.started(image);
        return image;
    }

    /** A FAILED or CANCELLED image made PENDING again (RetryImage): the build worker takes it. */
    public void retried(StoredResource image) {
        events.started(image);
    }

    /**
     * Records a new PENDING build of an AVAILABLE image's version that only distributes (DistributeImage):
     * the source's build-region copy is its output already, tests are off, and the build worker
     * distributes it as the new distribution configuration says.
     *
     * @param built the source's build-region copy, an {@code outputResources.amis} entry
     */
    public StoredResource startDistribution(CallContext ctx, Inputs inputs, JsonNode tags, JsonNode built) {
        ObjectNode settings = Json.object();
        settings.putObject("imageTestsConfiguration").put("imageTestsEnabled", false);
        StoredResource image = insert(ctx, inputs, settings, tags, null, USER_INITIATED);
        ObjectNode body = image.body().deepCopy();
        ((ObjectNode) body.path("outputResources")).putArray("amis").add(built.deepCopy());
        body.put(ImageOperations.RETRY, ImageOperations.RETRY_DISTRIBUTION);
        image = image.withBody(body);
        store.update(image);
        events.started(image);
        return image;
    }

    /** Tells the build worker that an image was cancelled (its state already says CANCELLED). */
    public void cancelled(StoredResource image) {
        events.cancelled(image);
    }

    /** Tells the build worker that an image build version was deleted. */
    public void deleted(StoredResource image) {
        events.deleted(image);
    }

    private StoredResource startForPipeline(CallContext ctx, Inputs inputs, JsonNode settings, JsonNode tags,
                                            StoredResource pipeline, String buildType) {
        synchronized (pipelineLocks[Math.floorMod(pipeline.arn().hashCode(), pipelineLocks.length)]) {
            refuseIfRunning(ctx, pipeline.arn(), null);
            StoredResource image = insert(ctx, inputs, settings, tags, pipeline, buildType);
            // Another server sharing the database may have started one at the same moment. The store
            // has no conditional write, so whoever sees the other's image withdraws its own: never two
            // executions, at worst (both at once) neither and both callers are told to retry.
            try {
                refuseIfRunning(ctx, pipeline.arn(), image);
            } catch (ApiException e) {
                store.delete(image.arn());
                throw e;
            }
            return image;
        }
    }

    private void refuseIfRunning(CallContext ctx, String pipelineArn, StoredResource mine) {
        for (StoredResource other : ofPipeline(ctx, pipelineArn)) {
            if (inProgress(other) && (mine == null || !other.arn().equals(mine.arn()))) {
                throw new ApiException(ErrorType.ResourceInUseException, "The image pipeline " + pipelineArn
                        + " is already running: image " + other.arn() + " is " + status(other)
                        + "; a pipeline runs one execution at a time (cancel it with CancelImageCreation or"
                        + " wait for it to finish)");
            }
        }
    }

    private StoredResource insert(CallContext ctx, Inputs inputs, JsonNode settings, JsonNode tags,
                                  StoredResource pipeline, String buildType) {
        StoredResource recipe = inputs.recipe();
        // The version as the recipe's ARN writes it: "2019.12.03" keeps its leading zero, as in AWS.
        String version = Arn.parse(recipe.arn()).map(Arn::version).orElse(recipe.version());
        Arn versionArn = Arn.of(ctx.region(), ctx.accountId(), TYPE, recipe.name()).withVersion(version);
        ObjectNode body = Json.object();
        body.put("arn", versionArn.toString());
        body.put("type", inputs.container() ? "DOCKER" : "AMI");
        body.put("name", recipe.name());
        body.put("version", version);
        Json.copy(recipe.body(), body, "platform");
        body.put("enhancedImageMetadataEnabled", settings.path("enhancedImageMetadataEnabled").asBoolean(true));
        parentOsVersion(ctx, recipe).ifPresent(os -> body.put("osVersion", os));
        body.putObject("state").put("status", "PENDING");
        body.set(inputs.container() ? "containerRecipe" : "imageRecipe", recipe.body().deepCopy());
        if (pipeline != null) {
            body.put("sourcePipelineName", pipeline.name());
            body.put("sourcePipelineArn", pipeline.arn());
        }
        body.set("infrastructureConfiguration", inputs.infrastructure().body().deepCopy());
        inputs.distributionConfiguration().ifPresent(d -> body.set("distributionConfiguration", d.body().deepCopy()));
        body.set("imageTestsConfiguration", testsConfiguration(settings.get("imageTestsConfiguration")));
        body.put("dateCreated", Json.date(clock.instant()));
        body.putObject("outputResources").putArray(inputs.container() ? "containers" : "amis");
        body.set("tags", tags == null || tags.isNull() ? Json.object() : tags.deepCopy());
        body.put("buildType", buildType);
        body.put("imageSource", "CUSTOM");
        Json.copy(settings, body, "imageScanningConfiguration", "executionRole", "workflows", "loggingConfiguration");
        StoredResource stored = store.insertNextBuild(new StoredResource(versionArn.toString(), ctx.accountId(),
                ctx.region(), TYPE, recipe.name(), recipe.version(), null, clock.instant(), body));
        // The image's version names its build, as AWS answers it: "1.0.0/3".
        ObjectNode withBuild = stored.body().deepCopy();
        withBuild.put("version", version + "/" + stored.build());
        StoredResource image = stored.withBody(withBuild);
        store.update(image);
        return image;
    }

    /** ImageTestsConfiguration with AWS's defaults: tests enabled, 720 minutes. */
    public static ObjectNode testsConfiguration(JsonNode given) {
        ObjectNode tests = Json.object();
        tests.put("imageTestsEnabled", given == null ? true : given.path("imageTestsEnabled").asBoolean(true));
        tests.put("timeoutMinutes", given == null ? 720 : given.path("timeoutMinutes").asInt(720));
        return tests;
    }

    /** The OS version of the recipe's parent image, when it is an Image Builder image Kiln knows. */
    private Optional<String> parentOsVersion(CallContext ctx, StoredResource recipe) {
        return Arn.parse(recipe.body().path("parentImage").asText(null))
                .filter(a -> a.type().equals(TYPE) && a.version() != null
                        && VersionPattern.parse(a.version()).isPresent())
                .flatMap(a -> Versions.matching(store, ctx, a).stream().findFirst())
                .map(parent -> Json.text(parent.body(), "osVersion"));
    }

    /** The images a pipeline started, newest first. */
    public List<StoredResource> ofPipeline(CallContext ctx, String pipelineArn) {
        return store.list(ResourceQuery.all(ctx.region(), ctx.accountId(), TYPE)).stream()
                .filter(r -> pipelineArn.equals(Json.text(r.body(), "sourcePipelineArn")))
                .sorted(STARTED_FIRST.reversed())
                .toList();
    }

    public static String status(StoredResource image) {
        return status(image.body());
    }

    /** The status in an image's body. */
    public static String status(JsonNode body) {
        return body.path("state").path("status").asText("PENDING");
    }

    public static boolean inProgress(StoredResource image) {
        return IN_PROGRESS.contains(status(image));
    }

    /** The owner as List* answers it: the account, or "Amazon" for Kiln-managed images. */
    public static String owner(StoredResource image) {
        return image.accountId().equals(Arn.AWS_OWNER) ? "Amazon" : image.accountId();
    }

    /** An ImageSummary (ListImageBuildVersions, ListImagePipelineImages). */
    public static ObjectNode summary(StoredResource r) {
        ObjectNode s = Json.object();
        Json.copy(r.body(), s, "arn", "name", "type", "version", "platform", "osVersion", "state");
        s.put("owner", owner(r));
        Json.copy(r.body(), s, "dateCreated", "outputResources", "tags", "buildType", "imageSource",
                "deprecationTime", "lifecycleExecutionId", "loggingConfiguration");
        return s;
    }
}
