package dev.kiln.core.pipeline;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static dev.kiln.core.testing.TestClient.clientToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.image.BaseImages;
import dev.kiln.core.image.Fixtures;
import dev.kiln.core.image.ImageBuilds;
import dev.kiln.core.image.ImageOperations;
import dev.kiln.core.image.TestClock;
import dev.kiln.core.resource.Json;
import dev.kiln.core.testing.InMemoryStore;
import dev.kiln.core.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PipelineOperationsTest {
    private static final String BASE = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x";
    private static final String ME = "arn:aws:imagebuilder:us-east-1:111111111111:";

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

    PipelineOperationsTest() {
        ImageBuilds builds = new ImageBuilds(store, clock);
        new PipelineOperations(store, builds, clock).registerWith(service);
        new ImageOperations(store, builds, clock).registerWith(service);
        new BaseImages(store, clock).seed(List.of("us-east-1"));
        recipe = Fixtures.imageRecipe(store, me, "Web Server", "1.0.0", BASE).arn();
        infra = Fixtures.infrastructure(store, me, "small").arn();
        dist = Fixtures.distribution(store, me, "everywhere").arn();
    }

    private ObjectNode request(String name) {
        return Json.object().put("name", name).put("imageRecipeArn", recipe)
                .put("infrastructureConfigurationArn", infra).put("clientToken", clientToken());
    }

    private String create(CallContext ctx, ObjectNode in) {
        return api.createImagePipeline(ctx, in);
    }

    private JsonNode get(CallContext ctx, String arn) {
        return api.getImagePipeline(ctx, arn);
    }

    private String start(CallContext ctx, String pipeline) {
        return api.call(ctx, "StartImagePipelineExecution", Json.object().put("imagePipelineArn", pipeline)
                .put("clientToken", clientToken())).path("imageBuildVersionArn").asText();
    }

    @Test
    void createFillsInAwsDefaults() {
        ObjectNode in = request("Nightly Build");
        in.putObject("schedule").put("scheduleExpression", "cron(0 2 * * ? *)");
        String arn = create(me, in);
        assertThat(arn).isEqualTo(ME + "image-pipeline/nightly-build");
        JsonNode p = get(me, arn);
        assertThat(p.path("arn").asText()).isEqualTo(arn);
        assertThat(p.path("name").asText()).isEqualTo("Nightly Build");
        assertThat(p.path("platform").asText()).isEqualTo("Linux");
        assertThat(p.path("imageRecipeArn").asText()).isEqualTo(recipe);
        assertThat(p.path("infrastructureConfigurationArn").asText()).isEqualTo(infra);
        assertThat(p.has("distributionConfigurationArn")).isFalse();
        assertThat(p.path("status").asText()).isEqualTo("ENABLED");
        assertThat(p.path("enhancedImageMetadataEnabled").asBoolean()).isTrue();
        assertThat(p.at("/imageTestsConfiguration/imageTestsEnabled").asBoolean()).isTrue();
        assertThat(p.at("/imageTestsConfiguration/timeoutMinutes").asInt()).isEqualTo(720);
        assertThat(p.at("/schedule/pipelineExecutionStartCondition").asText())
                .isEqualTo("EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE");
        assertThat(p.path("dateCreated").asText()).isEqualTo("2026-11-26T10:00:00.000Z");
        assertThat(p.path("dateUpdated").asText()).isEqualTo("2026-11-26T10:00:00.000Z");
        assertThat(p.path("dateNextRun").asText()).isEqualTo("2026-11-27T02:00:00.000Z");
        assertThat(p.has("dateLastRun")).isFalse();
        assertThat(p.has("lastRunStatus")).isFalse();
        assertThat(p.path("consecutiveFailures").asInt()).isZero();
        assertThat(p.path("tags").isObject()).isTrue();
        assertError(() -> create(me, request("Nightly Build")), ErrorType.ResourceAlreadyExistsException);
    }

    @Test
    void dateNextRunFollowsTheClockTheTimezoneAndTheStatus() {
        ObjectNode in = request("la");
        in.putObject("schedule").put("scheduleExpression", "cron(0 9 ? * MON-FRI *)")
                .put("timezone", "America/Los_Angeles");
        String arn = create(me, in);
        assertThat(get(me, arn).path("dateNextRun").asText()).isEqualTo("2026-11-26T17:00:00.000Z");
        clock.set("2026-11-27T18:00:00Z"); // Friday 10:00 in Los Angeles: next is Monday
        assertThat(get(me, arn).path("dateNextRun").asText()).isEqualTo("2026-11-30T17:00:00.000Z");
        ObjectNode rate = request("hourly").put("status", "ENABLED");
        rate.putObject("schedule").put("scheduleExpression", "rate(1 hour)");
        String hourly = create(me, rate);
        assertThat(get(me, hourly).path("dateNextRun").asText()).isEqualTo("2026-11-27T19:00:00.000Z");
        ObjectNode disabled = request("off").put("status", "DISABLED");
        disabled.putObject("schedule").put("scheduleExpression", "rate(1 hour)");
        assertThat(get(me, create(me, disabled)).has("dateNextRun")).isFalse();
        assertThat(get(me, create(me, request("manual"))).has("dateNextRun")).isFalse();
    }

    @Test
    void badSchedulesAreRefusedNamingTheField() {
        ObjectNode cron = request("bad");
        cron.putObject("schedule").put("scheduleExpression", "cron(0 10 * * *)");
        assertError(() -> create(me, cron), ErrorType.InvalidParameterValueException, "'schedule.scheduleExpression'");
        ObjectNode zone = request("bad");
        zone.putObject("schedule").put("scheduleExpression", "rate(1 day)").put("timezone", "Moon/Tranquility");
        assertThatThrownBy(() -> create(me, zone)).hasMessageContaining("'schedule.timezone'");
        assertThat(api.call(me, "ListImagePipelines", Json.object()).path("imagePipelineList")).isEmpty();
    }

    @Test
    void exactlyOneRecipeAndExistingReferencesAreNeeded() {
        String container = Fixtures.containerRecipe(store, me, "api", "1.0.0").arn();
        assertError(() -> create(me, request("both").put("containerRecipeArn", container)),
                ErrorType.InvalidParameterCombinationException);
        ObjectNode neither = request("neither");
        neither.remove("imageRecipeArn");
        assertError(() -> create(me, neither), ErrorType.InvalidRequestException);
        assertError(() -> create(me, request("x").put("imageRecipeArn", ME + "image-recipe/missing/1.0.0")),
                ErrorType.ResourceNotFoundException);
        assertError(() -> create(me, request("x")
                .put("infrastructureConfigurationArn", ME + "infrastructure-configuration/missing")),
                        ErrorType.ResourceNotFoundException);
        assertError(() -> create(me, request("x")
                .put("distributionConfigurationArn", ME + "distribution-configuration/missing")),
                        ErrorType.ResourceNotFoundException);
        String container2 = create(me, request("containers").put("containerRecipeArn", container)
                .put("distributionConfigurationArn", dist).putNull("imageRecipeArn"));
        assertThat(get(me, container2).path("containerRecipeArn").asText()).isEqualTo(container);
    }

    @Test
    void aWildcardRecipeIsKeptAsGivenAndResolvedAtEachStart() {
        String wildcard = ME + "image-recipe/web-server/1.x.x";
        String arn = create(me, request("latest").put("imageRecipeArn", wildcard));
        assertThat(get(me, arn).path("imageRecipeArn").asText()).isEqualTo(wildcard);
        String first = start(me, arn);
        assertThat(first).isEqualTo(ME + "image/web-server/1.0.0/1");
        Fixtures.setStatus(store, first, "AVAILABLE");
        Fixtures.imageRecipe(store, me, "Web Server", "1.1.0", BASE);
        Fixtures.imageRecipe(store, me, "Web Server", "2.0.0", BASE);
        assertThat(start(me, arn)).isEqualTo(ME + "image/web-server/1.1.0/1");
    }

    @Test
    void startRecordsAPendingImageOfThePipeline() {
        ObjectNode in = request("web").put("distributionConfigurationArn", dist).put("enhancedImageMetadataEnabled", false);
        in.putObject("imageTags").put("built-by", "kiln").put("stage", "test");
        in.putObject("loggingConfiguration").put("imageLogGroupName", "/kiln/web");
        String pipeline = create(me, in);
        ObjectNode run = Json.object().put("imagePipelineArn", pipeline).put("clientToken", "run-1");
        run.putObject("tags").put("stage", "prod");
        clock.advance(Duration.ofMinutes(5));
        String image = api.call(me, "StartImagePipelineExecution", run).path("imageBuildVersionArn").asText();
        assertThat(image).isEqualTo(ME + "image/web-server/1.0.0/1");
        JsonNode i = api.call(me, "GetImage", Json.object().put("imageBuildVersionArn", image)).path("image");
        assertThat(i.at("/state/status").asText()).isEqualTo("PENDING");
        assertThat(i.path("sourcePipelineArn").asText()).isEqualTo(pipeline);
        assertThat(i.path("sourcePipelineName").asText()).isEqualTo("web");
        assertThat(i.path("buildType").asText()).isEqualTo("USER_INITIATED");
        assertThat(i.path("enhancedImageMetadataEnabled").asBoolean()).isFalse();
        assertThat(i.at("/distributionConfiguration/arn").asText()).isEqualTo(dist);
        assertThat(i.at("/tags/built-by").asText()).isEqualTo("kiln");
        assertThat(i.at("/tags/stage").asText()).isEqualTo("prod");
        assertThat(i.at("/loggingConfiguration/logGroupName").asText()).isEqualTo("/kiln/web");
        JsonNode p = get(me, pipeline);
        assertThat(p.path("dateLastRun").asText()).isEqualTo("2026-11-26T10:05:00.000Z");
        assertThat(p.path("lastRunStatus").asText()).isEqualTo("PENDING");
        Fixtures.setStatus(store, image, "BUILDING");
        assertThat(get(me, pipeline).path("lastRunStatus").asText()).isEqualTo("BUILDING");
        // The same clientToken answers the same image, not a second execution.
        assertThat(api.call(me, "StartImagePipelineExecution", run.deepCopy()).path("imageBuildVersionArn")
                .asText()).isEqualTo(image);
    }

    @Test
    void aPipelineRunsOneExecutionAtATime() {
        String pipeline = create(me, request("once"));
        String first = start(me, pipeline);
        for (String status : new String[] {"PENDING", "BUILDING", "TESTING", "DISTRIBUTING"}) {
            Fixtures.setStatus(store, first, status);
            assertError(() -> start(me, pipeline),
                    ErrorType.ResourceInUseException).hasMessageContaining(first).hasMessageContaining(status);
        }
        Fixtures.setStatus(store, first, "FAILED");
        String second = start(me, pipeline);
        assertThat(second).endsWith("/1.0.0/2");
        api.call(me, "CancelImageCreation", Json.object().put("imageBuildVersionArn", second).put("clientToken", "c"));
        assertThat(start(me, pipeline)).endsWith("/1.0.0/3");
        // Another pipeline of the same recipe, and CreateImage, are not held up.
        String another = create(me, request("twin"));
        assertThat(start(me, another)).endsWith("/1.0.0/4");
        assertThat(api.call(me, "CreateImage", Json.object().put("imageRecipeArn", recipe)
                .put("infrastructureConfigurationArn", infra).put("clientToken", "ci")).path("imageBuildVersionArn")
                .asText()).endsWith("/1.0.0/5");
    }

    @Test
    void concurrentStartsMakeExactlyOneExecution() throws Exception {
        String pipeline = create(me, request("race"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<String> call = () -> {
                    try {
                        return start(me, pipeline);
                    } catch (ApiException e) {
                        return e.type().name();
                    }
                };
                results.add(pool.submit(call));
            }
            List<String> answers = new ArrayList<>();
            for (Future<String> f : results) {
                answers.add(f.get());
            }
            assertThat(answers).filteredOn(a -> a.startsWith("arn:")).hasSize(1);
            assertThat(answers).filteredOn(a -> a.equals("ResourceInUseException")).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDisabledPipelineCanStillBeStartedByHand() {
        String pipeline = create(me, request("manual-only").put("status", "DISABLED"));
        assertThat(start(me, pipeline)).endsWith("/1.0.0/1");
    }

    @Test
    void updateReplacesThePipelineWhole() {
        ObjectNode in = request("replace").put("description", "first").put("distributionConfigurationArn", dist);
        in.putObject("schedule").put("scheduleExpression", "rate(1 day)").put("timezone", "Europe/Berlin");
        in.putObject("imageTestsConfiguration").put("imageTestsEnabled", false).put("timeoutMinutes", 60);
        in.putObject("tags").put("owner", "ops");
        String arn = create(me, in);
        start(me, arn);
        clock.advance(Duration.ofHours(1));
        ObjectNode update = Json.object().put("imagePipelineArn", arn).put("imageRecipeArn", recipe)
                .put("infrastructureConfigurationArn", infra).put("status", "DISABLED").put("clientToken", "u1");
        assertThat(api.call(me, "UpdateImagePipeline", update).path("imagePipelineArn").asText()).isEqualTo(arn);
        JsonNode p = get(me, arn);
        assertThat(p.has("description")).isFalse();
        assertThat(p.has("distributionConfigurationArn")).isFalse();
        assertThat(p.has("schedule")).isFalse();
        assertThat(p.has("dateNextRun")).isFalse();
        assertThat(p.at("/imageTestsConfiguration/imageTestsEnabled").asBoolean()).isTrue();
        assertThat(p.path("status").asText()).isEqualTo("DISABLED");
        assertThat(p.path("dateCreated").asText()).isEqualTo("2026-11-26T10:00:00.000Z");
        assertThat(p.path("dateUpdated").asText()).isEqualTo("2026-11-26T11:00:00.000Z");
        assertThat(p.path("dateLastRun").asText()).isEqualTo("2026-11-26T10:00:00.000Z");
        assertThat(p.at("/tags/owner").asText()).isEqualTo("ops");
        assertThat(p.path("name").asText()).isEqualTo("replace");
        assertThat(p.path("consecutiveFailures").asInt()).isZero();

        ObjectNode badSchedule = update.deepCopy().put("clientToken", "u2");
        badSchedule.putObject("schedule").put("scheduleExpression", "rate(1 days)");
        assertError(() -> api.call(me, "UpdateImagePipeline", badSchedule), ErrorType.InvalidParameterValueException);
        ObjectNode missing = update.deepCopy().put("clientToken", "u3")
                .put("imagePipelineArn", ME + "image-pipeline/missing");
        assertError(() -> api.call(me, "UpdateImagePipeline", missing), ErrorType.ResourceNotFoundException);
        ObjectNode both = update.deepCopy().put("clientToken", "u4")
                .put("containerRecipeArn", Fixtures.containerRecipe(store, me, "api", "1.0.0").arn());
        assertError(() -> api.call(me, "UpdateImagePipeline", both), ErrorType.InvalidParameterCombinationException);
    }

    @Test
    void listFiltersAndPages() {
        for (int i = 0; i < 27; i++) {
            create(me, request(String.format("pipe-%02d", i)).put("status", i % 3 == 0 ? "DISABLED" : "ENABLED"));
        }
        ObjectNode page1 = api.call(me, "ListImagePipelines", Json.object());
        assertThat(page1.path("imagePipelineList")).hasSize(25);
        assertThat(page1.at("/imagePipelineList/0/name").asText()).isEqualTo("pipe-00");
        ObjectNode page2 = api.call(me, "ListImagePipelines",
                Json.object().put("nextToken", page1.path("nextToken").asText()));
        assertThat(page2.path("imagePipelineList")).hasSize(2);
        assertThat(page2.has("nextToken")).isFalse();
        assertThat(api.call(me, "ListImagePipelines", filter("status", "DISABLED")).path("imagePipelineList"))
                .hasSize(9);
        assertThat(api.call(me, "ListImagePipelines", filter("name", "pipe-07")).path("imagePipelineList"))
                .hasSize(1);
        assertThat(api.call(me, "ListImagePipelines", filter("imageRecipeArn", recipe)).path("imagePipelineList"))
                .hasSize(25);
        String pipe = ME + "image-pipeline/pipe-01";
        start(me, pipe);
        JsonNode listed = api.call(me, "ListImagePipelines", filter("name", "pipe-01")).path("imagePipelineList");
        assertThat(listed.at("/0/lastRunStatus").asText()).isEqualTo("PENDING");
        assertError(() -> api.call(me, "ListImagePipelines", filter("platform", "Linux")),
                ErrorType.InvalidRequestException);
    }

    private static ObjectNode filter(String name, String value) {
        ObjectNode in = Json.object();
        in.putArray("filters").addObject().put("name", name).putArray("values").add(value);
        return in;
    }

    @Test
    void listImagePipelineImagesListsOnlyThatPipelinesImages() {
        String pipeline = create(me, request("mine"));
        String twin = create(me, request("twin"));
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(1));
            String image = start(me, pipeline);
            started.add(0, image);
            Fixtures.setStatus(store, image, "AVAILABLE");
        }
        start(me, twin);
        ObjectNode in = Json.object().put("imagePipelineArn", pipeline);
        JsonNode list = api.call(me, "ListImagePipelineImages", in).path("imageSummaryList");
        assertThat(list).extracting(n -> n.path("arn").asText()).containsExactlyElementsOf(started);
        assertThat(list.get(0).at("/state/status").asText()).isEqualTo("AVAILABLE");
        ObjectNode page = in.deepCopy().put("maxResults", 2);
        ObjectNode page1 = api.call(me, "ListImagePipelineImages", page);
        assertThat(page1.path("imageSummaryList")).hasSize(2);
        assertThat(api.call(me, "ListImagePipelineImages", page.deepCopy()
                .put("nextToken", page1.path("nextToken").asText())).path("imageSummaryList")).hasSize(1);
        ObjectNode byVersion = in.deepCopy();
        byVersion.putArray("filters").addObject().put("name", "version").putArray("values").add("9.9.9");
        assertThat(api.call(me, "ListImagePipelineImages", byVersion).path("imageSummaryList")).isEmpty();
        assertError(() -> api.call(me, "ListImagePipelineImages",
                Json.object().put("imagePipelineArn", ME + "image-pipeline/missing")),
                        ErrorType.ResourceNotFoundException);
    }

    @Test
    void deleteRemovesThePipelineButNotItsImages() {
        String pipeline = create(me, request("gone"));
        String image = start(me, pipeline);
        ObjectNode in = Json.object().put("imagePipelineArn", pipeline);
        assertThat(api.call(me, "DeleteImagePipeline", in).path("imagePipelineArn").asText()).isEqualTo(pipeline);
        assertError(() -> get(me, pipeline), ErrorType.ResourceNotFoundException);
        assertError(() -> api.call(me, "DeleteImagePipeline", in), ErrorType.ResourceNotFoundException);
        assertThat(store.get(image)).isPresent();
    }

    @Test
    void otherAccountsAndRegionsCannotSeeOrRunThePipeline() {
        String pipeline = create(me, request("private"));
        for (CallContext stranger : new CallContext[] {other, west}) {
            assertError(() -> get(stranger, pipeline), ErrorType.ResourceNotFoundException);
            assertError(() -> start(stranger, pipeline), ErrorType.ResourceNotFoundException);
            assertThat(api.call(stranger, "ListImagePipelines", Json.object()).path("imagePipelineList")).isEmpty();
            assertError(() -> api.call(stranger, "DeleteImagePipeline",
                    Json.object().put("imagePipelineArn", pipeline)), ErrorType.ResourceNotFoundException);
            assertError(() -> api.call(stranger, "ListImagePipelineImages",
                    Json.object().put("imagePipelineArn", pipeline)), ErrorType.ResourceNotFoundException);
        }
        // Another account may name its pipeline the same, with its own recipe and configuration.
        ObjectNode theirs = Json.object().put("name", "private")
                .put("imageRecipeArn", Fixtures.imageRecipe(store, other, "r", "1.0.0", BASE).arn())
                .put("infrastructureConfigurationArn", Fixtures.infrastructure(store, other, "i").arn())
                .put("clientToken", "t");
        assertThat(create(other, theirs)).isEqualTo("arn:aws:imagebuilder:us-east-1:222222222222:image-pipeline/private");
        // ... but not with my recipe.
        ObjectNode borrowed = theirs.deepCopy().put("name", "borrowed").put("imageRecipeArn", recipe)
                .put("clientToken", "t2");
        assertError(() -> create(other, borrowed), ErrorType.ResourceNotFoundException);
    }
}
