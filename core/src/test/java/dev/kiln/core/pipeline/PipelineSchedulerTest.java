package dev.kiln.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.ImageBuilderApi;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.image.BaseImages;
import dev.kiln.core.image.ImageBuildEvents;
import dev.kiln.core.image.TestClock;
import dev.kiln.core.resource.Json;
import dev.kiln.core.store.Database;
import dev.kiln.core.store.StoredResource;
import dev.kiln.core.testing.InMemoryStore;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipelineSchedulerTest {
    private static final String BASE = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x";
    private static final String MATCH_ONLY = "EXPRESSION_MATCH_ONLY";

    private final InMemoryStore store = new InMemoryStore();
    // A Thursday.
    private final TestClock clock = new TestClock("2026-11-26T10:00:00Z");
    private final ImageBuilderService service = ImageBuilderApi.create(store, store, clock, Set.of("us-east-1"));
    private final CallContext me = new CallContext("111111111111", "us-east-1", "req");
    private final PipelineScheduler scheduler = new PipelineScheduler(store, clock, ImageBuildEvents.NONE);
    private final String infra;

    PipelineSchedulerTest() {
        new BaseImages(store, clock).seed(List.of("us-east-1"));
        infra = call("CreateInfrastructureConfiguration", Json.object().put("name", "small")
                .put("instanceProfileName", "kiln")).path("infrastructureConfigurationArn").asText();
    }

    private ObjectNode call(String operation, ObjectNode in) {
        in.put("clientToken", UUID.randomUUID().toString());
        return service.call(me, operation, in);
    }

    private String component(String version) {
        String yaml = "name: tools\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Make\n"
                + "        action: ExecuteBash\n        inputs:\n          commands:\n            - echo hi\n";
        return call("CreateComponent", Json.object().put("name", "tools").put("semanticVersion", version)
                .put("platform", "Linux").put("data", yaml)).path("componentBuildVersionArn").asText();
    }

    /** A pipeline whose recipe takes the newest tools component (x.x.x). */
    private String pipeline(String expression, String timezone, String condition, String status) {
        component("1.0.0");
        ObjectNode recipe = Json.object().put("name", "web").put("semanticVersion", "1.0.0").put("parentImage", BASE);
        recipe.putArray("components").addObject()
                .put("componentArn", "arn:aws:imagebuilder:us-east-1:111111111111:component/tools/x.x.x");
        String recipeArn = call("CreateImageRecipe", recipe).path("imageRecipeArn").asText();
        ObjectNode in = Json.object().put("name", "nightly").put("imageRecipeArn", recipeArn)
                .put("infrastructureConfigurationArn", infra).put("status", status);
        ObjectNode schedule = in.putObject("schedule").put("scheduleExpression", expression);
        if (timezone != null) {
            schedule.put("timezone", timezone);
        }
        if (condition != null) {
            schedule.put("pipelineExecutionStartCondition", condition);
        }
        return call("CreateImagePipeline", in).path("imagePipelineArn").asText();
    }

    private String pipeline(String expression) {
        return pipeline(expression, null, MATCH_ONLY, "ENABLED");
    }

    private JsonNode get(String pipeline) {
        return call("GetImagePipeline", Json.object().put("imagePipelineArn", pipeline)).path("imagePipeline");
    }

    /** Ends a build as the build worker would, recording what it resolved when it succeeds. */
    private void finish(String imageArn, String status) {
        StoredResource image = store.get(imageArn).orElseThrow();
        ObjectNode body = image.body().deepCopy();
        body.putObject("state").put("status", status);
        body.set(Dependencies.MEMBER, Dependencies.current(store, me, body.path("imageRecipe")));
        store.update(image.withBody(body));
    }

    /** Wakes the scheduler as its thread would (at each next match) n times; each build ends AVAILABLE. */
    private List<Instant> nextRuns(int n) {
        List<Instant> runs = new ArrayList<>();
        scheduler.runDue();
        for (int i = 0; i < n; i++) {
            clock.set(scheduler.nextDue().orElseThrow().plusMillis(20).toString());
            for (PipelineScheduler.Outcome o : scheduler.runDue()) {
                assertThat(o.started()).as(o.skipReason()).isTrue();
                runs.add(o.match());
                finish(o.imageArn(), "AVAILABLE");
            }
        }
        return runs;
    }

    /** Polls every {@code step} for {@code total}; each build ends AVAILABLE. @return the matches run */
    private List<Instant> poll(Duration total, Duration step) {
        List<Instant> runs = new ArrayList<>();
        Instant end = clock.instant().plus(total);
        while (clock.instant().isBefore(end)) {
            clock.advance(step);
            for (PipelineScheduler.Outcome o : scheduler.runDue()) {
                runs.add(o.match());
                finish(o.imageArn(), "AVAILABLE");
            }
        }
        return runs;
    }

    @Test
    void ofTwoServersSharingADatabaseOnlyTheLeaseHolderRunsAMatch() {
        try (Database db = Database.open("jdbc:h2:mem:leases-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")) {
            PipelineScheduler first = new PipelineScheduler(store, db.leases(), clock, ImageBuildEvents.NONE);
            PipelineScheduler second = new PipelineScheduler(store, db.leases(), clock, ImageBuildEvents.NONE);
            pipeline("rate(1 hour)");
            // The first takes the lease and renews it on each pass, every 30 s as its thread would.
            while (clock.instant().isBefore(Instant.parse("2026-11-26T10:59:50Z"))) {
                assertThat(first.runDue()).isEmpty();
                clock.advance(Duration.ofSeconds(30));
            }
            clock.advance(Duration.ofSeconds(30));

            assertThat(second.runDue()).isEmpty();
            List<PipelineScheduler.Outcome> ran = first.runDue();

            assertThat(ran).hasSize(1);
            assertThat(ran.get(0).started()).isTrue();
        }
    }

    @Test
    void anotherServerTakesTheSchedulesOverWhenTheHolderStopsOrDies() {
        try (Database db = Database.open("jdbc:h2:mem:leases-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")) {
            PipelineScheduler first = new PipelineScheduler(store, db.leases(), clock, ImageBuildEvents.NONE);
            PipelineScheduler second = new PipelineScheduler(store, db.leases(), clock, ImageBuildEvents.NONE);
            PipelineScheduler third = new PipelineScheduler(store, db.leases(), clock, ImageBuildEvents.NONE);
            String pipeline = pipeline("rate(1 hour)");
            first.runDue();

            first.close();
            clock.advance(Duration.ofMinutes(61));
            List<PipelineScheduler.Outcome> afterStop = second.runDue();
            finish(afterStop.get(0).imageArn(), "AVAILABLE");
            // The second dies without a word: its lease expires, and the third runs what it missed, once.
            clock.advance(Duration.ofHours(3));
            List<PipelineScheduler.Outcome> afterDeath = third.runDue();

            assertThat(afterStop).hasSize(1);
            assertThat(afterDeath).hasSize(1);
            assertThat(get(pipeline).path("dateLastRun").asText()).isNotEmpty();
        }
    }

    @Test
    void rateOneHourRunsEveryHourForDays() {
        pipeline("rate(1 hour)");

        List<Instant> runs = poll(Duration.ofDays(3), Duration.ofMinutes(1));

        assertThat(runs).hasSize(72);
        for (int i = 0; i < runs.size(); i++) {
            assertThat(runs.get(i)).isEqualTo(Instant.parse("2026-11-26T10:00:00Z").plus(Duration.ofHours(i + 1)));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cron(0 10 * * ? *)|2026-11-27T10:00:00Z|2026-11-28T10:00:00Z|2026-11-29T10:00:00Z",
        "cron(15 12 * * ? *)|2026-11-26T12:15:00Z|2026-11-27T12:15:00Z|2026-11-28T12:15:00Z",
        "cron(0 18 ? * MON-FRI *)|2026-11-26T18:00:00Z|2026-11-27T18:00:00Z|2026-11-30T18:00:00Z",
        "cron(0 8 1 * ? *)|2026-12-01T08:00:00Z|2027-01-01T08:00:00Z|2027-02-01T08:00:00Z",
        "cron(0/10 * ? * MON-FRI *)|2026-11-26T10:10:00Z|2026-11-26T10:20:00Z|2026-11-26T10:30:00Z",
        "cron(0/5 8-17 ? * MON-FRI *)|2026-11-26T10:05:00Z|2026-11-26T10:10:00Z|2026-11-26T10:15:00Z",
        "cron(30 22 ? * tue#2 *)|2026-12-08T22:30:00Z|2027-01-12T22:30:00Z|2027-02-09T22:30:00Z"})
    void awsDocumentedCronExamplesRunAtTheirMatches(String expression, String first, String second, String third) {
        String arn = pipeline(expression);

        assertThat(Instant.parse(get(arn).path("dateNextRun").asText())).isEqualTo(first);
        assertThat(nextRuns(3)).containsExactly(Instant.parse(first), Instant.parse(second), Instant.parse(third));
        assertThat(get(arn).path("dateLastRun").asText()).startsWith(third.substring(0, 16));
    }

    @Test
    void workingHoursCronRunsTwelveTimesAnHourOnWeekdaysOnly() {
        pipeline("cron(0/5 8-17 ? * MON-FRI *)");

        // Thursday 10:05 to the next Thursday 10:00: five working days of 10 hours, 12 runs an hour.
        List<Instant> runs = nextRuns(5 * 10 * 12);

        assertThat(runs.get(runs.size() - 1)).isEqualTo("2026-12-03T10:00:00Z");
        assertThat(runs).extracting(r -> r.atZone(ZoneOffset.UTC))
                .allSatisfy(r -> assertThat(r.getHour()).isBetween(8, 17))
                .noneSatisfy(r -> assertThat(r.getDayOfWeek()).isIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
    }

    @Test
    void followsTheTimeZoneAcrossADaylightSavingChange() {
        clock.set("2027-03-26T12:00:00Z");
        pipeline("cron(0 10 * * ? *)", "Europe/Berlin", MATCH_ONLY, "ENABLED");

        // Berlin moves from UTC+1 to UTC+2 on Sunday 28 March 2027.
        assertThat(nextRuns(3)).containsExactly(Instant.parse("2027-03-27T09:00:00Z"),
                Instant.parse("2027-03-28T08:00:00Z"), Instant.parse("2027-03-29T08:00:00Z"));
    }

    @Test
    void aScheduleMissedWhileDownRunsOnceNotOncePerMatch() {
        String arn = pipeline("rate(1 hour)");
        clock.advance(Duration.ofDays(10));

        List<PipelineScheduler.Outcome> first = scheduler.runDue();
        List<PipelineScheduler.Outcome> again = scheduler.runDue();

        assertThat(first).hasSize(1);
        assertThat(first.get(0).started()).isTrue();
        assertThat(again).isEmpty();
        assertThat(scheduler.nextDue()).contains(Instant.parse("2026-12-06T11:00:00Z"));
        assertThat(Instant.parse(get(arn).path("dateNextRun").asText())).isEqualTo("2026-12-06T11:00:00Z");
    }

    @Test
    void aDisabledPipelineDoesNotRunOnScheduleButStartsByHand() {
        String arn = pipeline("rate(1 hour)", null, MATCH_ONLY, "DISABLED");

        assertThat(poll(Duration.ofDays(1), Duration.ofMinutes(10))).isEmpty();
        String image = call("StartImagePipelineExecution", Json.object().put("imagePipelineArn", arn))
                .path("imageBuildVersionArn").asText();
        assertThat(store.get(image).orElseThrow().body().path("buildType").asText()).isEqualTo("USER_INITIATED");
    }

    @Test
    void aMatchWhileAnExecutionIsInProgressIsSkippedAndRecorded() {
        String arn = pipeline("rate(1 hour)");
        clock.advance(Duration.ofHours(1));
        String running = scheduler.runDue().get(0).imageArn();
        assertThat(store.get(running).orElseThrow().body().path("buildType").asText()).isEqualTo("SCHEDULED");

        clock.advance(Duration.ofHours(1));
        List<PipelineScheduler.Outcome> skipped = scheduler.runDue();

        assertThat(skipped).singleElement().satisfies(o -> assertThat(o.skipReason())
                .isEqualTo("an execution is in progress: image " + running + " is PENDING"));
        JsonNode skip = store.get(arn).orElseThrow().body().path(PipelineScheduler.LAST_SKIP);
        assertThat(skip.path("reason").asText()).contains("in progress");
        assertThat(Instant.parse(skip.path("match").asText())).isEqualTo("2026-11-26T12:00:00Z");
        assertThat(call("ListImagePipelineImages", Json.object().put("imagePipelineArn", arn))
                .path("imageSummaryList")).hasSize(1);
    }

    @Test
    void dependencyConditionSkipsUntilANewComponentVersionAppears() {
        String arn = pipeline("rate(1 day)", null, null, "ENABLED");
        assertThat(get(arn).path("schedule").path("pipelineExecutionStartCondition").asText())
                .isEqualTo("EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE");

        clock.advance(Duration.ofDays(1));
        PipelineScheduler.Outcome firstBuild = scheduler.runDue().get(0);
        assertThat(firstBuild.started()).as("no successful build yet").isTrue();
        finish(firstBuild.imageArn(), "AVAILABLE");

        clock.advance(Duration.ofDays(1));
        assertThat(scheduler.runDue()).singleElement()
                .satisfies(o -> assertThat(o.skipReason()).startsWith("no dependency update"));
        assertThat(store.get(arn).orElseThrow().body().path(PipelineScheduler.LAST_SKIP).path("reason").asText())
                .contains(firstBuild.imageArn());

        component("1.0.1");
        clock.advance(Duration.ofDays(1));
        PipelineScheduler.Outcome rebuilt = scheduler.runDue().get(0);
        assertThat(rebuilt.started()).as(rebuilt.skipReason()).isTrue();
        finish(rebuilt.imageArn(), "AVAILABLE");
        assertThat(store.get(rebuilt.imageArn()).orElseThrow().body().at("/kilnResolved/components/0").asText())
                .endsWith("component/tools/1.0.1/1");

        clock.advance(Duration.ofDays(1));
        assertThat(scheduler.runDue().get(0).started()).isFalse();
    }

    @Test
    void consecutiveFailuresAreCountedAndDisableThePipelineAtTheFailureCount() {
        String arn = pipeline("rate(1 hour)");
        ObjectNode update = store.get(arn).orElseThrow().body().deepCopy();
        ((ObjectNode) update.path("schedule")).putObject("autoDisablePolicy").put("failureCount", 2);
        store.update(store.get(arn).orElseThrow().withBody(update));

        List<String> statuses = List.of("FAILED", "AVAILABLE", "FAILED", "FAILED");
        for (String status : statuses) {
            clock.advance(Duration.ofHours(1));
            finish(scheduler.runDue().get(0).imageArn(), status);
            if (status.equals("AVAILABLE")) {
                scheduler.runDue();
                assertThat(get(arn).path("consecutiveFailures").asInt()).isZero();
            }
        }
        scheduler.runDue();

        JsonNode pipeline = get(arn);
        assertThat(pipeline.path("consecutiveFailures").asInt()).isEqualTo(2);
        assertThat(pipeline.path("lastRunStatus").asText()).isEqualTo("FAILED");
        assertThat(pipeline.path("status").asText()).isEqualTo("DISABLED");
        assertThat(poll(Duration.ofDays(1), Duration.ofMinutes(30))).isEmpty();
    }

    @Test
    void enablingAnAutoDisabledPipelineKeepsItsCountAndRunsFromTheUpdateOn() {
        String arn = pipeline("rate(1 hour)");
        JsonNode stored = store.get(arn).orElseThrow().body();
        ObjectNode update = Json.object().put("imagePipelineArn", arn)
                .put("imageRecipeArn", stored.path("imageRecipeArn").asText())
                .put("infrastructureConfigurationArn", infra).put("status", "ENABLED");
        update.set("schedule", stored.path("schedule").deepCopy());
        ((ObjectNode) update.path("schedule")).putObject("autoDisablePolicy").put("failureCount", 1);
        call("UpdateImagePipeline", update.deepCopy());
        clock.advance(Duration.ofHours(1));
        finish(scheduler.runDue().get(0).imageArn(), "FAILED");
        scheduler.runDue();
        assertThat(get(arn).path("status").asText()).isEqualTo("DISABLED");

        clock.advance(Duration.ofDays(2));
        call("UpdateImagePipeline", update.deepCopy());
        assertThat(scheduler.runDue()).as("no match since the update").isEmpty();
        assertThat(get(arn).path("consecutiveFailures").asInt()).isEqualTo(1);
        assertThat(get(arn).path("status").asText()).isEqualTo("ENABLED");

        clock.advance(Duration.ofHours(1));
        finish(scheduler.runDue().get(0).imageArn(), "FAILED");
        scheduler.runDue();
        assertThat(get(arn).path("consecutiveFailures").asInt()).isEqualTo(2);
        assertThat(get(arn).path("status").asText()).isEqualTo("DISABLED");
    }

    @Test
    void itsThreadStopsPromptlyOnClose() {
        PipelineScheduler running = new PipelineScheduler(store, java.time.Clock.systemUTC(),
                dev.kiln.core.image.ImageBuildEvents.NONE);
        running.start();
        long start = System.nanoTime();

        running.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
}
