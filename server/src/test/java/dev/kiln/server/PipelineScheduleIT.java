package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.BuildType;
import software.amazon.awssdk.services.imagebuilder.model.ImagePipeline;
import software.amazon.awssdk.services.imagebuilder.model.ImageStatus;
import software.amazon.awssdk.services.imagebuilder.model.ImageSummary;
import software.amazon.awssdk.services.imagebuilder.model.PipelineExecutionStartCondition;
import software.amazon.awssdk.services.imagebuilder.model.Platform;

/** A scheduled pipeline, through the AWS SDK, against the real clock. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineScheduleIT {
    private static final String REGION = KilnTestServer.EAST;
    private static final String HELLO = """
            name: Hello
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - name: Say
                    action: ExecuteBash
                    inputs:
                      commands: [echo hello]
            """;

    @RegisterExtension
    static final KilnServerExtension kiln = KilnServerExtension.inRegions(REGION)
            .configured(c -> c.withBuilds(1).withBaseImagesFolder(ImagePipelineIT.BASE_IMAGES));

    ImagebuilderClient api;

    @BeforeAll
    void start() {
        api = kiln.imageBuilder(REGION);
    }

    @Test
    void aRateOneMinutePipelineRunsOnTimeAndAnswersItsNextRun() throws InterruptedException {
        String component = api.createComponent(r -> r.name("hello").semanticVersion("1.0.0")
                .platform(Platform.LINUX).data(HELLO)).componentBuildVersionArn();
        String recipe = api.createImageRecipe(r -> r.name("every-minute").semanticVersion("1.0.0")
                .parentImage("arn:aws:imagebuilder:" + REGION + ":aws:image/debian-12-x86/x.x.x")
                .components(c -> c.componentArn(component))).imageRecipeArn();
        String infra = api.createInfrastructureConfiguration(r -> r.name("sandbox").instanceProfileName("kiln")
                .instanceTypes("kiln.sandbox")).infrastructureConfigurationArn();
        String pipeline = api.createImagePipeline(r -> r.name("every-minute").imageRecipeArn(recipe)
                .infrastructureConfigurationArn(infra).imageTestsConfiguration(t -> t.imageTestsEnabled(false))
                .schedule(s -> s.scheduleExpression("rate(1 minute)")
                        .pipelineExecutionStartCondition(PipelineExecutionStartCondition.EXPRESSION_MATCH_ONLY)))
                .imagePipelineArn();

        ImagePipeline created = get(pipeline);
        // A rate counts from the minute the schedule was set.
        Instant due = Instant.parse(created.dateUpdated()).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        assertThat(Instant.parse(created.dateNextRun())).isEqualTo(due);
        assertThat(created.dateLastRun()).isNull();

        ImageSummary image = awaitImages(pipeline, 1, Duration.ofSeconds(75)).get(0);

        assertThat(image.buildType()).isEqualTo(BuildType.SCHEDULED);
        // The scheduler's thread wakes at the due time; 5 s allows for a loaded machine.
        assertThat(Instant.parse(image.dateCreated())).isBetween(due, due.plusSeconds(5));
        ImagePipeline ran = get(pipeline);
        assertThat(Instant.parse(ran.dateLastRun())).isEqualTo(Instant.parse(image.dateCreated()));
        assertThat(Instant.parse(ran.dateNextRun())).isEqualTo(due.plus(Duration.ofMinutes(1)));
        api.deleteImagePipeline(r -> r.imagePipelineArn(pipeline));
    }

    @Test
    void theDependencyConditionSkipsARunUntilANewComponentVersionAppears() throws InterruptedException {
        String first = api.createComponent(r -> r.name("tools").semanticVersion("1.0.0")
                .platform(Platform.LINUX).data(HELLO)).componentBuildVersionArn();
        String newest = first.replace("/1.0.0/1", "/x.x.x");
        String recipe = api.createImageRecipe(r -> r.name("on-updates").semanticVersion("1.0.0")
                .parentImage("arn:aws:imagebuilder:" + REGION + ":aws:image/debian-12-x86/x.x.x")
                .components(c -> c.componentArn(newest))).imageRecipeArn();
        String infra = api.createInfrastructureConfiguration(r -> r.name("sandbox-2").instanceProfileName("kiln")
                .instanceTypes("kiln.sandbox")).infrastructureConfigurationArn();
        String pipeline = api.createImagePipeline(r -> r.name("on-updates").imageRecipeArn(recipe)
                .infrastructureConfigurationArn(infra).imageTestsConfiguration(t -> t.imageTestsEnabled(false))
                .schedule(s -> s.scheduleExpression("rate(1 minute)"))).imagePipelineArn();

        // The first match builds: there is no successful build to compare with.
        ImageSummary built = awaitImages(pipeline, 1, Duration.ofSeconds(75)).get(0);
        awaitAvailable(built.arn(), Duration.ofSeconds(90));
        // The next match finds the same component and parent image: no new image.
        Instant next = Instant.parse(get(pipeline).dateNextRun());
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), next).toMillis()) + 5_000);
        assertThat(api.listImagePipelineImages(r -> r.imagePipelineArn(pipeline)).imageSummaryList()).hasSize(1);
        assertThat(Instant.parse(get(pipeline).dateNextRun())).isAfter(next);

        api.createComponent(r -> r.name("tools").semanticVersion("1.0.1").platform(Platform.LINUX).data(HELLO));

        ImageSummary rebuilt = awaitImages(pipeline, 2, Duration.ofSeconds(75)).get(0);
        assertThat(rebuilt.buildType()).isEqualTo(BuildType.SCHEDULED);
        assertThat(rebuilt.arn()).isNotEqualTo(built.arn());
        api.deleteImagePipeline(r -> r.imagePipelineArn(pipeline));
    }

    private void awaitAvailable(String image, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ImageStatus status;
        do {
            status = api.getImage(r -> r.imageBuildVersionArn(image)).image().state().status();
            if (status == ImageStatus.AVAILABLE) {
                return;
            }
            assertThat(status).as(image).isNotIn(ImageStatus.FAILED, ImageStatus.CANCELLED);
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the image " + image + " is still " + status + " after " + timeout);
    }

    private ImagePipeline get(String pipeline) {
        return api.getImagePipeline(r -> r.imagePipelineArn(pipeline)).imagePipeline();
    }

    /** The pipeline's images, newest first, once there are {@code count}. */
    private List<ImageSummary> awaitImages(String pipeline, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            List<ImageSummary> images = api.listImagePipelineImages(r -> r.imagePipelineArn(pipeline))
                    .imageSummaryList();
            if (images.size() >= count) {
                return images;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the pipeline " + pipeline + " did not start " + count + " images within " + timeout
                + "; it is " + get(pipeline));
    }
}
