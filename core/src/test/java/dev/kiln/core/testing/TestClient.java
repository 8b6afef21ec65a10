package dev.kiln.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.resource.Json;
import java.util.UUID;

/**
 * The tests' client of the operations registered with an {@link ImageBuilderService}: calls an
 * operation by name with an input and answers the output, as the caller of a context (an account in
 * a region), with typed helpers for the common creates (each with a fresh clientToken) and gets.
 */
public final class TestClient {
    /** The caller most tests act as: an account in us-east-1. */
    public static final CallContext ME = new CallContext("111111111111", "us-east-1", "req-1");
    /** Another account in the same region. */
    public static final CallContext OTHER = new CallContext("222222222222", "us-east-1", "req-2");
    /** The same account as {@link #ME} in another region. */
    public static final CallContext WEST = new CallContext("111111111111", "us-west-2", "req-3");

    private final ImageBuilderService service;

    public TestClient(ImageBuilderService service) {
        this.service = service;
    }

    public ImageBuilderService service() {
        return service;
    }

    /** Calls an operation with this input and answers its output. */
    public ObjectNode call(CallContext ctx, String operation, ObjectNode in) {
        return service.call(ctx, operation, in);
    }

    /** Calls an operation with this input, given a fresh clientToken first. */
    public ObjectNode callWithToken(CallContext ctx, String operation, ObjectNode in) {
        in.put("clientToken", clientToken());
        return service.call(ctx, operation, in);
    }

    /** Calls an operation with one member, an ARN, and answers the member {@code out} of the output. */
    public JsonNode get(CallContext ctx, String operation, String member, String arn, String out) {
        return service.call(ctx, operation, Json.object().put(member, arn)).path(out);
    }

    // ---- the common creates: each answers the new resource's ARN ----

    /** Creates a Linux component from a document and answers its build ARN. */
    public String createComponent(CallContext ctx, String name, String version, String document) {
        return createComponent(ctx, name, version, document, "Linux");
    }

    public String createComponent(CallContext ctx, String name, String version, String document, String platform) {
        ObjectNode in = Json.object().put("name", name).put("semanticVersion", version).put("platform", platform)
                .put("data", document);
        return callWithToken(ctx, "CreateComponent", in).path("componentBuildVersionArn").asText();
    }

    public String createImageRecipe(CallContext ctx, ObjectNode in) {
        return call(ctx, "CreateImageRecipe", in).path("imageRecipeArn").asText();
    }

    public String createContainerRecipe(CallContext ctx, ObjectNode in) {
        return call(ctx, "CreateContainerRecipe", in).path("containerRecipeArn").asText();
    }

    /** Creates an infrastructure configuration with a name and an instance profile, nothing else. */
    public String createInfrastructure(CallContext ctx, String name, String instanceProfile) {
        ObjectNode in = Json.object().put("name", name).put("instanceProfileName", instanceProfile);
        return callWithToken(ctx, "CreateInfrastructureConfiguration", in).path("infrastructureConfigurationArn")
                .asText();
    }

    /** Creates a distribution configuration that makes an AMI named {@code ami} in each region. */
    public String createDistribution(CallContext ctx, String name, String... regions) {
        ObjectNode in = Json.object().put("name", name);
        var list = in.putArray("distributions");
        for (String region : regions) {
            list.addObject().put("region", region).putObject("amiDistributionConfiguration").put("name", "ami");
        }
        return callWithToken(ctx, "CreateDistributionConfiguration", in).path("distributionConfigurationArn").asText();
    }

    public String createImage(CallContext ctx, ObjectNode in) {
        return call(ctx, "CreateImage", in).path("imageBuildVersionArn").asText();
    }

    public String createImagePipeline(CallContext ctx, ObjectNode in) {
        return call(ctx, "CreateImagePipeline", in).path("imagePipelineArn").asText();
    }

    // ---- the common gets: each answers the resource ----

    public JsonNode getImage(CallContext ctx, String arn) {
        return get(ctx, "GetImage", "imageBuildVersionArn", arn, "image");
    }

    public JsonNode getImagePipeline(CallContext ctx, String arn) {
        return get(ctx, "GetImagePipeline", "imagePipelineArn", arn, "imagePipeline");
    }

    public JsonNode getInfrastructure(CallContext ctx, String arn) {
        return get(ctx, "GetInfrastructureConfiguration", "infrastructureConfigurationArn", arn,
                "infrastructureConfiguration");
    }

    public JsonNode getDistribution(CallContext ctx, String arn) {
        return get(ctx, "GetDistributionConfiguration", "distributionConfigurationArn", arn,
                "distributionConfiguration");
    }

    /** A fresh clientToken. */
    public static String clientToken() {
        return UUID.randomUUID().toString();
    }

    /** A JSON object from its text. */
    public static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
