package dev.kiln.core.image;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static dev.kiln.core.testing.TestClient.clientToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import dev.kiln.core.testing.InMemoryStore;
import dev.kiln.core.testing.TestClient;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageOperationsTest {
    private static final String BASE = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x";

    private final InMemoryStore store = new InMemoryStore();
    private final TestClock clock = new TestClock("2026-11-26T10:00:00Z");
    private final ImageBuilderService service = new ImageBuilderService(store);
    private final TestClient api = new TestClient(service);
    private final CallContext me = TestClient.ME;
    private final CallContext other = TestClient.OTHER;
    private final CallContext west = TestClient.WEST;
    private final String recipe;
    private final String infra;
    private final String dist;

    ImageOperationsTest() {
        new ImageOperations(store, new ImageBuilds(store, clock), clock).registerWith(service);
        new BaseImages(store, clock).seed(List.of("us-east-1", "us-west-2"));
        recipe = Fixtures.imageRecipe(store, me, "Web Server", "1.0.0", BASE).arn();
        infra = Fixtures.infrastructure(store, me, "small").arn();
        dist = Fixtures.distribution(store, me, "everywhere").arn();
    }

    private ObjectNode request(String recipeArn) {
        return Json.object().put("imageRecipeArn", recipeArn).put("infrastructureConfigurationArn", infra)
                .put("clientToken", clientToken());
    }

    private String create(CallContext ctx, ObjectNode in) {
        return api.createImage(ctx, in);
    }

    private JsonNode get(CallContext ctx, String arn) {
        return api.getImage(ctx, arn);
    }

    @Test
    void createRecordsAPendingBuildVersionWithCopiesOfWhatItIsBuiltFrom() {
        ObjectNode in = request(recipe).put("distributionConfigurationArn", dist);
        in.putObject("tags").put("team", "web");
        ObjectNode out = api.call(me, "CreateImage", in);
        String arn = out.path("imageBuildVersionArn").asText();
        assertThat(arn).isEqualTo("arn:aws:imagebuilder:us-east-1:111111111111:image/web-server/1.0.0/1");
        assertThat(out.at("/latestVersionReferences/latestMajorVersionArn").asText()).endsWith("image/web-server/1.x.x");
        JsonNode image = get(me, arn);
        assertThat(image.path("arn").asText()).isEqualTo(arn);
        assertThat(image.path("type").asText()).isEqualTo("AMI");
        assertThat(image.path("name").asText()).isEqualTo("Web Server");
        assertThat(image.path("version").asText()).isEqualTo("1.0.0/1");
        assertThat(image.path("platform").asText()).isEqualTo("Linux");
        assertThat(image.path("osVersion").asText()).isEqualTo("Debian 12");
        assertThat(image.at("/state/status").asText()).isEqualTo("PENDING");
        assertThat(image.at("/imageRecipe/arn").asText()).isEqualTo(recipe);
        assertThat(image.at("/imageRecipe/parentImage").asText()).isEqualTo(BASE);
        assertThat(image.has("containerRecipe")).isFalse();
        assertThat(image.at("/infrastructureConfiguration/arn").asText()).isEqualTo(infra);
        assertThat(image.at("/distributionConfiguration/arn").asText()).isEqualTo(dist);
        assertThat(image.at("/imageTestsConfiguration/imageTestsEnabled").asBoolean()).isTrue();
        assertThat(image.at("/imageTestsConfiguration/timeoutMinutes").asInt()).isEqualTo(720);
        assertThat(image.path("enhancedImageMetadataEnabled").asBoolean()).isTrue();
        assertThat(image.path("dateCreated").asText()).isEqualTo("2026-11-26T10:00:00.000Z");
        assertThat(image.at("/outputResources/amis").isArray()).isTrue();
        assertThat(image.at("/tags/team").asText()).isEqualTo("web");
        assertThat(image.path("buildType").asText()).isEqualTo("USER_INITIATED");
        assertThat(image.path("imageSource").asText()).isEqualTo("CUSTOM");
        assertThat(image.has("sourcePipelineArn")).isFalse();
        assertThat(create(me, request(recipe))).endsWith("/web-server/1.0.0/2");
    }

    @Test
    void settingsAreKeptAndMissingTestSettingsDefault() {
        ObjectNode in = request(recipe).put("enhancedImageMetadataEnabled", false).put("executionRole", "builder");
        in.putObject("imageTestsConfiguration").put("imageTestsEnabled", false);
        in.putObject("loggingConfiguration").put("logGroupName", "/kiln/images");
        JsonNode image = get(me, create(me, in));
        assertThat(image.path("enhancedImageMetadataEnabled").asBoolean()).isFalse();
        assertThat(image.at("/imageTestsConfiguration/imageTestsEnabled").asBoolean()).isFalse();
        assertThat(image.at("/imageTestsConfiguration/timeoutMinutes").asInt()).isEqualTo(720);
        assertThat(image.path("executionRole").asText()).isEqualTo("builder");
        assertThat(image.at("/loggingConfiguration/logGroupName").asText()).isEqualTo("/kiln/images");
    }

    @Test
    void aWildcardRecipeVersionBuildsTheNewestRecipe() {
        Fixtures.imageRecipe(store, me, "Web Server", "1.2.0", BASE);
        Fixtures.imageRecipe(store, me, "Web Server", "2.0.0", BASE);
        String base = "arn:aws:imagebuilder:us-east-1:111111111111:image-recipe/web-server/";
        assertThat(create(me, request(base + "1.x.x"))).endsWith(":image/web-server/1.2.0/1");
        assertThat(create(me, request(base + "x.x.x"))).endsWith(":image/web-server/2.0.0/1");
        assertError(() -> create(me, request(base + "x.2.x")), ErrorType.InvalidVersionNumberException);
    }

    @Test
    void aContainerRecipeMakesADockerImage() {
        String container = Fixtures.containerRecipe(store, me, "api", "3.1.4").arn();
        ObjectNode in = Json.object().put("containerRecipeArn", container).put("infrastructureConfigurationArn", infra)
                .put("clientToken", "c");
        JsonNode image = get(me, create(me, in));
        assertThat(image.path("arn").asText()).endsWith(":image/api/3.1.4/1");
        assertThat(image.path("type").asText()).isEqualTo("DOCKER");
        assertThat(image.at("/containerRecipe/arn").asText()).isEqualTo(container);
        assertThat(image.has("imageRecipe")).isFalse();
        assertThat(image.at("/outputResources/containers").isArray()).isTrue();
    }

    @Test
    void exactlyOneRecipeIsNeeded() {
        String container = Fixtures.containerRecipe(store, me, "api", "1.0.0").arn();
        assertError(() -> create(me, request(recipe).put("containerRecipeArn", container)),
                ErrorType.InvalidParameterCombinationException);
        ObjectNode neither = request(recipe);
        neither.remove("imageRecipeArn");
        assertError(() -> create(me, neither), ErrorType.InvalidRequestException);
    }

    @Test
    void everyReferenceMustExistForTheCaller() {
        String missing = "arn:aws:imagebuilder:us-east-1:111111111111:image-recipe/nope/1.0.0";
        assertError(() -> create(me, request(missing)),
                ErrorType.ResourceNotFoundException).hasMessageContaining(missing);
        ObjectNode noInfra = request(recipe).put("infrastructureConfigurationArn",
                "arn:aws:imagebuilder:us-east-1:111111111111:infrastructure-configuration/nope");
        assertError(() -> create(me, noInfra), ErrorType.ResourceNotFoundException);
        ObjectNode noDist = request(recipe).put("distributionConfigurationArn",
                "arn:aws:imagebuilder:us-east-1:111111111111:distribution-configuration/nope");
        assertError(() -> create(me, noDist), ErrorType.ResourceNotFoundException);
        // Another account's recipe and configuration do not exist for me, even by their ARNs.
        String theirs = Fixtures.imageRecipe(store, other, "theirs", "1.0.0", BASE).arn();
        String theirInfra = Fixtures.infrastructure(store, other, "theirs").arn();
        assertError(() -> create(me, request(theirs)), ErrorType.ResourceNotFoundException);
        assertError(() -> create(me, request(recipe).put("infrastructureConfigurationArn", theirInfra)),
                ErrorType.ResourceNotFoundException);
        ObjectNode wrongType = request(recipe).put("infrastructureConfigurationArn", dist);
        assertError(() -> create(me, wrongType), ErrorType.InvalidParameterValueException);
    }

    @Test
    void workflowsAreRefusedUntilKilnRunsThem() {
        ObjectNode in = request(recipe);
        in.putArray("workflows").addObject().put("workflowArn",
                "arn:aws:imagebuilder:us-east-1:aws:workflow/build/build-image/1.0.0/1");
        assertThatThrownBy(() -> create(me, in)).hasMessageContaining("workflows");
    }

    @Test
    void theSameClientTokenAnswersTheSameImage() {
        ObjectNode in = request(recipe).put("clientToken", "once");
        String first = create(me, in.deepCopy());
        assertThat(create(me, in.deepCopy())).isEqualTo(first);
        assertThat(api.call(me, "ListImageBuildVersions", Json.object()).path("imageSummaryList")).hasSize(1);
    }

    @Test
    void getByVersionArnOrWildcardAnswersTheNewestBuild() {
        create(me, request(recipe));
        String second = create(me, request(recipe));
        String versionArn = "arn:aws:imagebuilder:us-east-1:111111111111:image/web-server/1.0.0";
        assertThat(get(me, versionArn).path("arn").asText()).isEqualTo(second);
        assertThat(get(me, "arn:aws:imagebuilder:us-east-1:111111111111:image/web-server/x.x.x").path("arn").asText())
                .isEqualTo(second);
        assertError(() -> get(me, versionArn + "/9"), ErrorType.ResourceNotFoundException);
        assertError(() -> get(me, recipe), ErrorType.InvalidParameterValueException);
    }

    @Test
    void otherAccountsAndRegionsDoNotSeeTheImage() {
        String arn = create(me, request(recipe));
        for (CallContext stranger : new CallContext[] {other, west}) {
            assertError(() -> get(stranger, arn), ErrorType.ResourceNotFoundException);
            assertThat(api.call(stranger, "ListImages", Json.object()).path("imageVersionList")).isEmpty();
            assertThat(api.call(stranger, "ListImageBuildVersions", Json.object()).path("imageSummaryList"))
                    .isEmpty();
            ObjectNode in = Json.object().put("imageBuildVersionArn", arn);
            assertError(() -> api.call(stranger, "DeleteImage", in), ErrorType.ResourceNotFoundException);
            assertError(() -> api.call(stranger, "CancelImageCreation", in.deepCopy().put("clientToken", "t")),
                    ErrorType.ResourceNotFoundException);
        }
        assertThat(get(me, arn).at("/state/status").asText()).isEqualTo("PENDING");
    }

    @Test
    void listImagesGivesOneVersionPerVersionWithFiltersAndPages() {
        for (int i = 0; i < 28; i++) {
            String r = Fixtures.imageRecipe(store, me, "r" + (i % 4), "1.0." + i, BASE).arn();
            create(me, request(r));
        }
        String c = Fixtures.containerRecipe(store, me, "api", "1.0.0").arn();
        ObjectNode container = Json.object().put("containerRecipeArn", c).put("infrastructureConfigurationArn", infra)
                .put("clientToken", "c");
        create(me, container);
        create(me, request(recipe));
        create(me, request(recipe)); // a second build of web-server 1.0.0: still one version

        ObjectNode page1 = api.call(me, "ListImages", Json.object());
        assertThat(page1.path("imageVersionList")).hasSize(25);
        ObjectNode page2 = api.call(me, "ListImages", Json.object().put("nextToken", page1.path("nextToken").asText()));
        assertThat(page2.path("imageVersionList")).hasSize(5);
        assertThat(page2.has("nextToken")).isFalse();

        JsonNode web = api.call(me, "ListImages", filter("name", "Web Server")).path("imageVersionList");
        assertThat(web).hasSize(1);
        assertThat(web.get(0).path("arn").asText())
                .isEqualTo("arn:aws:imagebuilder:us-east-1:111111111111:image/web-server/1.0.0");
        assertThat(web.get(0).path("version").asText()).isEqualTo("1.0.0");
        assertThat(web.get(0).path("owner").asText()).isEqualTo("111111111111");
        assertThat(web.get(0).path("osVersion").asText()).isEqualTo("Debian 12");
        assertThat(web.get(0).path("buildType").asText()).isEqualTo("USER_INITIATED");
        assertThat(web.get(0).has("state")).isFalse();
        assertThat(api.call(me, "ListImages", filter("type", "DOCKER")).path("imageVersionList")).hasSize(1);
        assertThat(api.call(me, "ListImages", filter("platform", "Linux")).path("imageVersionList")).hasSize(25);
        assertThat(api.call(me, "ListImages", filter("version", "1.0.3")).path("imageVersionList")).hasSize(1);
        assertThat(api.call(me, "ListImages", filter("osVersion", "Debian 12")).path("imageVersionList"))
                .hasSize(25);
        assertError(() -> api.call(me, "ListImages", filter("colour", "red")), ErrorType.InvalidRequestException);

        JsonNode byName = api.call(me, "ListImages", Json.object().put("byName", true)).path("imageVersionList");
        assertThat(byName).extracting(n -> n.path("name").asText())
                .containsExactly("Web Server", "api", "r0", "r1", "r2", "r3");
        assertThat(byName.get(2).path("version").asText()).isEqualTo("1.0.24");
        assertError(() -> api.call(me, "ListImages", Json.object().put("nextToken", "forged")),
                ErrorType.InvalidPaginationTokenException);
    }

    private static ObjectNode filter(String name, String value) {
        ObjectNode in = Json.object();
        in.putArray("filters").addObject().put("name", name).putArray("values").add(value);
        return in;
    }

    @Test
    void deprecatedImagesAreListedOnlyWhenAskedFor() {
        String old = create(me, request(recipe));
        Fixtures.imageRecipe(store, me, "Web Server", "2.0.0", BASE);
        create(me, request("arn:aws:imagebuilder:us-east-1:111111111111:image-recipe/web-server/2.0.0"));
        Fixtures.setStatus(store, old, "DEPRECATED");
        assertThat(api.call(me, "ListImages", Json.object()).path("imageVersionList")).hasSize(1);
        assertThat(api.call(me, "ListImages", Json.object().put("includeDeprecated", true))
                .path("imageVersionList")).hasSize(2);
    }

    @Test
    void ownerSelectsMineKilnsOrShared() {
        create(me, request(recipe));
        JsonNode amazon = api.call(me, "ListImages", Json.object().put("owner", "Amazon")).path("imageVersionList");
        assertThat(amazon).extracting(n -> n.path("name").asText())
                .containsExactly("debian-12-container", "debian-12-x86");
        assertThat(amazon.get(0).path("owner").asText()).isEqualTo("Amazon");
        assertThat(api.call(me, "ListImages", Json.object().put("owner", "Self")).path("imageVersionList"))
                .extracting(n -> n.path("name").asText()).containsExactly("Web Server");
        assertThat(api.call(me, "ListImages", Json.object().put("owner", "Shared")).path("imageVersionList"))
                .isEmpty();
    }

    @Test
    void listBuildVersionsSummarisesEachBuildWithItsState() {
        String first = create(me, request(recipe));
        String second = create(me, request(recipe));
        Fixtures.setStatus(store, first, "FAILED");
        ObjectNode in = Json.object().put("imageVersionArn",
                "arn:aws:imagebuilder:us-east-1:111111111111:image/web-server/1.0.0");
        JsonNode list = api.call(me, "ListImageBuildVersions", in).path("imageSummaryList");
        assertThat(list).extracting(n -> n.path("arn").asText()).containsExactly(second, first);
        assertThat(list.get(0).path("version").asText()).isEqualTo("1.0.0/2");
        assertThat(list.get(0).at("/state/status").asText()).isEqualTo("PENDING");
        assertThat(list.get(1).at("/state/status").asText()).isEqualTo("FAILED");
        assertThat(list.get(0).path("owner").asText()).isEqualTo("111111111111");
        assertThat(list.get(0).at("/outputResources/amis").isArray()).isTrue();
        assertThat(list.get(0).has("imageRecipe")).isFalse();
        ObjectNode paged = in.deepCopy().put("maxResults", 1);
        ObjectNode page1 = api.call(me, "ListImageBuildVersions", paged);
        assertThat(page1.path("imageSummaryList")).hasSize(1);
        ObjectNode page2 = api.call(me, "ListImageBuildVersions",
                paged.deepCopy().put("nextToken", page1.path("nextToken").asText()));
        assertThat(page2.at("/imageSummaryList/0/arn").asText()).isEqualTo(first);
        assertError(() -> api.call(me, "ListImageBuildVersions",
                Json.object().put("imageVersionArn", first)), ErrorType.InvalidRequestException);
    }

    @Test
    void deleteRemovesAFinishedImagesRecordOnly() {
        String arn = create(me, request(recipe));
        ObjectNode in = Json.object().put("imageBuildVersionArn", arn);
        assertError(() -> api.call(me, "DeleteImage", in), ErrorType.ResourceDependencyException,
                "CancelImageCreation");
        Fixtures.setStatus(store, arn, "AVAILABLE");
        assertThat(api.call(me, "DeleteImage", in).path("imageBuildVersionArn").asText()).isEqualTo(arn);
        assertError(() -> get(me, arn), ErrorType.ResourceNotFoundException);
        assertError(() -> api.call(me, "DeleteImage", in), ErrorType.ResourceNotFoundException);
        assertThat(store.get(recipe)).isPresent();
        assertError(() -> api.call(me, "DeleteImage",
                Json.object().put("imageBuildVersionArn",
                        "arn:aws:imagebuilder:us-east-1:111111111111:image/web-server/1.0.0")),
                                ErrorType.InvalidRequestException);
    }

    @Test
    void kilnsBaseImagesCannotBeDeletedOrCancelled() {
        ObjectNode in = Json.object().put("imageBuildVersionArn", BaseImages.arn("us-east-1", "debian-12-x86"));
        assertError(() -> api.call(me, "DeleteImage", in), ErrorType.ResourceNotFoundException);
        assertError(() -> api.call(me, "CancelImageCreation", in.deepCopy().put("clientToken", "t")),
                ErrorType.ResourceNotFoundException);
    }

    @Test
    void cancelStopsAnImageInProgressAndRefusesAFinishedOne() {
        String arn = create(me, request(recipe));
        ObjectNode in = Json.object().put("imageBuildVersionArn", arn).put("clientToken", "cancel-1");
        assertThat(api.call(me, "CancelImageCreation", in).path("imageBuildVersionArn").asText()).isEqualTo(arn);
        JsonNode state = get(me, arn).path("state");
        assertThat(state.path("status").asText()).isEqualTo("CANCELLED");
        assertThat(state.path("reason").asText()).isNotBlank();
        assertError(() -> api.call(me, "CancelImageCreation", in.deepCopy().put("clientToken", "cancel-2")),
                ErrorType.ResourceInUseException);
        String building = create(me, request(recipe));
        Fixtures.setStatus(store, building, "BUILDING");
        api.call(me, "CancelImageCreation", Json.object().put("imageBuildVersionArn", building)
                .put("clientToken", "cancel-3"));
        assertThat(get(me, building).at("/state/status").asText()).isEqualTo("CANCELLED");
        String available = create(me, request(recipe));
        Fixtures.setStatus(store, available, "AVAILABLE");
        assertThatThrownBy(() -> api.call(me, "CancelImageCreation", Json.object()
                .put("imageBuildVersionArn", available).put("clientToken", "cancel-4"))).hasMessageContaining("AVAILABLE");
    }
}
