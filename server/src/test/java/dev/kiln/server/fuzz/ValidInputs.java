package dev.kiln.server.fuzz;

import static dev.kiln.server.fuzz.JsonBits.NODES;
import static dev.kiln.server.fuzz.JsonBits.bytes;
import static dev.kiln.server.fuzz.JsonBits.obj;
import static dev.kiln.server.fuzz.ModelShapes.SHAPES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.Operation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The generator: a valid request of each operation of the model, built from the operation's input
 * shape (required members only, or all of them) with values that match each member's type, enum,
 * length and pattern, and that refer to resources made through the API beforehand ({@link Fixtures}),
 * so that Kiln serves it. The creates have hand-written bodies, valid for the operations too.
 * Names and clientTokens come from a seeded random, so that a run can be repeated exactly.
 */
public final class ValidInputs {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PARENT_IMAGE = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x";
    static final String CONTAINER_PARENT_IMAGE = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-container/x.x.x";

    /** The resources every base request refers to, made through the API. */
    public record Fixtures(String account, String componentBuild, String componentVersion, String imageRecipe,
                           String containerRecipe, String infrastructure, String distribution, String pipeline,
                           String imageBuild, String imageVersion) {
        List<String> arns() {
            return List.of(componentBuild, componentVersion, imageRecipe, containerRecipe, infrastructure, distribution,
                    pipeline, imageBuild, imageVersion, PARENT_IMAGE);
        }
    }

    /**
     * A request of an operation, valid where Kiln serves the operation.
     *
     * @param body the body members
     * @param label the URI label, or null
     * @param skeleton the body with every member of the input (to three levels), for the mutators to reach
     */
    public record Base(ObjectNode body, Map<String, List<String>> query, String label, ObjectNode skeleton) {
    }

    private final RawClient client;
    private final String region;
    private Random ids;
    private Fixtures fx;

    private ValidInputs(RawClient client, String region, long seed) {
        this.client = client;
        this.region = region;
        this.ids = new Random(seed);
    }

    /** Makes the fixtures through the API, and a generator whose inputs refer to them. */
    public static ValidInputs withFixtures(RawClient client, String region, long seed) throws Exception {
        ValidInputs inputs = new ValidInputs(client, region, seed);
        inputs.fx = inputs.makeFixtures();
        return inputs;
    }

    public Fixtures fixtures() {
        return fx;
    }

    /** Starts the names and clientTokens over from a seed. */
    public void reseed(long seed) {
        ids = new Random(seed);
    }

    /** A fresh name part or clientToken: a UUID from the seeded random. */
    public String id() {
        return new UUID(ids.nextLong(), ids.nextLong()).toString();
    }

    private Fixtures makeFixtures() throws Exception {
        String document = "name: fuzz\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Say\n"
                + "        action: ExecuteBash\n        inputs:\n          commands:\n            - echo hello\n";
        ObjectNode c = obj().put("name", "fuzz-component").put("semanticVersion", "1.0.0").put("platform", "Linux")
                .put("data", document).put("clientToken", id());
        String componentBuild = ok("CreateComponent", c).path("componentBuildVersionArn").asText();
        String account = componentBuild.split(":")[4];
        String componentVersion = componentBuild.substring(0, componentBuild.lastIndexOf('/'));
        ObjectNode r = obj().put("name", "fuzz-recipe").put("semanticVersion", "1.0.0")
                .put("parentImage", PARENT_IMAGE)
                .put("clientToken", id());
        r.putArray("components").addObject().put("componentArn", componentBuild);
        String imageRecipe = ok("CreateImageRecipe", r).path("imageRecipeArn").asText();
        ObjectNode cr = obj().put("name", "fuzz-container").put("semanticVersion", "1.0.0")
                .put("containerType", "DOCKER")
                .put("parentImage", CONTAINER_PARENT_IMAGE)
                .put("dockerfileTemplateData", "FROM {{{ imagebuilder:parentImage }}}\n"
                        + "{{{ imagebuilder:environments }}}\n{{{ imagebuilder:components }}}\n")
                .put("clientToken", id());
        cr.putArray("components").addObject().put("componentArn", componentBuild);
        cr.putObject("targetRepository").put("service", "ECR").put("repositoryName", "fuzz");
        String containerRecipe = ok("CreateContainerRecipe", cr).path("containerRecipeArn").asText();
        String infrastructure = ok("CreateInfrastructureConfiguration", obj().put("name", "fuzz-infra")
                .put("instanceProfileName", "kiln").put("clientToken", id()))
                .path("infrastructureConfigurationArn").asText();
        ObjectNode d = obj().put("name", "fuzz-distribution").put("clientToken", id());
        d.putArray("distributions").addObject().put("region", region).putObject("amiDistributionConfiguration")
                .put("name", "fuzz-{{ imagebuilder:buildDate }}");
        String distribution = ok("CreateDistributionConfiguration", d).path("distributionConfigurationArn").asText();
        ObjectNode p = obj().put("name", "fuzz-pipeline").put("imageRecipeArn", imageRecipe)
                .put("infrastructureConfigurationArn", infrastructure).put("clientToken", id());
        p.putObject("schedule").put("scheduleExpression", "cron(0 10 * * ? *)");
        String pipeline = ok("CreateImagePipeline", p).path("imagePipelineArn").asText();
        String imageBuild = ok("CreateImage", obj().put("imageRecipeArn", imageRecipe)
                .put("infrastructureConfigurationArn", infrastructure).put("clientToken", id()))
                .path("imageBuildVersionArn").asText();
        String imageVersion = imageBuild.substring(0, imageBuild.lastIndexOf('/'));
        return new Fixtures(account, componentBuild, componentVersion, imageRecipe, containerRecipe, infrastructure,
                distribution, pipeline, imageBuild, imageVersion);
    }

    private JsonNode ok(String operation, ObjectNode body) throws IOException {
        RawRequest req = RawRequest.of(ModelShapes.operation(operation), "fixture", "valid", Map.of(), null,
                bytes(body.toString()));
        RawAnswer a = client.send(req);
        if (a.status() != 200) {
            throw new AssertionError(operation + " fixture: expected 200, got " + a.text());
        }
        return JSON.readTree(a.body());
    }

    /** A request of an operation, valid where Kiln serves the operation: body members, query, label. */
    public Base base(Operation op) {
        JsonNode input = op.inputShape() == null ? null : SHAPES.path(op.inputShape());
        ObjectNode all = input == null ? obj() : (ObjectNode) valid(op.inputShape(), "", true, 0);
        ObjectNode required = input == null ? obj() : (ObjectNode) valid(op.inputShape(), "", false, 0);
        ObjectNode body = switch (op.name()) {
            case "CreateComponent" -> obj().put("name", "fuzz-c-" + id().substring(0, 8))
                    .put("semanticVersion", "2.0.0").put("platform", "Linux")
                    .put("description", "fuzzed").put("data", "name: x\nschemaVersion: 1.0\nphases:\n  - name: test\n"
                            + "    steps:\n      - name: T\n        action: ExecuteBash\n        inputs:\n"
                            + "          commands:\n            - 'true'\n")
                    .put("clientToken", id());
            case "CreateImageRecipe" -> {
                ObjectNode r = obj().put("name", "fuzz-r-" + id().substring(0, 8))
                        .put("semanticVersion", "1.x.x")
                        .put("parentImage", PARENT_IMAGE)
                        .put("clientToken", id());
                r.putArray("components").addObject().put("componentArn", fx.componentVersion());
                yield r;
            }
            case "CreateDistributionConfiguration", "UpdateDistributionConfiguration" -> {
                ObjectNode d = op.name().startsWith("Create")
                        ? obj().put("name", "fuzz-d-" + id().substring(0, 8))
                        : obj().put("distributionConfigurationArn", fx.distribution());
                d.put("clientToken", id());
                d.putArray("distributions").addObject().put("region", region)
                        .putObject("amiDistributionConfiguration").put("name", "fuzz-{{ imagebuilder:buildDate }}");
                yield d;
            }
            case "CreateImagePipeline", "UpdateImagePipeline" -> {
                ObjectNode p = op.name().startsWith("Create")
                        ? obj().put("name", "fuzz-p-" + id().substring(0, 8))
                        : obj().put("imagePipelineArn", fx.pipeline());
                p.put("imageRecipeArn", fx.imageRecipe()).put("infrastructureConfigurationArn", fx.infrastructure())
                        .put("clientToken", id());
                p.putObject("schedule").put("scheduleExpression", "rate(1 day)").put("timezone", "Europe/Paris");
                yield p;
            }
            case "CreateImage" -> obj().put("imageRecipeArn", fx.imageRecipe())
                    .put("infrastructureConfigurationArn", fx.infrastructure()).put("clientToken", id());
            case "CreateContainerRecipe" -> {
                ObjectNode cr = obj().put("name", "fuzz-cr-" + id().substring(0, 8))
                        .put("semanticVersion", "1.0.0").put("containerType", "DOCKER")
                        .put("parentImage", CONTAINER_PARENT_IMAGE)
                        .put("dockerfileTemplateData", "FROM {{{ imagebuilder:parentImage }}}\n"
                                + "{{{ imagebuilder:components }}}\n")
                        .put("clientToken", id());
                cr.putArray("components").addObject().put("componentArn", fx.componentBuild());
                cr.putObject("targetRepository").put("service", "ECR").put("repositoryName", "fuzz");
                yield cr;
            }
            default -> bodyMembers(op, required);
        };
        Map<String, List<String>> query = new LinkedHashMap<>();
        String label = null;
        if (input != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = input.path("members").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> m = it.next();
                String location = m.getValue().path("location").asText("");
                JsonNode value = required.get(m.getKey());
                if (location.equals("uri")) {
                    label = value == null ? "x" : value.asText();
                } else if (location.equals("querystring") && value != null) {
                    List<String> values = new ArrayList<>();
                    if (value.isArray()) {
                        value.forEach(v -> values.add(v.asText()));
                    } else {
                        values.add(value.asText());
                    }
                    query.put(m.getValue().path("locationName").asText(m.getKey()), values);
                }
            }
        }
        ObjectNode skeleton = bodyMembers(op, all);
        skeleton.setAll(body);
        return new Base(body, query, label, skeleton);
    }

    /** Only the members that travel in the body. */
    static ObjectNode bodyMembers(Operation op, ObjectNode input) {
        ObjectNode out = obj();
        if (op.inputShape() == null) {
            return out;
        }
        JsonNode members = SHAPES.path(op.inputShape()).path("members");
        input.fields().forEachRemaining(e -> {
            if (!members.path(e.getKey()).has("location")) {
                out.set(members.path(e.getKey()).path("locationName").asText(e.getKey()), e.getValue());
            }
        });
        return out;
    }

    /** A value of a shape, valid where the candidates allow: required members only, or all of them. */
    JsonNode valid(String shapeName, String member, boolean allMembers, int depth) {
        JsonNode shape = SHAPES.path(shapeName);
        switch (shape.path("type").asText()) {
            case "structure": {
                ObjectNode o = obj();
                Set<String> required = new TreeSet<>();
                shape.path("required").forEach(r -> required.add(r.asText()));
                for (Iterator<Map.Entry<String, JsonNode>> it = shape.path("members").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> m = it.next();
                    if (required.contains(m.getKey()) || allMembers && depth < 3) {
                        o.set(m.getKey(), valid(m.getValue().path("shape").asText(), m.getKey(), allMembers, depth + 1));
                    }
                }
                return o;
            }
            case "list": {
                ArrayNode a = NODES.arrayNode();
                a.add(valid(shape.path("member").path("shape").asText(), member, allMembers, depth + 1));
                return a;
            }
            case "map": {
                ObjectNode o = obj();
                o.set("fuzz-key", valid(shape.path("value").path("shape").asText(), member, allMembers, depth + 1));
                return o;
            }
            case "boolean":
                return NODES.booleanNode(false);
            case "integer":
            case "long":
                return NODES.numberNode(shape.has("min") ? Math.max(1, shape.path("min").asLong()) : 1);
            case "float":
            case "double":
                return NODES.numberNode(1.0);
            case "timestamp":
                return NODES.numberNode(1_767_225_600L);
            default:
                return NODES.textNode(validString(shape, member));
        }
    }

    /** The first candidate for a member (by its name, then every fixture, then common values) that its shape allows. */
    String validString(JsonNode shape, String member) {
        if (shape.has("enum")) {
            return shape.path("enum").get(0).asText();
        }
        List<String> candidates = new ArrayList<>();
        String m = member.toLowerCase(Locale.ROOT);
        if (m.equals("clienttoken")) {
            candidates.add(id());
        }
        if (m.contains("version") && !m.contains("arn")) {
            candidates.add("1.0.0");
        }
        if (m.equals("name")) {
            candidates.add("fuzz-" + id().substring(0, 8));
        }
        if (m.contains("component")) {
            candidates.add(fx.componentBuild());
        }
        if (m.contains("image") && m.contains("build")) {
            candidates.add(fx.imageBuild());
        }
        if (m.contains("pipeline")) {
            candidates.add(fx.pipeline());
        }
        candidates.addAll(fx.arns());
        candidates.addAll(List.of("us-east-1", "Linux", "m5.large", "kiln", "cron(0 10 * * ? *)", "Etc/UTC",
                "arn:aws:iam::123456789012:role/fuzz", "s3://bucket/key", "123456789012", "fuzz-value",
                "wf-12345678-1234-1234-1234-123456789012", "step-12345678-1234-1234-1234-123456789012",
                "lce-12345678-1234-1234-1234-123456789012", "1.0.0", "x.x.x", "a1", "fuzz"));
        Pattern pattern = null;
        if (shape.has("pattern")) {
            try {
                pattern = Pattern.compile(shape.path("pattern").asText());
            } catch (PatternSyntaxException e) {
                pattern = null;
            }
        }
        int min = shape.path("min").asInt(0);
        int max = shape.path("max").asInt(Integer.MAX_VALUE);
        for (String c : candidates) {
            if (c.length() >= min && c.length() <= max && (pattern == null || pattern.matcher(c).matches())) {
                return c;
            }
        }
        return "a".repeat(Math.max(1, min));
    }
}
