package dev.kiln.core.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.resource.Json;
import dev.kiln.core.store.StoredResource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A typed view of an image build version as stored: its body is the model's Image shape (what
 * GetImage answers), and this names what Kiln reads and writes in it, so that no one spells
 * {@code state.status} or {@code outputResources.amis} again. The stored JSON is unchanged.
 *
 * <p>A view, not a copy: reads see the body as it is now, and the updates ({@link #setState},
 * {@link #setOutput}, {@link #clearOutputs}) change it in place, which is what a change given to
 * {@link dev.kiln.core.store.ResourceStore#modify} does with the stored body it is handed.
 */
public final class ImageRecord {
    /**
     * The one Kiln-only member of an image: what its build resolved its recipe's components and parent
     * image to ({@link dev.kiln.core.pipeline.Dependencies}). The model has no such member, so the
     * HTTP edge's shaping never shows it.
     */
    public static final String RESOLVED_DEPENDENCIES = "kilnResolved";

    private final ObjectNode body;

    private ImageRecord(ObjectNode body) {
        this.body = body;
    }

    public static ImageRecord of(StoredResource image) {
        return new ImageRecord(image.body());
    }

    public static ImageRecord of(ObjectNode body) {
        return new ImageRecord(body);
    }

    /** The body this view reads and changes. */
    public ObjectNode body() {
        return body;
    }

    /** The kinds of output an image makes, each a member of {@code outputResources}. */
    public enum Output {
        AMIS("amis"), CONTAINERS("containers");

        private final String member;

        Output(String member) {
            this.member = member;
        }

        public String member() {
            return member;
        }
    }

    public String arn() {
        return Json.text(body, "arn");
    }

    public String name() {
        return Json.text(body, "name");
    }

    /** As AWS answers it, with the build: {@code 1.0.0/3}. */
    public String version() {
        return Json.text(body, "version");
    }

    /** The model's ImageType: {@code AMI} or {@code DOCKER}. */
    public String type() {
        return Json.text(body, "type");
    }

    public boolean machineImage() {
        return "AMI".equals(type());
    }

    public String osVersion() {
        return Json.text(body, "osVersion");
    }

    public String platform() {
        return Json.text(body, "platform");
    }

    public ImageStatus status() {
        return ImageStatus.of(body);
    }

    /** Its state: status and reason (a change of either is a state change notifications announce). */
    public State state() {
        return new State(status(), reason().orElse(null));
    }

    /** An image's {@code state} (the model's ImageState). @param reason or null */
    public record State(ImageStatus status, String reason) {
    }

    /** Why the image is in its state (a failure's message), if the state says. */
    public Optional<String> reason() {
        return Optional.ofNullable(Json.text(body.path("state"), "reason"));
    }

    /** USER_INITIATED, SCHEDULED or IMPORT. */
    public String buildType() {
        return Json.text(body, "buildType");
    }

    /** The AWS DateTime string it was started at. */
    public String dateCreated() {
        return Json.text(body, "dateCreated");
    }

    /** The pipeline that started it, if one did. */
    public Optional<String> sourcePipelineArn() {
        return Optional.ofNullable(Json.text(body, "sourcePipelineArn"));
    }

    /** Built from a container recipe (it has no image recipe). */
    public boolean container() {
        return !body.has("imageRecipe");
    }

    /** The copy of the recipe it is built from: its image recipe, or its container recipe. */
    public Optional<Recipe> recipe() {
        JsonNode recipe = body.get(container() ? "containerRecipe" : "imageRecipe");
        return Optional.ofNullable(recipe).map(Recipe::new);
    }

    /** The copy of its infrastructure configuration (empty when it has none). */
    public Infrastructure infrastructure() {
        return new Infrastructure(body.path("infrastructureConfiguration"));
    }

    /** The copy of its distribution configuration, if it has one. */
    public Optional<JsonNode> distributionConfiguration() {
        JsonNode d = body.get("distributionConfiguration");
        return d == null || d.isNull() ? Optional.empty() : Optional.of(d);
    }

    /** imageTestsConfiguration.imageTestsEnabled; true when not given, as in AWS. */
    public boolean testsEnabled() {
        return body.path("imageTestsConfiguration").path("imageTestsEnabled").asBoolean(true);
    }

    /** imageTestsConfiguration.timeoutMinutes; 720 when not given, as in AWS. */
    public Duration testTimeout() {
        return Duration.ofMinutes(body.path("imageTestsConfiguration").path("timeoutMinutes").asInt(720));
    }

    /** {@code outputResources.amis}: the machine images it made, each region's and account's (may be empty). */
    public JsonNode amis() {
        return body.path("outputResources").path("amis");
    }

    /** {@code outputResources.containers}: the container images it pushed, one entry per region. */
    public JsonNode containers() {
        return body.path("outputResources").path("containers");
    }

    /** Its copy in a region owned by an account, an {@code outputResources.amis} entry. */
    public Optional<Ami> ami(String region, String accountId) {
        Ami found = null;
        for (JsonNode copy : amis()) {
            Ami ami = new Ami(copy);
            if (region.equals(ami.region()) && accountId.equals(ami.accountId())) {
                found = ami;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Its first copy in a region, whoever owns it (the build account's, as distribution writes it first). */
    public Optional<Ami> amiIn(String region) {
        for (JsonNode copy : amis()) {
            if (region.equals(copy.path("region").asText())) {
                return Optional.of(new Ami(copy));
            }
        }
        return Optional.empty();
    }

    /** Whether one of its copies is the machine image {@code imageId}. */
    public boolean made(String imageId) {
        for (JsonNode copy : amis()) {
            if (imageId.equals(new Ami(copy).imageId())) {
                return true;
            }
        }
        return false;
    }

    /** The first image URI it pushed in a region, if any. */
    public Optional<String> containerImageUri(String region) {
        for (JsonNode c : containers()) {
            if (region.equals(c.path("region").asText()) && c.path("imageUris").size() > 0) {
                return Optional.of(c.path("imageUris").path(0).asText());
            }
        }
        return Optional.empty();
    }

    /** The first image URI it pushed (the build region's), or "" when it pushed none. */
    public String firstContainerImageUri() {
        return containers().path(0).path("imageUris").path(0).asText();
    }

    /**
     * Deprecated by then: DEPRECATED, or its {@code deprecationTime} (epoch seconds, the model's
     * DateTimeTimestamp) has come.
     */
    public boolean deprecatedAt(Instant now) {
        if (status() == ImageStatus.DEPRECATED) {
            return true;
        }
        JsonNode when = body.get("deprecationTime");
        return when != null && when.isNumber() && when.asDouble() * 1000 <= now.toEpochMilli();
    }

    /** What its build resolved its dependencies to, if a build got that far. */
    public Optional<JsonNode> resolvedDependencies() {
        return Optional.ofNullable(body.get(RESOLVED_DEPENDENCIES));
    }

    public ImageRecord setResolvedDependencies(JsonNode resolved) {
        body.set(RESOLVED_DEPENDENCIES, resolved);
        return this;
    }

    /** Its state: {@code status}, and {@code reason} when given (a reason before is dropped). */
    public ImageRecord setState(ImageStatus status, String reason) {
        ObjectNode state = body.putObject("state").put("status", status.name());
        if (reason != null) {
            state.put("reason", reason);
        }
        return this;
    }

    public ImageRecord setState(ImageStatus status) {
        return setState(status, null);
    }

    /** One kind of its output resources, the other kinds kept. */
    public ImageRecord setOutput(Output kind, JsonNode resources) {
        JsonNode outputs = body.path("outputResources");
        (outputs.isObject() ? (ObjectNode) outputs : body.putObject("outputResources")).set(kind.member(), resources);
        return this;
    }

    /** No output resources at all (an empty {@code outputResources}). */
    public ImageRecord clearOutputs() {
        body.putObject("outputResources");
        return this;
    }

    /** An {@code outputResources.amis} entry (the model's Ami). */
    public record Ami(JsonNode node) {
        public String region() {
            return node.path("region").asText();
        }

        public String imageId() {
            return node.path("image").asText();
        }

        public String accountId() {
            return node.path("accountId").asText();
        }
    }

    /** The image's copy of its image recipe or container recipe (the model's ImageRecipe, ContainerRecipe). */
    public record Recipe(JsonNode node) {
        public String arn() {
            return node.path("arn").asText();
        }

        /** "" when it has none. */
        public String name() {
            return node.path("name").asText();
        }

        /** "" when it has none. */
        public String version() {
            return node.path("version").asText();
        }

        public String description() {
            return Json.text(node, "description");
        }

        /** An image ARN, an {@code ami-} id or a container image reference; null when it has none. */
        public String parentImage() {
            return Json.text(node, "parentImage");
        }

        /** Its components in recipe order (the model's ComponentConfiguration list). */
        public List<Component> components() {
            List<Component> out = new ArrayList<>();
            for (JsonNode c : node.path("components")) {
                Map<String, List<String>> parameters = new LinkedHashMap<>();
                for (JsonNode p : c.path("parameters")) {
                    List<String> values = new ArrayList<>();
                    p.path("value").forEach(v -> values.add(v.asText()));
                    parameters.put(p.path("name").asText(), values);
                }
                out.add(new Component(c.path("componentArn").asText(), parameters));
            }
            return out;
        }

        /** additionalInstanceConfiguration.userDataOverride as given (base64 or plain), or a missing node. */
        public JsonNode userDataOverride() {
            return node.path("additionalInstanceConfiguration").path("userDataOverride");
        }

        public String workingDirectory() {
            return Json.text(node, "workingDirectory");
        }

        /** A container recipe's Dockerfile template, or null. */
        public String dockerfileTemplate() {
            return Json.text(node, "dockerfileTemplateData");
        }

        /** A container recipe's targetRepository.repositoryName, or "". */
        public String targetRepositoryName() {
            return node.path("targetRepository").path("repositoryName").asText("");
        }
    }

    /**
     * A recipe's component: its ARN as the recipe gives it (a version may have x wildcards) and its
     * parameters' values, in the recipe's order.
     */
    public record Component(String componentArn, Map<String, List<String>> parameters) {
    }

    /** The image's copy of its infrastructure configuration (the model's InfrastructureConfiguration). */
    public record Infrastructure(JsonNode node) {
        public String arn() {
            return node.path("arn").asText();
        }

        /** The first of its instanceTypes, or {@code fallback} when it names none. */
        public String instanceType(String fallback) {
            return node.path("instanceTypes").path(0).asText(fallback);
        }

        /** true when not given, as in AWS. */
        public boolean terminateInstanceOnFailure() {
            return node.path("terminateInstanceOnFailure").asBoolean(true);
        }

        /** The topic its state changes are announced on, if any. */
        public Optional<String> snsTopicArn() {
            String topic = node.path("snsTopicArn").asText("");
            return topic.isEmpty() ? Optional.empty() : Optional.of(topic);
        }

        /** logging.s3Logs.s3BucketName, or "" when it has none. */
        public String logsBucket() {
            return node.path("logging").path("s3Logs").path("s3BucketName").asText("");
        }

        /** logging.s3Logs.s3KeyPrefix, or "". */
        public String logsKeyPrefix() {
            return node.path("logging").path("s3Logs").path("s3KeyPrefix").asText("");
        }
    }
}
