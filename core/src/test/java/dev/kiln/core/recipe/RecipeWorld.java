package dev.kiln.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.component.ComponentOperations;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.References;
import dev.kiln.core.store.StoredResource;
import dev.kiln.core.testing.InMemoryStore;
import dev.kiln.core.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A service with components, image recipes and container recipes registered over an in-memory store,
 * callers in two accounts and two regions, and ways to put in place what other operations would have
 * made (Kiln-managed base images, images, pipelines).
 */
final class RecipeWorld {
    static final String BUILD_DOC = """
            schemaVersion: 1.0
            parameters:
              - Greeting: {type: string, default: hello, description: what to say}
              - Count: {type: integer, default: '1'}
              - Names: {type: stringList, default: a}
              - Verbose: {type: boolean, default: 'false'}
            phases:
              - name: build
                steps:
                  - {name: Say, action: ExecuteBash, inputs: {commands: ['echo {{ Greeting }} {{ Count }} {{ Verbose }}']}}
            """;
    static final String NEEDS_TOKEN_DOC = """
            schemaVersion: 1.0
            parameters:
              - Token: {type: string, description: no default}
            phases:
              - name: build
                steps:
                  - {name: Use, action: ExecuteBash, inputs: {commands: ['echo {{ Token }}']}}
            """;
    static final String TEST_DOC = """
            schemaVersion: 1.0
            phases:
              - name: test
                steps:
                  - {name: Check, action: ExecuteBash, inputs: {commands: ['true']}}
            """;
    static final String WINDOWS_DOC = """
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - {name: Say, action: ExecutePowerShell, inputs: {commands: ['Write-Host hi']}}
            """;
    static final String TEMPLATE = "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:environments }}}\n"
            + "{{{ imagebuilder:components }}}\n";
    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    final InMemoryStore store = new InMemoryStore();
    final ImageBuilderService service = new ImageBuilderService(store);
    final TestClient api = new TestClient(service);
    final CallContext me = TestClient.ME;
    final CallContext other = TestClient.OTHER;
    final CallContext west = TestClient.WEST;

    RecipeWorld() {
        References references = new References(store);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        new ComponentOperations(store, references, clock).registerWith(service);
        new ImageRecipeOperations(store, references, clock).registerWith(service);
        new ContainerRecipeOperations(store, references, clock).registerWith(service);
    }

    ObjectNode call(CallContext ctx, String operation, ObjectNode in) {
        return api.call(ctx, operation, in);
    }

    /** Creates a Linux component and answers its build ARN. */
    String component(CallContext ctx, String name, String version, String document) {
        return component(ctx, name, version, document, "Linux");
    }

    String component(CallContext ctx, String name, String version, String document, String platform) {
        return api.createComponent(ctx, name, version, document, platform);
    }

    /** Puts an image build in place, as the image operations or the base-image seeding would. */
    String image(String owner, String region, String name, String version, int build, String type, String platform,
                 String status) {
        Arn arn = Arn.of(region, owner, "image", name).withVersion(version).withBuild(build);
        ObjectNode body = Json.object().put("arn", arn.toString()).put("name", name).put("version", version)
                .put("platform", platform);
        if (type != null) {
            body.put("type", type);
        }
        body.putObject("state").put("status", status);
        store.insert(new StoredResource(arn.toString(), owner, region, "image", name, version, build, NOW, body));
        return arn.toString();
    }

    /** Kiln-managed Debian base images in us-east-1 and us-west-2, as their seeding stores them. */
    void baseImages() {
        for (String region : List.of("us-east-1", "us-west-2")) {
            image("aws", region, "debian-12-x86", "2026.1.0", 1, "AMI", "Linux", "AVAILABLE");
            image("aws", region, "debian-12-x86", "2026.2.0", 1, "AMI", "Linux", "AVAILABLE");
            image("aws", region, "windows-server-2022", "2026.1.0", 1, "AMI", "Windows", "AVAILABLE");
            image("aws", region, "debian-12-container", "2026.1.0", 1, "DOCKER", "Linux", "AVAILABLE");
        }
    }

    String debian(CallContext ctx) {
        return "arn:aws:imagebuilder:" + ctx.region() + ":aws:image/debian-12-x86/x.x.x";
    }

    /** Puts a pipeline in place that uses a recipe, as the pipeline operations would. */
    void pipeline(CallContext ctx, String name, String member, String recipeArn) {
        Arn arn = Arn.of(ctx.region(), ctx.accountId(), "image-pipeline", name);
        ObjectNode body = Json.object().put("arn", arn.toString()).put("name", name).put(member, recipeArn);
        store.insert(new StoredResource(arn.toString(), ctx.accountId(), ctx.region(), "image-pipeline", name, null,
                null, NOW, body));
    }

    ObjectNode imageRecipeInput(String name, String version, String parentImage, String... componentArns) {
        ObjectNode in = Json.object().put("name", name).put("semanticVersion", version).put("parentImage", parentImage)
                .put("clientToken", TestClient.clientToken());
        var list = in.putArray("components");
        for (String c : componentArns) {
            list.addObject().put("componentArn", c);
        }
        return in;
    }

    ObjectNode containerRecipeInput(String name, String version, String parentImage, String... componentArns) {
        ObjectNode in = imageRecipeInput(name, version, parentImage, componentArns);
        in.put("containerType", "DOCKER").put("dockerfileTemplateData", TEMPLATE);
        in.putObject("targetRepository").put("service", "ECR").put("repositoryName", "team/app");
        return in;
    }

    // ---- the model, to check answers against its shapes ----

    private static final JsonNode MODEL = loadModel();

    private static JsonNode loadModel() {
        try (InputStream in = RecipeWorld.class.getResourceAsStream("/dev/kiln/core/api/imagebuilder-2019-12-02.json")) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every problem with a value against a shape of the model: unknown members, wrong JSON types. */
    static List<String> shapeProblems(JsonNode value, String shapeName) {
        List<String> problems = new ArrayList<>();
        check(value, shapeName, "$", problems);
        return problems;
    }

    private static void check(JsonNode value, String shapeName, String path, List<String> problems) {
        JsonNode shape = MODEL.path("shapes").path(shapeName);
        switch (shape.path("type").asText()) {
            case "structure" -> {
                if (!value.isObject()) {
                    problems.add(path + " is not an object");
                    return;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    JsonNode member = shape.path("members").path(f.getKey());
                    if (member.isMissingNode()) {
                        problems.add(path + "." + f.getKey() + " is not a member of " + shapeName);
                    } else {
                        check(f.getValue(), member.path("shape").asText(), path + "." + f.getKey(), problems);
                    }
                }
                for (JsonNode required : shape.path("required")) {
                    if (!value.has(required.asText())) {
                        problems.add(path + "." + required.asText() + " is required by " + shapeName);
                    }
                }
            }
            case "list" -> {
                if (!value.isArray()) {
                    problems.add(path + " is not a list");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(value.get(i), shape.path("member").path("shape").asText(), path + "[" + i + "]", problems);
                }
            }
            case "map" -> {
                if (!value.isObject()) {
                    problems.add(path + " is not a map");
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(path + " is not a string");
                } else if (shape.has("enum")) {
                    boolean known = false;
                    for (JsonNode e : shape.path("enum")) {
                        known |= e.asText().equals(value.asText());
                    }
                    if (!known) {
                        problems.add(path + " '" + value.asText() + "' is not one of " + shape.path("enum"));
                    }
                } else if (shape.has("pattern") && !java.util.regex.Pattern.compile(shape.path("pattern").asText())
                        .matcher(value.asText()).find()) {
                    problems.add(path + " '" + value.asText() + "' does not match " + shape.path("pattern").asText());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(path + " is not a boolean");
                }
            }
            case "integer", "long" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(path + " is not an integer");
                }
            }
            default -> {
            }
        }
    }
}
