package dev.kiln.core.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Filters;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.Page;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.ResourceQuery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Images (build outputs) as records: CreateImage (a PENDING image build version, like a pipeline run
 * without a pipeline), GetImage, ListImages, ListImageBuildVersions, DeleteImage and
 * CancelImageCreation. The build worker ({@link dev.kiln.core.build.BuildQueue}) hears of starts,
 * cancels and deletes through {@link ImageBuildEvents} and builds them.
 */
public final class ImageOperations {
    public static final String TYPE = ImageBuilds.TYPE;
    /** Members of CreateImage copied into the image as given. */
    private static final String[] SETTINGS = {"imageTestsConfiguration", "enhancedImageMetadataEnabled",
        "imageScanningConfiguration", "workflows", "executionRole", "loggingConfiguration"};

    private final ResourceStore store;
    private final ImageBuilds builds;
    private final Clock clock;

    public ImageOperations(ResourceStore store, ImageBuilds builds, Clock clock) {
        this.store = store;
        this.builds = builds;
        this.clock = clock;
    }

    public void registerWith(ImageBuilderService service) {
        service.register("CreateImage", this::create)
                .register("GetImage", this::get)
                .register("ListImages", this::list)
                .register("ListImageBuildVersions", this::listBuildVersions)
                .register("DeleteImage", this::delete)
                .register("CancelImageCreation", this::cancel)
                .register("RetryImage", this::retry)
                .register("DistributeImage", this::distribute);
    }

    ObjectNode create(CallContext ctx, ObjectNode in) {
        refuseWorkflows(in);
        ImageBuilds.Inputs inputs = builds.inputs(ctx, in);
        ObjectNode settings = Json.object();
        Json.copy(in, settings, SETTINGS);
        StoredResource image = builds.start(ctx, inputs, settings, in.get("tags"), null, ImageBuilds.USER_INITIATED);
        ObjectNode out = Json.object();
        out.put("imageBuildVersionArn", image.arn());
        out.set("latestVersionReferences", Versions.latestReferences(Arn.parse(image.arn()).orElseThrow().versionArn()));
        return out;
    }

    /** Kiln runs no Image Builder workflows yet; refusing them beats ignoring them. */
    public static void refuseWorkflows(JsonNode in) {
        if (in.path("workflows").size() > 0) {
            throw new ApiException(ErrorType.InvalidRequestException,
                    "workflows: Kiln does not run Image Builder workflows yet; leave workflows out");
        }
    }

    ObjectNode get(CallContext ctx, ObjectNode in) {
        StoredResource image = resolve(ctx, in.path("imageBuildVersionArn").asText(), "imageBuildVersionArn");
        ObjectNode out = Json.object();
        out.set("image", image.body().deepCopy());
        out.set("latestVersionReferences", Versions.latestReferences(Arn.parse(image.arn()).orElseThrow().versionArn()));
        return out;
    }

    /** An image by build ARN, or by version ARN (with {@code x} wildcards) meaning its newest build. */
    public StoredResource resolve(CallContext ctx, String arnText, String member) {
        Arn arn = Versions.parseArn(arnText, TYPE, member);
        if (arn.version() == null) {
            throw ApiException.invalid(member + " '" + arnText + "' must name an image version or build version,"
                    + " e.g. .../image/my-image/1.0.0/1");
        }
        return Versions.matching(store, ctx, arn).stream().findFirst()
                .orElseThrow(() -> ApiException.notFound("The image " + arnText + " does not exist"));
    }

    ObjectNode list(CallContext ctx, ObjectNode in) {
        List<StoredResource> all = Versions.owned(store, ctx, TYPE, in.path("owner").asText("Self"));
        boolean includeDeprecated = in.path("includeDeprecated").asBoolean(false);
        List<StoredResource> matching = all.stream()
                .filter(r -> includeDeprecated || !deprecated(r))
                .filter(Filters.from(in, filters()))
                .sorted(Versions.NEWEST_FIRST)
                .toList();
        // One entry per version (its newest build), or per name with byName.
        boolean byName = in.path("byName").asBoolean(false);
        Map<String, StoredResource> newest = new LinkedHashMap<>();
        for (StoredResource r : matching) {
            newest.putIfAbsent(r.accountId() + "/" + r.name() + (byName ? "" : "/" + r.version()), r);
        }
        List<StoredResource> versions = new ArrayList<>(newest.values());
        versions.sort(Comparator.comparing(StoredResource::name).thenComparing(Versions.NEWEST_FIRST));
        ObjectNode out = Json.object();
        Page.of(versions, in, "ListImages").writeTo(out, "imageVersionList", ImageOperations::imageVersion);
        return out;
    }

    /** ListImages and ListImageBuildVersions filter on the same fields. */
    static Map<String, Function<StoredResource, String>> filters() {
        return Map.of(
                "name", StoredResource::name,
                "osVersion", r -> ImageRecord.of(r).osVersion(),
                "platform", r -> ImageRecord.of(r).platform(),
                "type", r -> ImageRecord.of(r).type(),
                "version", StoredResource::version);
    }

    private boolean deprecated(StoredResource r) {
        return ImageRecord.of(r).deprecatedAt(clock.instant());
    }

    private static JsonNode imageVersion(StoredResource r) {
        ObjectNode v = Json.object();
        v.put("arn", Arn.parse(r.arn()).orElseThrow().versionArn().toString());
        Json.copy(r.body(), v, "name", "type");
        v.put("version", r.version());
        Json.copy(r.body(), v, "platform", "osVersion");
        v.put("owner", ImageBuilds.owner(r));
        Json.copy(r.body(), v, "dateCreated", "buildType", "imageSource");
        return v;
    }

    ObjectNode listBuildVersions(CallContext ctx, ObjectNode in) {
        List<StoredResource> builds;
        if (in.hasNonNull("imageVersionArn")) {
            String text = in.get("imageVersionArn").asText();
            Arn arn = Versions.parseArn(text, TYPE, "imageVersionArn");
            if (arn.build() != null || arn.version() == null || arn.hasWildcard()) {
                throw new ApiException(ErrorType.InvalidRequestException, "imageVersionArn must be an image version"
                        + " ARN such as arn:aws:imagebuilder:us-east-1:123456789012:image/name/1.0.0");
            }
            builds = Versions.matching(store, ctx, arn);
        } else {
            builds = store.list(ResourceQuery.all(ctx.region(), ctx.accountId(), TYPE)).stream()
                    .sorted(Comparator.comparing(StoredResource::name).thenComparing(Versions.NEWEST_FIRST))
                    .toList();
        }
        List<StoredResource> matching = builds.stream().filter(Filters.from(in, filters())).toList();
        ObjectNode out = Json.object();
        Page.of(matching, in, "ListImageBuildVersions").writeTo(out, "imageSummaryList", ImageBuilds::summary);
        return out;
    }

    ObjectNode delete(CallContext ctx, ObjectNode in) {
        StoredResource image = ownBuild(ctx, in.path("imageBuildVersionArn").asText());
        if (ImageRecord.of(image).status().inProgress()) {
            throw new ApiException(ErrorType.ResourceDependencyException, "The image " + image.arn() + " is still "
                    + ImageRecord.of(image).status() + "; cancel it with CancelImageCreation before deleting it");
        }
        store.delete(image.arn());
        builds.deleted(image);
        ObjectNode out = Json.object();
        out.put("imageBuildVersionArn", image.arn());
        return out;
    }

    /**
     * RetryImage: a FAILED or CANCELLED image build version is built again under the same ARN. When
     * its distribution failed (it was tested and has copies on record), only the distribution runs
     * again, without rebuilding, and the copies made before are kept.
     */
    ObjectNode retry(CallContext ctx, ObjectNode in) {
        StoredResource image = ownBuild(ctx, in.path("imageBuildVersionArn").asText());
        // Checked and changed as one step: two RetryImage calls at once start one build, not two.
        StoredResource retried = store.modify(image.arn(), body -> {
            ImageRecord record = ImageRecord.of(body);
            ImageStatus status = record.status();
            if (!status.retryable()) {
                throw new ApiException(ErrorType.ResourceInUseException, "The image " + image.arn() + " is " + status
                        + ": only a FAILED or CANCELLED image can be retried");
            }
            boolean tested = record.amis().size() > 0;
            record.setState(ImageStatus.PENDING);
            if (!tested) {
                // Built again from the start: nothing of the last attempt is kept (BuildIntent.of says BUILD).
                record.clearOutputs();
            }
            return body;
        }).orElseThrow(() -> ApiException.notFound("The image " + image.arn() + " does not exist"));
        builds.retried(retried);
        ObjectNode out = Json.object();
        out.put("clientToken", in.path("clientToken").asText());
        out.put("imageBuildVersionArn", image.arn());
        return out;
    }

    /**
     * DistributeImage: an AVAILABLE machine image (an image build version ARN, x wildcards allowed, or
     * the {@code ami-} id one of the caller's builds made in this region) distributed again as another
     * distribution configuration says, without building: a new build of the image's version records it.
     */
    ObjectNode distribute(CallContext ctx, ObjectNode in) {
        String source = in.path("sourceImage").asText();
        StoredResource image = source.startsWith("ami-") ? builtAmi(ctx, source) : available(ctx, source);
        ImageRecord record = ImageRecord.of(image);
        if (!record.machineImage()) {
            throw ApiException.invalid("sourceImage " + source + " is a container image; Kiln distributes machine"
                    + " images (AMIs) with DistributeImage");
        }
        ImageRecord.Ami built = record.ami(ctx.region(), ctx.accountId()).orElseThrow(() ->
                ApiException.invalid("the image " + image.arn() + " has no AMI of this account in " + ctx.region()));
        ObjectNode request = Json.object();
        request.put("imageRecipeArn", record.recipe().map(ImageRecord.Recipe::arn).orElse(""));
        request.put("infrastructureConfigurationArn", record.infrastructure().arn());
        request.put("distributionConfigurationArn", in.path("distributionConfigurationArn").asText());
        StoredResource started = builds.startDistribution(ctx, builds.inputs(ctx, request), in.get("tags"),
                built.node());
        ObjectNode out = Json.object();
        out.put("clientToken", in.path("clientToken").asText());
        out.put("imageBuildVersionArn", started.arn());
        return out;
    }

    /** The caller's AVAILABLE image build an image ARN selects, or ResourceNotFound/InvalidRequest. */
    private StoredResource available(CallContext ctx, String text) {
        Arn arn = Versions.parseArn(text, TYPE, "sourceImage");
        StoredResource image = Versions.matching(store, ctx, arn).stream()
                .filter(b -> ImageRecord.of(b).status() == ImageStatus.AVAILABLE)
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("The image " + text + " has no AVAILABLE build in "
                        + ctx.region()));
        if (!image.accountId().equals(ctx.accountId())) {
            throw ApiException.notFound("The image " + text + " has no AVAILABLE build in " + ctx.region());
        }
        return image;
    }

    /** The caller's AVAILABLE image build that made an AMI in this region. */
    private StoredResource builtAmi(CallContext ctx, String amiId) {
        return store.list(ResourceQuery.all(ctx.region(), ctx.accountId(), TYPE)).stream()
                .filter(b -> ImageRecord.of(b).status() == ImageStatus.AVAILABLE)
                .filter(b -> ImageRecord.of(b).made(amiId))
                .findFirst()
                .orElseThrow(() -> ApiException.invalid("sourceImage " + amiId + " was not made by an image build of"
                        + " this account in " + ctx.region() + "; give the image build version ARN of an AVAILABLE"
                        + " image"));
    }

    ObjectNode cancel(CallContext ctx, ObjectNode in) {
        StoredResource image = ownBuild(ctx, in.path("imageBuildVersionArn").asText());
        // Checked and changed as one step with the build's own state writes: neither overwrites the other.
        StoredResource cancelled = store.modify(image.arn(), body -> {
            ImageRecord record = ImageRecord.of(body);
            if (!record.status().inProgress()) {
                throw new ApiException(ErrorType.ResourceInUseException, "The image " + image.arn() + " is "
                        + record.status() + ": only an image still being created can be cancelled");
            }
            record.setState(ImageStatus.CANCELLED, "Image creation cancelled by request.");
            return body;
        }).orElseThrow(() -> ApiException.notFound("The image " + image.arn() + " does not exist"));
        builds.cancelled(cancelled);
        ObjectNode out = Json.object();
        out.put("imageBuildVersionArn", image.arn());
        return out;
    }

    /** The caller's own image build version; Kiln-managed and other accounts' images are not found. */
    private StoredResource ownBuild(CallContext ctx, String arnText) {
        Arn arn = Versions.parseArn(arnText, TYPE, "imageBuildVersionArn");
        if (arn.build() == null) {
            throw new ApiException(ErrorType.InvalidRequestException,
                    "imageBuildVersionArn must name a build version, e.g. .../image/name/1.0.0/1");
        }
        return Versions.matching(store, ctx, arn).stream()
                .filter(r -> r.accountId().equals(ctx.accountId()))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("The image " + arnText + " does not exist"));
    }
}
