package dev.kiln.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.image.ImageBuilds;
import dev.kiln.core.image.ImageOperations;
import dev.kiln.core.resource.Filters;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.Page;
import dev.kiln.core.resource.PlainResources;
import dev.kiln.core.resource.References;
import dev.kiln.core.store.ResourceQuery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Image pipelines: CreateImagePipeline, GetImagePipeline, ListImagePipelines, UpdateImagePipeline
 * (a full replacement, as the model says: members left out go back to their defaults),
 * DeleteImagePipeline, StartImagePipelineExecution (a PENDING image build version, at most one
 * execution of a pipeline at a time) and ListImagePipelineImages.
 *
 * <p>{@code dateNextRun} is computed from the schedule when the pipeline is read (ENABLED pipelines
 * with a schedule expression only); {@code lastRunStatus} is the state of the newest image the pipeline
 * started; {@code dateLastRun} is when the last execution started (AWS documents the member as no longer
 * returned; Kiln returns it).
 */
public final class PipelineOperations {
    public static final String TYPE = "image-pipeline";
    static final String DEFAULT_START_CONDITION = "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE";

    private final ResourceStore store;
    private final PlainResources resources;
    private final ImageBuilds builds;
    private final Clock clock;

    public PipelineOperations(ResourceStore store, ImageBuilds builds, Clock clock) {
        this.store = store;
        this.resources = new PlainResources(store, new References(store), TYPE, "imagePipelineArn",
                "image pipeline");
        this.builds = builds;
        this.clock = clock;
    }

    public void registerWith(ImageBuilderService service) {
        service.register("CreateImagePipeline", this::create)
                .register("GetImagePipeline", this::get)
                .register("ListImagePipelines", this::list)
                .register("UpdateImagePipeline", this::update)
                .register("DeleteImagePipeline", this::delete)
                .register("StartImagePipelineExecution", this::start)
                .register("ListImagePipelineImages", this::listImages);
    }

    ObjectNode create(CallContext ctx, ObjectNode in) {
        String name = in.path("name").asText();
        Arn arn = Arn.of(ctx.region(), ctx.accountId(), TYPE, name);
        Instant now = clock.instant();
        ObjectNode body = describe(ctx, in, arn.toString(), name, Json.date(now), now);
        body.set("tags", in.has("tags") ? in.get("tags").deepCopy() : Json.object());
        store.insert(new StoredResource(arn.toString(), ctx.accountId(), ctx.region(), TYPE, name, null, null, now,
                body));
        ObjectNode out = Json.object();
        out.put("imagePipelineArn", arn.toString());
        return out;
    }

    /**
     * The pipeline as stored, from a Create or Update request: every reference checked, the schedule
     * validated, defaults filled in.
     */
    private ObjectNode describe(CallContext ctx, JsonNode in, String arn, String name, String dateCreated,
                                Instant now) {
        ImageOperations.refuseWorkflows(in);
        ImageBuilds.Inputs inputs = builds.inputs(ctx, in);
        ObjectNode schedule = schedule(in.get("schedule"), now);
        ObjectNode body = Json.object();
        body.put("arn", arn);
        body.put("name", name);
        Json.copy(in, body, "description");
        Json.copy(inputs.recipe().body(), body, "platform");
        body.put("enhancedImageMetadataEnabled", in.path("enhancedImageMetadataEnabled").asBoolean(true));
        Json.copy(in, body, "imageRecipeArn", "containerRecipeArn", "infrastructureConfigurationArn",
                "distributionConfigurationArn");
        body.set("imageTestsConfiguration", ImageBuilds.testsConfiguration(in.get("imageTestsConfiguration")));
        if (schedule != null) {
            body.set("schedule", schedule);
        }
        body.put("status", in.path("status").asText("ENABLED"));
        body.put("dateCreated", dateCreated);
        body.put("dateUpdated", Json.date(now));
        Json.copy(in, body, "imageScanningConfiguration", "imageTags", "executionRole", "workflows",
                "loggingConfiguration");
        body.put("consecutiveFailures", 0);
        return body;
    }

    /** The schedule as given, validated, with the default start condition when it has an expression. */
    private static ObjectNode schedule(JsonNode given, Instant now) {
        if (given == null || given.isNull()) {
            return null;
        }
        Optional<Schedule> parsed = Schedule.of(given, now);
        ObjectNode schedule = given.deepCopy();
        if (parsed.isPresent() && !schedule.hasNonNull("pipelineExecutionStartCondition")) {
            schedule.put("pipelineExecutionStartCondition", DEFAULT_START_CONDITION);
        }
        return schedule;
    }

    ObjectNode get(CallContext ctx, ObjectNode in) {
        StoredResource pipeline = find(ctx, in.path("imagePipelineArn").asText());
        ObjectNode out = Json.object();
        out.set("imagePipeline", view(pipeline, builds.ofPipeline(ctx, pipeline.arn())));
        return out;
    }

    /** The pipeline as Get and List answer it: with its last run and next run. */
    private ObjectNode view(StoredResource pipeline, List<StoredResource> imagesNewestFirst) {
        ObjectNode body = pipeline.body().deepCopy();
        if (!imagesNewestFirst.isEmpty()) {
            StoredResource last = imagesNewestFirst.get(0);
            String started = Json.text(last.body(), "dateCreated");
            if (!body.hasNonNull("dateLastRun") && started != null) {
                body.put("dateLastRun", started);
            }
            body.put("lastRunStatus", ImageBuilds.status(last));
        }
        nextRun(pipeline).ifPresent(next -> body.put("dateNextRun", Json.date(next)));
        return body;
    }

    /** When an ENABLED pipeline with a schedule expression runs next. */
    public Optional<Instant> nextRun(StoredResource pipeline) {
        JsonNode body = pipeline.body();
        if (!body.path("status").asText().equals("ENABLED")) {
            return Optional.empty();
        }
        return Schedule.of(body.get("schedule"), scheduleSetAt(pipeline)).flatMap(s -> s.next(clock.instant()));
    }

    /** When the schedule was last set: the pipeline's last update (or creation). */
    static Instant scheduleSetAt(StoredResource pipeline) {
        try {
            return Instant.parse(pipeline.body().path("dateUpdated").asText());
        } catch (DateTimeParseException e) {
            return pipeline.createdAt();
        }
    }

    ObjectNode list(CallContext ctx, ObjectNode in) {
        Map<String, Function<StoredResource, String>> filters = Map.of(
                "description", r -> Json.text(r.body(), "description"),
                "distributionConfigurationArn", r -> Json.text(r.body(), "distributionConfigurationArn"),
                "imageRecipeArn", r -> Json.text(r.body(), "imageRecipeArn"),
                "infrastructureConfigurationArn", r -> Json.text(r.body(), "infrastructureConfigurationArn"),
                "name", StoredResource::name,
                "status", r -> Json.text(r.body(), "status"));
        List<StoredResource> pipelines = store.list(ResourceQuery.all(ctx.region(), ctx.accountId(), TYPE)).stream()
                .filter(Filters.from(in, filters))
                .sorted(Comparator.comparing(StoredResource::name))
                .toList();
        Page<StoredResource> page = Page.of(pipelines, in, "ListImagePipelines");
        Map<String, List<StoredResource>> images = page.items().isEmpty() ? Map.of()
                : store.list(ResourceQuery.all(ctx.region(), ctx.accountId(), ImageBuilds.TYPE)).stream()
                        .filter(r -> r.body().hasNonNull("sourcePipelineArn"))
                        .sorted(Comparator.comparing(StoredResource::createdAt).thenComparing(StoredResource::arn)
                                .reversed())
                        .collect(Collectors.groupingBy(r -> r.body().get("sourcePipelineArn").asText()));
        ObjectNode out = Json.object();
        page.writeTo(out, "imagePipelineList", p -> view(p, images.getOrDefault(p.arn(), List.of())));
        return out;
    }

    ObjectNode update(CallContext ctx, ObjectNode in) {
        StoredResource pipeline = find(ctx, in.path("imagePipelineArn").asText());
        JsonNode old = pipeline.body();
        ObjectNode body = describe(ctx, in, pipeline.arn(), pipeline.name(), old.path("dateCreated").asText(),
                clock.instant());
        // The scheduler's counts and last skip survive an update; its last check does not, so that a
        // changed (or re-enabled) schedule counts from now and does not run a match from before. They
        // are taken from the pipeline as stored when it is written: a run recorded meanwhile stays.
        store.modify(pipeline.arn(), current -> {
            Json.copy(current, body, "dateLastRun", "lastRunStatus", "tags", "consecutiveFailures",
                    PipelineScheduler.LAST_SKIP);
            if (!body.has("tags")) {
                body.set("tags", Json.object());
            }
            return body;
        }).orElseThrow(() -> ApiException.notFound("The image pipeline " + pipeline.arn() + " does not exist"));
        ObjectNode out = Json.object();
        out.put("imagePipelineArn", pipeline.arn());
        return out;
    }

    ObjectNode delete(CallContext ctx, ObjectNode in) {
        return resources.delete(ctx, in);
    }

    ObjectNode start(CallContext ctx, ObjectNode in) {
        StoredResource pipeline = find(ctx, in.path("imagePipelineArn").asText());
        StoredResource image = run(ctx, pipeline, in.get("tags"), ImageBuilds.USER_INITIATED);
        ObjectNode out = Json.object();
        out.put("imageBuildVersionArn", image.arn());
        return out;
    }

    /**
     * Starts one execution of a pipeline: a PENDING image build version from what the pipeline names
     * now (a wildcard recipe version picks the newest recipe). The scheduler calls this with SCHEDULED.
     *
     * @param tags     tags for this image on top of the pipeline's imageTags, or null
     * @throws ApiException ResourceInUseException while another execution of the pipeline is in progress
     */
    public StoredResource run(CallContext ctx, StoredResource pipeline, JsonNode tags, String buildType) {
        JsonNode p = pipeline.body();
        ImageBuilds.Inputs inputs = builds.inputs(ctx, p);
        ObjectNode settings = Json.object();
        Json.copy(p, settings, "imageTestsConfiguration", "enhancedImageMetadataEnabled",
                "imageScanningConfiguration", "workflows", "executionRole");
        String logGroup = p.path("loggingConfiguration").path("imageLogGroupName").asText(null);
        if (logGroup != null) {
            settings.putObject("loggingConfiguration").put("logGroupName", logGroup);
        }
        ObjectNode imageTags = p.has("imageTags") ? p.get("imageTags").deepCopy() : Json.object();
        if (tags != null && tags.isObject()) {
            imageTags.setAll((ObjectNode) tags);
        }
        StoredResource image = builds.start(ctx, inputs, settings, imageTags, pipeline, buildType);
        // Recorded on the pipeline as it is now: it may have been updated meanwhile.
        store.modify(pipeline.arn(), body -> body.put("dateLastRun", image.body().path("dateCreated").asText())
                .put("lastRunStatus", ImageBuilds.status(image)));
        return image;
    }

    ObjectNode listImages(CallContext ctx, ObjectNode in) {
        StoredResource pipeline = find(ctx, in.path("imagePipelineArn").asText());
        Map<String, Function<StoredResource, String>> filters = Map.of(
                "name", StoredResource::name,
                "version", StoredResource::version);
        List<StoredResource> images = builds.ofPipeline(ctx, pipeline.arn()).stream()
                .filter(Filters.from(in, filters))
                .toList();
        ObjectNode out = Json.object();
        Page.of(images, in, "ListImagePipelineImages").writeTo(out, "imageSummaryList", ImageBuilds::summary);
        return out;
    }

    /** The caller's pipeline by ARN, or ResourceNotFound. */
    public StoredResource find(CallContext ctx, String arnText) {
        return resources.find(ctx, arnText);
    }
}
