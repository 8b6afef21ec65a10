package dev.kiln.core.recipe;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static dev.kiln.core.testing.TestClient.json;
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

class ImageRecipeOperationsTest {
    /** Response examples of the AWS CLI's imagebuilder documentation (create-image-recipe, list-image-recipes, get-image). */
    private static final String CLI_CREATE = """
            {"requestId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", "clientToken": "a1b2c3d4-5678-90ab-cdef-EXAMPLE22222",
             "imageRecipeArn": "arn:aws:imagebuilder:us-west-2:123456789012:image-recipe/mybasicrecipe/2019.12.03"}
            """;
    private static final String CLI_SUMMARY = """
            {"arn": "arn:aws:imagebuilder:us-west-2:123456789012:image-recipe/mybasicrecipe/2019.12.03",
             "name": "MyBasicRecipe", "platform": "Windows", "owner": "123456789012",
             "parentImage": "arn:aws:imagebuilder:us-west-2:aws:image/windows-server-2016-english-full-base-x86/2019.x.x",
             "dateCreated": "2020-02-19T18:54:25.975Z", "tags": {"KeyName": "KeyValue"}}
            """;
    private static final String CLI_RECIPE = """
            {"arn": "arn:aws:imagebuilder:us-west-2:123456789012:image-recipe/mybasicrecipe/2019.12.03",
             "name": "MyBasicRecipe", "description": "This example image recipe creates a Windows 2016 image.",
             "platform": "Windows", "version": "2019.12.03",
             "components": [{"componentArn": "arn:aws:imagebuilder:us-west-2:123456789012:component/myexamplecomponent/2019.12.02/1"}],
             "parentImage": "arn:aws:imagebuilder:us-west-2:aws:image/windows-server-2016-english-full-base-x86/2019.12.17/1",
             "dateCreated": "2020-02-14T19:46:16.904Z", "tags": {}}
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
        return w.call(ctx, "CreateImageRecipe", in);
    }

    private String create(String name, String version) {
        return create(me, w.imageRecipeInput(name, version, w.debian(me), hello)).path("imageRecipeArn").asText();
    }

    private ObjectNode get(CallContext ctx, String arn) {
        return w.call(ctx, "GetImageRecipe", Json.object().put("imageRecipeArn", arn));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void createAnswersTheVersionArnLikeTheCliExampleWithLatestVersionReferences() throws Exception {
        ObjectNode in = w.imageRecipeInput("My Recipe", "2019.12.03", w.debian(me), hello).put("clientToken", "tok");
        ObjectNode out = create(me, in);
        assertThat(names(out)).containsAll(names(json(CLI_CREATE))).contains("latestVersionReferences");
        assertThat(out.path("imageRecipeArn").asText())
                .isEqualTo("arn:aws:imagebuilder:us-east-1:111111111111:image-recipe/my-recipe/2019.12.03");
        assertThat(out.path("clientToken").asText()).isEqualTo("tok");
        assertThat(out.path("requestId").asText()).isEqualTo("req-1");
        assertThat(out.at("/latestVersionReferences/latestMinorVersionArn").asText())
                .endsWith("image-recipe/my-recipe/2019.12.x");
        assertThat(RecipeWorld.shapeProblems(out, "CreateImageRecipeResponse")).isEmpty();
    }

    @Test
    void getAnswersTheRecipeInTheModelShapeWithItsDefaults() throws Exception {
        ObjectNode in = w.imageRecipeInput("MyBasicRecipe", "1.0.0", w.debian(me), hello)
                .put("description", "d");
        in.putObject("tags").put("team", "a");
        in.putArray("blockDeviceMappings").addObject().put("deviceName", "/dev/xvda").putObject("ebs")
                .put("volumeSize", 20);
        in.putObject("amiTags").put("os", "debian");
        String arn = create(me, in).path("imageRecipeArn").asText();
        ObjectNode out = get(me, arn);
        JsonNode recipe = out.path("imageRecipe");
        assertThat(names(recipe)).containsAll(names(json(CLI_RECIPE)));
        assertThat(recipe.path("arn").asText()).isEqualTo(arn);
        assertThat(recipe.path("type").asText()).isEqualTo("AMI");
        assertThat(recipe.path("name").asText()).isEqualTo("MyBasicRecipe");
        assertThat(recipe.path("version").asText()).isEqualTo("1.0.0");
        assertThat(recipe.path("platform").asText()).isEqualTo("Linux");
        assertThat(recipe.path("owner").asText()).isEqualTo("111111111111");
        assertThat(recipe.path("parentImage").asText()).isEqualTo(w.debian(me));
        assertThat(recipe.path("dateCreated").asText()).isEqualTo("2026-11-26T10:00:00.000Z");
        assertThat(recipe.path("workingDirectory").asText()).isEqualTo("/tmp");
        assertThat(recipe.at("/tags/team").asText()).isEqualTo("a");
        assertThat(recipe.at("/blockDeviceMappings/0/ebs/volumeSize").asInt()).isEqualTo(20);
        assertThat(recipe.at("/amiTags/os").asText()).isEqualTo("debian");
        assertThat(recipe.at("/components/0/componentArn").asText()).isEqualTo(hello);
        assertThat(out.at("/latestVersionReferences/latestPatchVersionArn").asText()).isEqualTo(arn);
        assertThat(RecipeWorld.shapeProblems(out, "GetImageRecipeResponse")).isEmpty();

        ObjectNode plain = w.imageRecipeInput("plain", "1.0.0", w.debian(me), hello).put("workingDirectory", "/var/tmp");
        String plainArn = create(me, plain).path("imageRecipeArn").asText();
        JsonNode p = get(me, plainArn).path("imageRecipe");
        assertThat(p.path("workingDirectory").asText()).isEqualTo("/var/tmp");
        assertThat(p.path("tags").isObject()).isTrue();
        assertThat(p.has("description")).isFalse();
    }

    @Test
    void anExistingVersionIsRefused() {
        create("fixed", "1.0.0");
        assertError(() -> create("fixed", "1.0.0"), ErrorType.ResourceAlreadyExistsException)
                .hasMessageContaining("image-recipe/fixed/1.0.0 already exists")
                .hasMessageContaining("1.0.x");
        // The ARN name is the lower-cased, hyphenated name: "Fixed" is the same recipe.
        assertError(() -> create("Fixed", "1.0.0"), ErrorType.ResourceAlreadyExistsException);
    }

    @Test
    void versionsWithXTakeTheNextFreeVersion() {
        assertThat(create("auto", "1.0.x")).endsWith("/auto/1.0.0");
        assertThat(create("auto", "1.0.x")).endsWith("/auto/1.0.1");
        assertThat(create("auto", "1.0.x")).endsWith("/auto/1.0.2");
        assertThat(create("auto", "1.x.x")).endsWith("/auto/1.1.0");
        assertThat(create("auto", "1.x.0")).endsWith("/auto/1.2.0");
        assertThat(create("auto", "x.x.x")).endsWith("/auto/2.0.0");
        assertThat(create("auto", "3.x.x")).endsWith("/auto/3.0.0");
        assertThat(create("fresh", "x.x.x")).endsWith("/fresh/0.0.0");
        ObjectNode out = create(me, w.imageRecipeInput("auto", "1.0.x", w.debian(me), hello));
        assertThat(out.path("imageRecipeArn").asText()).endsWith("/auto/1.0.3");
        assertThat(out.at("/latestVersionReferences/latestPatchVersionArn").asText()).endsWith("/auto/1.0.3");
        assertThat(get(me, out.path("imageRecipeArn").asText()).at("/imageRecipe/version").asText()).isEqualTo("1.0.3");
    }

    @Test
    void theSameClientTokenAnswersTheSameAutomaticVersion() {
        ObjectNode in = w.imageRecipeInput("idem", "1.0.x", w.debian(me), hello).put("clientToken", "same");
        String first = create(me, in.deepCopy()).path("imageRecipeArn").asText();
        String again = create(me, in.deepCopy()).path("imageRecipeArn").asText();
        assertThat(again).isEqualTo(first).endsWith("/1.0.0");
        assertThat(w.call(me, "ListImageRecipes", Json.object()).path("imageRecipeSummaryList")).hasSize(1);
        ObjectNode changed = in.deepCopy().put("description", "other");
        assertError(() -> create(me, changed), ErrorType.IdempotentParameterMismatchException);
    }

    @Test
    void malformedVersionsAreRefused() {
        for (String bad : List.of("1.0", "1.0.0.0", "1.a.0", "1.0.1073741824", "X.0.0", "")) {
            assertError(() -> create("bad", bad), ErrorType.InvalidVersionNumberException, "semanticVersion");
        }
    }

    @Test
    void componentsMayBeWildcardsOrBuildArnsOfOwnOrKilnManagedComponentsAndAreKeptAsGiven() {
        w.component(me, "hello", "1.1.0", RecipeWorld.BUILD_DOC);
        String managed = w.component(new CallContext("aws", "us-east-1", "r"), "update-linux", "1.0.0",
                RecipeWorld.BUILD_DOC);
        String wildcard = "arn:aws:imagebuilder:us-east-1:111111111111:component/hello/1.x.x";
        String version = "arn:aws:imagebuilder:us-east-1:111111111111:component/hello/1.0.0";
        String managedWildcard = "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x";
        ObjectNode in = w.imageRecipeInput("mixed", "1.0.0", w.debian(me), wildcard, version, hello, managed,
                managedWildcard);
        String arn = create(me, in).path("imageRecipeArn").asText();
        JsonNode components = get(me, arn).at("/imageRecipe/components");
        assertThat(components.findValuesAsText("componentArn"))
                .containsExactly(wildcard, version, hello, managed, managedWildcard);
    }

    @Test
    void unknownComponentsAreRefusedNamingTheirIndex() {
        String otherAccounts = w.component(w.other, "theirs", "1.0.0", RecipeWorld.BUILD_DOC);
        String otherRegions = w.component(w.west, "western", "1.0.0", RecipeWorld.BUILD_DOC);
        String missing = "arn:aws:imagebuilder:us-east-1:111111111111:component/nothing/1.x.x";
        assertError(() -> create(me, w.imageRecipeInput("r", "1.0.0", w.debian(me), hello, missing)),
                ErrorType.InvalidParameterValueException)
                .hasMessageContaining("components[1].componentArn '" + missing + "'")
                .hasMessageContaining("no such component");
        assertError(() -> create(me, w.imageRecipeInput("r", "1.0.0", w.debian(me), otherAccounts, hello,
                        otherRegions)), ErrorType.InvalidParameterValueException)
                .hasMessageContaining("components[0].componentArn")
                .hasMessageContaining("components[2].componentArn");
        assertError(() -> create(me, w.imageRecipeInput("r", "1.0.0", w.debian(me),
                        hello.replace("/1.0.0/1", "/1.0.0/2"))), ErrorType.InvalidParameterValueException,
                                "components[0].componentArn");
        assertError(() -> create(me, w.imageRecipeInput("r", "1.0.0", w.debian(me), w.debian(me))),
                ErrorType.InvalidParameterValueException, "is not a component ARN");
        assertError(() -> create(me, w.imageRecipeInput("r", "1.0.0", w.debian(me),
                        "arn:aws:imagebuilder:us-east-1:111111111111:component/hello/x.0.x")),
                ErrorType.InvalidVersionNumberException);
        assertThat(w.call(me, "ListImageRecipes", Json.object()).path("imageRecipeSummaryList")).isEmpty();
    }

    @Test
    void componentParametersAreCheckedAgainstTheComponentDocument() {
        ObjectNode in = w.imageRecipeInput("params", "1.0.0", w.debian(me), hello);
        var params = ((ObjectNode) in.path("components").get(0)).putArray("parameters");
        params.addObject().put("name", "Greeting").putArray("value").add("hi");
        params.addObject().put("name", "Names").putArray("value").add("a").add("b");
        String arn = create(me, in).path("imageRecipeArn").asText();
        assertThat(get(me, arn).at("/imageRecipe/components/0/parameters/1/value/1").asText()).isEqualTo("b");

        ObjectNode unknown = w.imageRecipeInput("params", "1.0.1", w.debian(me), hello);
        ((ObjectNode) unknown.path("components").get(0)).putArray("parameters").addObject().put("name", "Greting")
                .putArray("value").add("hi");
        assertError(() -> create(me, unknown), ErrorType.InvalidParameterValueException)
                .hasMessageContaining("components[0].parameters[0].name")
                .hasMessageContaining("has no parameter 'Greting'")
                .hasMessageContaining("Greeting, Count, Names, Verbose");
    }

    @Test
    void testComponentsAreAllowedBesideABuildComponentAndComponentsAreOptional() {
        String check = w.component(me, "check", "1.0.0", RecipeWorld.TEST_DOC);
        assertThat(create(me, w.imageRecipeInput("tested", "1.0.0", w.debian(me), hello, check))
                .path("imageRecipeArn").asText()).endsWith("/tested/1.0.0");
        assertError(() -> create(me, w.imageRecipeInput("only-tests", "1.0.0", w.debian(me), check)),
                ErrorType.InvalidParameterValueException, "at least one BUILD component");
        ObjectNode none = w.imageRecipeInput("repackaged", "1.0.0", w.debian(me));
        none.remove("components");
        String arn = create(me, none).path("imageRecipeArn").asText();
        assertThat(get(me, arn).path("imageRecipe").has("components")).isFalse();
    }

    @Test
    void aRecipeHasAtMostTwentyComponents() {
        String[] many = new String[21];
        java.util.Arrays.fill(many, hello);
        assertError(() -> create(me, w.imageRecipeInput("big", "1.0.0", w.debian(me), many)),
                ErrorType.InvalidParameterValueException, "at most 20 components");
        String[] twenty = java.util.Arrays.copyOf(many, 20);
        assertThat(create(me, w.imageRecipeInput("big", "1.0.0", w.debian(me), twenty)).path("imageRecipeArn")
                .asText()).endsWith("/big/1.0.0");
    }

    @Test
    void thePlatformComesFromTheParentImageAndComponentsMustMatchIt() {
        String windowsComponent = w.component(me, "win", "1.0.0", RecipeWorld.WINDOWS_DOC, "Windows");
        String windowsParent = "arn:aws:imagebuilder:us-east-1:aws:image/windows-server-2022/x.x.x";
        String arn = create(me, w.imageRecipeInput("win", "1.0.0", windowsParent, windowsComponent))
                .path("imageRecipeArn").asText();
        assertThat(get(me, arn).at("/imageRecipe/platform").asText()).isEqualTo("Windows");
        assertError(() -> create(me, w.imageRecipeInput("mixed", "1.0.0", w.debian(me), hello, windowsComponent)),
                ErrorType.InvalidParameterValueException)
                .hasMessageContaining("components[1].componentArn")
                .hasMessageContaining("is for Windows, and this recipe builds a Linux image");
    }

    @Test
    void theParentImageMustBeAnImageArnThatExistsForTheCaller() {
        String own = w.image(me.accountId(), "us-east-1", "golden", "1.0.0", 1, "AMI", "Linux", "AVAILABLE");
        assertThat(create(me, w.imageRecipeInput("on-own", "1.0.0",
                "arn:aws:imagebuilder:us-east-1:111111111111:image/golden/1.x.x", hello)).path("imageRecipeArn")
                .asText()).endsWith("/on-own/1.0.0");
        assertThat(create(me, w.imageRecipeInput("on-build", "1.0.0", own, hello)).path("imageRecipeArn").asText())
                .endsWith("/on-build/1.0.0");
        String unknown = "arn:aws:imagebuilder:us-east-1:aws:image/no-such-os/x.x.x";
        assertError(() -> create(me, w.imageRecipeInput("r", "1.0.0", unknown, hello)),
                ErrorType.InvalidParameterValueException).hasMessageContaining("parentImage '" + unknown + "'");
        assertThat(create(me, w.imageRecipeInput("on-ami", "1.0.0", "ami-0123456789abcdef0", hello))
                .path("imageRecipeArn").asText()).endsWith("/on-ami/1.0.0");
        // The caller's own image is not the other account's, and us-west-2's images are not us-east-1's.
        assertError(() -> create(w.other, w.imageRecipeInput("r", "1.0.0", own,
                w.component(w.other, "c", "1.0.0", RecipeWorld.BUILD_DOC))), ErrorType.InvalidParameterValueException);
        assertError(() -> create(me, w.imageRecipeInput("r", "1.0.0", w.debian(w.west), hello)),
                ErrorType.InvalidParameterValueException);
    }

    @Test
    void getByAWildcardArnAnswersTheNewestMatchingVersion() {
        create("multi", "1.6.8");
        create("multi", "1.7.8");
        create("multi", "2.2.4");
        String base = "arn:aws:imagebuilder:us-east-1:111111111111:image-recipe/multi/";
        assertThat(get(me, base + "x.x.x").at("/imageRecipe/version").asText()).isEqualTo("2.2.4");
        assertThat(get(me, base + "1.x.x").at("/imageRecipe/version").asText()).isEqualTo("1.7.8");
        assertThat(get(me, base + "1.6.x").at("/imageRecipe/version").asText()).isEqualTo("1.6.8");
        assertThat(get(me, base + "1.x.x").at("/latestVersionReferences/latestPatchVersionArn").asText())
                .isEqualTo(base + "1.7.8");
        assertError(() -> get(me, base + "3.x.x"), ErrorType.ResourceNotFoundException);
        assertError(() -> get(me, base + "x.2.x"), ErrorType.InvalidVersionNumberException);
        assertError(() -> get(me, base + "1.6.8/1"), ErrorType.InvalidParameterValueException, "no build numbers");
        assertError(() -> get(me, "arn:aws:imagebuilder:us-east-1:111111111111:container-recipe/multi/1.6.8"),
                ErrorType.InvalidParameterValueException);
    }

    @Test
    void listAnswersSummariesFilteredAndPaged() throws Exception {
        String windowsComponent = w.component(me, "win", "1.0.0", RecipeWorld.WINDOWS_DOC, "Windows");
        String windowsParent = "arn:aws:imagebuilder:us-east-1:aws:image/windows-server-2022/x.x.x";
        for (int i = 0; i < 28; i++) {
            create("linux-" + (i % 4), "1.0." + i);
        }
        create(me, w.imageRecipeInput("windows", "1.0.0", windowsParent, windowsComponent));
        create(me, w.imageRecipeInput("windows", "1.0.1", windowsParent, windowsComponent));

        ObjectNode page1 = w.call(me, "ListImageRecipes", Json.object().put("maxResults", 25));
        JsonNode list1 = page1.path("imageRecipeSummaryList");
        assertThat(list1).hasSize(25);
        assertThat(names(list1.get(0))).containsExactlyInAnyOrderElementsOf(names(json(CLI_SUMMARY)));
        assertThat(list1.get(0).path("name").asText()).isEqualTo("linux-0");
        assertThat(list1.get(0).path("arn").asText()).endsWith("/linux-0/1.0.24");
        assertThat(RecipeWorld.shapeProblems(page1, "ListImageRecipesResponse")).isEmpty();
        ObjectNode page2 = w.call(me, "ListImageRecipes",
                Json.object().put("maxResults", 25).put("nextToken", page1.path("nextToken").asText()));
        assertThat(page2.path("imageRecipeSummaryList")).hasSize(5);
        assertThat(page2.has("nextToken")).isFalse();

        assertThat(list(filter("platform", "Windows"))).hasSize(2);
        assertThat(list(filter("name", "linux-1"))).hasSize(7);
        assertThat(list(filter("parentImage", windowsParent))).hasSize(2);
        assertThat(list(filter("name", "linux-1", "linux-2"))).hasSize(14);
        assertError(() -> list(filter("type", "AMI")), ErrorType.InvalidRequestException);
        assertError(() -> w.call(me, "ListImageRecipes", Json.object().put("nextToken", "garbage")),
                ErrorType.InvalidPaginationTokenException);
    }

    @Test
    void ownerSelectsTheCallersOrKilnManagedRecipes() {
        create("mine", "1.0.0");
        CallContext kiln = new CallContext("aws", "us-east-1", "r");
        String managedComponent = w.component(kiln, "base", "1.0.0", RecipeWorld.BUILD_DOC);
        create(kiln, w.imageRecipeInput("managed", "1.0.0", w.debian(me), managedComponent));
        assertThat(list(Json.object()).findValuesAsText("name")).containsExactly("mine");
        assertThat(list(Json.object().put("owner", "Self")).findValuesAsText("name")).containsExactly("mine");
        assertThat(list(Json.object().put("owner", "Amazon")).findValuesAsText("name")).containsExactly("managed");
        assertThat(list(Json.object().put("owner", "Shared"))).isEmpty();
        assertThat(get(me, "arn:aws:imagebuilder:us-east-1:aws:image-recipe/managed/x.x.x")
                .at("/imageRecipe/owner").asText()).isEqualTo("aws");
    }

    private JsonNode list(ObjectNode in) {
        return w.call(me, "ListImageRecipes", in).path("imageRecipeSummaryList");
    }

    private static ObjectNode filter(String name, String... values) {
        ObjectNode in = Json.object();
        var v = in.putArray("filters").addObject().put("name", name).putArray("values");
        for (String value : values) {
            v.add(value);
        }
        return in;
    }

    @Test
    void deleteRefusesARecipeThatAPipelineUsesByArnOrByAWildcardSelectingIt() {
        String v1 = create("used", "1.0.0");
        String v2 = create("used", "1.1.0");
        w.pipeline(me, "exact", "imageRecipeArn", v1);
        w.pipeline(me, "newest", "imageRecipeArn",
                "arn:aws:imagebuilder:us-east-1:111111111111:image-recipe/used/1.x.x");
        assertError(() -> delete(me, v1), ErrorType.ResourceDependencyException, "image-pipeline/exact");
        assertError(() -> delete(me, v2), ErrorType.ResourceDependencyException, "image-pipeline/newest");
        String v0 = create("used", "0.9.0");
        assertThat(delete(me, v0).path("imageRecipeArn").asText()).isEqualTo(v0);
        w.store.delete("arn:aws:imagebuilder:us-east-1:111111111111:image-pipeline/exact");
        ObjectNode out = delete(me, v1);
        assertThat(out.path("imageRecipeArn").asText()).isEqualTo(v1);
        assertThat(RecipeWorld.shapeProblems(out, "DeleteImageRecipeResponse")).isEmpty();
        assertError(() -> get(me, v1), ErrorType.ResourceNotFoundException);
        // A pipeline of another account using a recipe ARN of the same name does not hold this one.
        w.pipeline(w.other, "theirs", "imageRecipeArn", v2.replace("111111111111", "222222222222"));
        assertError(() -> delete(me, v2), ErrorType.ResourceDependencyException);
    }

    @Test
    void deleteTakesOneVersionOfTheCallersOwnRecipe() {
        String arn = create("one", "1.0.0");
        assertError(() -> delete(me, arn.replace("1.0.0", "1.x.x")), ErrorType.InvalidRequestException,
                "must name one version");
        assertError(() -> delete(me, arn.replace("1.0.0", "2.0.0")), ErrorType.ResourceNotFoundException);
        assertError(() -> delete(w.other, arn), ErrorType.ResourceNotFoundException);
        assertError(() -> delete(w.west, arn), ErrorType.ResourceNotFoundException);
        assertThat(get(me, arn).at("/imageRecipe/arn").asText()).isEqualTo(arn);
    }

    private ObjectNode delete(CallContext ctx, String arn) {
        return w.call(ctx, "DeleteImageRecipe", Json.object().put("imageRecipeArn", arn));
    }

    @Test
    void otherAccountsAndRegionsNeitherSeeTheRecipeNorCollideWithIt() {
        String arn = create("private", "1.0.0");
        for (CallContext stranger : List.of(w.other, w.west)) {
            assertError(() -> get(stranger, arn), ErrorType.ResourceNotFoundException);
            assertThat(w.call(stranger, "ListImageRecipes", Json.object()).path("imageRecipeSummaryList")).isEmpty();
            String theirComponent = w.component(stranger, "hello", "1.0.0", RecipeWorld.BUILD_DOC);
            String theirs = create(stranger, w.imageRecipeInput("private", "1.0.x", w.debian(stranger),
                    theirComponent)).path("imageRecipeArn").asText();
            assertThat(theirs).endsWith("/private/1.0.0").isNotEqualTo(arn)
                    .contains(stranger.region() + ":" + stranger.accountId());
        }
        assertThat(w.call(me, "ListImageRecipes", Json.object()).path("imageRecipeSummaryList")).hasSize(1);
    }

    @Test
    void componentsARecipeUsesCannotBeDeleted() {
        String newer = w.component(me, "hello", "1.1.0", RecipeWorld.BUILD_DOC);
        create(me, w.imageRecipeInput("r", "1.0.0", w.debian(me),
                "arn:aws:imagebuilder:us-east-1:111111111111:component/hello/1.x.x"));
        assertError(() -> w.call(me, "DeleteComponent", Json.object().put("componentBuildVersionArn", newer)),
                ErrorType.ResourceDependencyException, "image-recipe/r/1.0.0");
        // The older version is not what the wildcard selects: it may go.
        w.call(me, "DeleteComponent", Json.object().put("componentBuildVersionArn", hello));
    }
}
