package dev.kiln.core.recipe;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerRecipeOperationsTest {
    /** The sample response of AWS's GetContainerRecipe API reference. */
    private static final String AWS_GET = """
            {"requestId": "15b03ca7-050f-46d4-945e-00232cff6b19",
             "containerRecipe": {
               "arn": "arn:aws:imagebuilder:us-west-2:111122223333:container-recipe/my-example-container-recipe/1.0.0",
               "containerType": "DOCKER", "name": "my-example-container-recipe",
               "description": "A container recipe that installs my application on Amazon Linux",
               "platform": "Linux", "owner": "111122223333", "version": "1.0.0",
               "components": [{"componentArn": "arn:aws:imagebuilder:us-west-2:111122223333:component/my-example-container-component/1.0.0/1"}],
               "dockerfileTemplateData": "FROM {{{ imagebuilder:parentImage }}}\\n{{{ imagebuilder:environments }}}\\n{{{ imagebuilder:components }}}\\n",
               "encrypted": true, "parentImage": "amazonlinux:latest", "dateCreated": "2026-09-09T19:32:53.983Z",
               "tags": {}, "targetRepository": {"service": "ECR", "repositoryName": "my-example-container-repo"}},
             "latestVersionReferences": {
               "latestVersionArn": "arn:aws:imagebuilder:us-west-2:111122223333:container-recipe/my-example-container-recipe/x.x.x",
               "latestMajorVersionArn": "arn:aws:imagebuilder:us-west-2:111122223333:container-recipe/my-example-container-recipe/1.x.x",
               "latestMinorVersionArn": "arn:aws:imagebuilder:us-west-2:111122223333:container-recipe/my-example-container-recipe/1.0.x",
               "latestPatchVersionArn": "arn:aws:imagebuilder:us-west-2:111122223333:container-recipe/my-example-container-recipe/1.0.0"}}
            """;

    private final RecipeWorld w = new RecipeWorld();
    private final CallContext me = w.me;
    private String hello;

    @BeforeEach
    void setUp() {
        w.baseImages();
        hello = w.component(me, "hello", "1.0.0", RecipeWorld.BUILD_DOC);
    }

    private ObjectNode create(CallContext ctx, ObjectNode in) {
        return w.call(ctx, "CreateContainerRecipe", in);
    }

    private String create(String name, String version, String parentImage) {
        return create(me, w.containerRecipeInput(name, version, parentImage, hello)).path("containerRecipeArn")
                .asText();
    }

    private ObjectNode get(CallContext ctx, String arn) {
        return w.call(ctx, "GetContainerRecipe", Json.object().put("containerRecipeArn", arn));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void getAnswersTheRecipeInTheShapeOfAwsSample() throws Exception {
        ObjectNode in = w.containerRecipeInput("my-example-container-recipe", "1.0.0", "amazonlinux:latest", hello)
                .put("description", "d").put("clientToken", "tok");
        ObjectNode created = create(me, in);
        String arn = created.path("containerRecipeArn").asText();
        assertThat(arn).isEqualTo(
                "arn:aws:imagebuilder:us-east-1:111111111111:container-recipe/my-example-container-recipe/1.0.0");
        assertThat(created.path("clientToken").asText()).isEqualTo("tok");
        assertThat(created.at("/latestVersionReferences/latestVersionArn").asText()).endsWith("/x.x.x");
        assertThat(RecipeWorld.shapeProblems(created, "CreateContainerRecipeResponse")).isEmpty();

        ObjectNode out = get(me, arn);
        JsonNode sample = Json.MAPPER.readTree(AWS_GET);
        assertThat(names(out)).containsExactlyInAnyOrderElementsOf(names(sample));
        JsonNode recipe = out.path("containerRecipe");
        assertThat(names(recipe)).containsAll(names(sample.path("containerRecipe")));
        assertThat(recipe.path("containerType").asText()).isEqualTo("DOCKER");
        assertThat(recipe.path("platform").asText()).isEqualTo("Linux");
        assertThat(recipe.path("owner").asText()).isEqualTo("111111111111");
        assertThat(recipe.path("encrypted").asBoolean()).isTrue();
        assertThat(recipe.path("parentImage").asText()).isEqualTo("amazonlinux:latest");
        assertThat(recipe.path("dockerfileTemplateData").asText()).isEqualTo(RecipeWorld.TEMPLATE);
        assertThat(recipe.path("workingDirectory").asText()).isEqualTo("/tmp");
        assertThat(recipe.at("/targetRepository/repositoryName").asText()).isEqualTo("team/app");
        assertThat(recipe.path("tags").isObject()).isTrue();
        assertThat(RecipeWorld.shapeProblems(out, "GetContainerRecipeResponse")).isEmpty();
    }

    @Test
    void theParentImageIsAContainerReferenceOrAContainerImageArn() {
        assertThat(create("hub", "1.0.0", "debian:12")).endsWith("/hub/1.0.0");
        assertThat(create("local", "1.0.0", "registry:5000/team/base:1.2")).endsWith("/local/1.0.0");
        assertThat(create("digest", "1.0.0", "ghcr.io/o/r@sha256:" + "a".repeat(64))).endsWith("/digest/1.0.0");
        String managed = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-container/x.x.x";
        String arn = create("managed", "1.0.0", managed);
        assertThat(get(me, arn).at("/containerRecipe/parentImage").asText()).isEqualTo(managed);

        assertError(() -> create("vm", "1.0.0", w.debian(me)), ErrorType.InvalidParameterValueException,
                "is a machine image");
        assertError(() -> create("unknown", "1.0.0", "arn:aws:imagebuilder:us-east-1:aws:image/nothing/x.x.x"),
                ErrorType.InvalidParameterValueException, "no such image");
        assertError(() -> create("ami", "1.0.0", "ami-0123456789abcdef0"), ErrorType.InvalidParameterValueException,
                "not an AMI id");
        assertError(() -> create("bad", "1.0.0", "Not A Reference!"), ErrorType.InvalidParameterValueException,
                "neither a container image reference");
        assertError(() -> create("west", "1.0.0",
                        "arn:aws:imagebuilder:us-west-2:aws:image/debian-12-container/x.x.x"),
                ErrorType.InvalidParameterValueException);
    }

    @Test
    void theTemplateIsGivenInlineInExactlyOneWay() {
        ObjectNode both = w.containerRecipeInput("t", "1.0.0", "debian:12", hello)
                .put("dockerfileTemplateUri", "s3://bucket/Dockerfile");
        assertError(() -> create(me, both), ErrorType.InvalidParameterCombinationException);
        ObjectNode uri = w.containerRecipeInput("t", "1.0.0", "debian:12", hello)
                .put("dockerfileTemplateUri", "s3://bucket/Dockerfile");
        uri.remove("dockerfileTemplateData");
        assertError(() -> create(me, uri), ErrorType.InvalidRequestException)
                .hasMessageContaining("dockerfileTemplateUri: s3://bucket/Dockerfile cannot be read: this Kiln server"
                        + " has no S3 endpoint");
        ObjectNode neither = w.containerRecipeInput("t", "1.0.0", "debian:12", hello);
        neither.remove("dockerfileTemplateData");
        assertError(() -> create(me, neither), ErrorType.InvalidRequestException);
        assertThat(w.call(me, "ListContainerRecipes", Json.object()).path("containerRecipeSummaryList")).isEmpty();
    }

    @Test
    void theTemplateMustBuildFromTheParentImageWithKnownVariables() {
        ObjectNode noParent = w.containerRecipeInput("t", "1.0.0", "debian:12", hello)
                .put("dockerfileTemplateData", "FROM debian:12\n{{{ imagebuilder:components }}}\n");
        assertError(() -> create(me, noParent), ErrorType.InvalidParameterValueException)
                .hasMessageContaining("dockerfileTemplateData")
                .hasMessageContaining("FROM {{{ imagebuilder:parentImage }}}");
        ObjectNode typo = w.containerRecipeInput("t", "1.0.0", "debian:12", hello)
                .put("dockerfileTemplateData", "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:component }}}\n");
        assertError(() -> create(me, typo), ErrorType.InvalidParameterValueException,
                "did you mean imagebuilder:components?");
        ObjectNode own = w.containerRecipeInput("t", "1.0.0", "debian:12", hello).put("dockerfileTemplateData",
                "FROM {{{imagebuilder:parentImage}}}\nUSER root\n{{{ imagebuilder:components }}}\nCMD [\"/bin/app\"]\n");
        assertThat(create(me, own).path("containerRecipeArn").asText()).endsWith("/t/1.0.0");
    }

    @Test
    void thePlatformIsTheOverrideThenTheParentImagesThenTheComponents() {
        String windows = w.component(me, "win", "1.0.0", RecipeWorld.WINDOWS_DOC, "Windows");
        ObjectNode overridden = w.containerRecipeInput("win", "1.0.0", "mcr.microsoft.com/windows/servercore:ltsc2022",
                windows).put("platformOverride", "Windows").put("imageOsVersionOverride", "Windows Server 2022");
        String arn = create(me, overridden).path("containerRecipeArn").asText();
        assertThat(get(me, arn).at("/containerRecipe/platform").asText()).isEqualTo("Windows");
        ObjectNode inferred = w.containerRecipeInput("win2", "1.0.0", "mcr.microsoft.com/windows/servercore:ltsc2022",
                windows);
        String inferredArn = create(me, inferred).path("containerRecipeArn").asText();
        assertThat(get(me, inferredArn).at("/containerRecipe/platform").asText()).isEqualTo("Windows");
        ObjectNode mismatch = w.containerRecipeInput("mixed", "1.0.0", "debian:12", hello)
                .put("platformOverride", "Windows");
        assertError(() -> create(me, mismatch), ErrorType.InvalidParameterValueException)
                .hasMessageContaining("components[0].componentArn")
                .hasMessageContaining("is for Linux, and this recipe builds a Windows image");
    }

    @Test
    void buildAndTestComponentsAreAllowed() {
        String check = w.component(me, "check", "1.0.0", RecipeWorld.TEST_DOC);
        String arn = create(me, w.containerRecipeInput("tested", "1.0.0", "debian:12", hello, check))
                .path("containerRecipeArn").asText();
        assertThat(get(me, arn).at("/containerRecipe/components").findValuesAsText("componentArn"))
                .containsExactly(hello, check);
        assertError(() -> create(me, w.containerRecipeInput("r", "1.0.0", "debian:12", hello,
                        "arn:aws:imagebuilder:us-east-1:111111111111:component/gone/1.0.0")),
                ErrorType.InvalidParameterValueException, "components[1].componentArn");
    }

    @Test
    void versionsWithXTakeTheNextFreeVersionAndPlainOnesAreNotReused() {
        assertThat(create("auto", "1.x.0", "debian:12")).endsWith("/auto/1.0.0");
        assertThat(create("auto", "1.x.0", "debian:12")).endsWith("/auto/1.1.0");
        assertThat(create("auto", "1.1.x", "debian:12")).endsWith("/auto/1.1.1");
        assertError(() -> create("auto", "1.1.1", "debian:12"), ErrorType.ResourceAlreadyExistsException,
                "container-recipe/auto/1.1.1 already exists");
    }

    @Test
    void targetRepositoryIsRequired() {
        ObjectNode in = w.containerRecipeInput("t", "1.0.0", "debian:12", hello);
        in.remove("targetRepository");
        assertError(() -> create(me, in), ErrorType.InvalidRequestException, "targetRepository");
    }

    @Test
    void listAnswersSummariesFilteredAndPaged() {
        for (int i = 0; i < 26; i++) {
            create("app-" + (i % 2), "1.0." + i, i < 20 ? "debian:12" : "alpine:3");
        }
        ObjectNode withInstance = w.containerRecipeInput("instance", "1.0.0", "debian:12", hello);
        withInstance.putObject("instanceConfiguration").put("image", "ami-0123456789abcdef0");
        create(me, withInstance);

        ObjectNode page1 = w.call(me, "ListContainerRecipes", Json.object());
        assertThat(page1.path("containerRecipeSummaryList")).hasSize(25);
        assertThat(RecipeWorld.shapeProblems(page1, "ListContainerRecipesResponse")).isEmpty();
        JsonNode first = page1.path("containerRecipeSummaryList").get(0);
        assertThat(names(first)).containsExactlyInAnyOrder("arn", "containerType", "name", "platform", "owner",
                "parentImage", "dateCreated", "tags");
        ObjectNode page2 = w.call(me, "ListContainerRecipes",
                Json.object().put("nextToken", page1.path("nextToken").asText()));
        assertThat(page2.path("containerRecipeSummaryList")).hasSize(2);
        JsonNode last = page2.path("containerRecipeSummaryList").get(1);
        assertThat(last.path("name").asText()).isEqualTo("instance");
        assertThat(last.path("instanceImage").asText()).isEqualTo("ami-0123456789abcdef0");

        assertThat(list(filter("parentImage", "alpine:3"))).hasSize(6);
        assertThat(list(filter("containerType", "DOCKER"))).hasSize(25);
        assertThat(list(filter("name", "app-1"))).hasSize(13);
        assertThat(list(filter("platform", "Windows"))).isEmpty();
        assertThat(w.call(me, "ListContainerRecipes", Json.object().put("owner", "Amazon"))
                .path("containerRecipeSummaryList")).isEmpty();
    }

    private JsonNode list(ObjectNode in) {
        return w.call(me, "ListContainerRecipes", in).path("containerRecipeSummaryList");
    }

    private static ObjectNode filter(String name, String value) {
        ObjectNode in = Json.object();
        in.putArray("filters").addObject().put("name", name).putArray("values").add(value);
        return in;
    }

    @Test
    void deleteRefusesARecipeAPipelineUsesAndAnswersItsArn() {
        String arn = create("used", "1.0.0", "debian:12");
        w.pipeline(me, "containers", "containerRecipeArn",
                "arn:aws:imagebuilder:us-east-1:111111111111:container-recipe/used/x.x.x");
        ObjectNode in = Json.object().put("containerRecipeArn", arn);
        assertError(() -> w.call(me, "DeleteContainerRecipe", in), ErrorType.ResourceDependencyException,
                "image-pipeline/containers");
        w.store.delete("arn:aws:imagebuilder:us-east-1:111111111111:image-pipeline/containers");
        ObjectNode out = w.call(me, "DeleteContainerRecipe", in);
        assertThat(out.path("containerRecipeArn").asText()).isEqualTo(arn);
        assertThat(RecipeWorld.shapeProblems(out, "DeleteContainerRecipeResponse")).isEmpty();
        assertError(() -> get(me, arn), ErrorType.ResourceNotFoundException);
        assertError(() -> w.call(me, "DeleteContainerRecipe", in), ErrorType.ResourceNotFoundException);
    }

    @Test
    void otherAccountsAndRegionsDoNotSeeTheRecipe() {
        String arn = create("private", "1.0.0", "debian:12");
        for (CallContext stranger : List.of(w.other, w.west)) {
            assertError(() -> get(stranger, arn), ErrorType.ResourceNotFoundException);
            assertError(() -> w.call(stranger, "DeleteContainerRecipe",
                    Json.object().put("containerRecipeArn", arn)), ErrorType.ResourceNotFoundException);
            assertThat(w.call(stranger, "ListContainerRecipes", Json.object()).path("containerRecipeSummaryList"))
                    .isEmpty();
            // Nor may they build on this account's component.
            assertError(() -> create(stranger, w.containerRecipeInput("theirs", "1.0.0", "debian:12", hello)),
                    ErrorType.InvalidParameterValueException, "components[0].componentArn");
        }
        // An image recipe of the same name and version is another resource.
        assertThat(w.call(me, "CreateImageRecipe", w.imageRecipeInput("private", "1.0.0", w.debian(me), hello))
                .path("imageRecipeArn").asText()).contains(":image-recipe/private/1.0.0");
        assertError(() -> get(me, arn.replace("container-recipe", "image-recipe")),
                ErrorType.InvalidParameterValueException);
    }
}
