package dev.kiln.core.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.distribution.DistributionOperations;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.image.BaseImages;
import dev.kiln.core.image.Fixtures;
import dev.kiln.core.image.ImageBuilds;
import dev.kiln.core.image.ImageOperations;
import dev.kiln.core.image.TestClock;
import dev.kiln.core.infrastructure.InfrastructureOperations;
import dev.kiln.core.pipeline.PipelineOperations;
import dev.kiln.core.testing.InMemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Every place that finds a resource by a plain ARN (the configurations' own operations, the pipelines'
 * operations, and images and pipelines naming configurations) refuses an ARN of another region or
 * another owner the same way: ResourceNotFound, as for a name that does not exist, whether or not
 * such a resource exists there; an ARN of another form is InvalidParameterValue.
 */
class PlainArnsTest {
    private static final String ME = "111111111111";
    private static final String OTHER = "222222222222";
    private static final String BASE = "arn:aws:imagebuilder:%s:aws:image/debian-12-x86/x.x.x";

    private final InMemoryStore store = new InMemoryStore();
    private final TestClock clock = new TestClock("2026-11-26T10:00:00Z");
    private final ImageBuilderService service = new ImageBuilderService(store);
    private final CallContext me = new CallContext(ME, "us-east-1", "req-1");
    private final CallContext other = new CallContext(OTHER, "us-east-1", "req-2");
    private final CallContext west = new CallContext(ME, "us-west-2", "req-3");

    /** Each context's recipe, infrastructure, distribution and pipeline, by context. */
    private record Owned(String recipe, String infrastructure, String distribution, String pipeline) {
    }

    private final Owned mine;
    private final Owned others;
    private final Owned wests;

    PlainArnsTest() {
        References references = new References(store);
        ImageBuilds builds = new ImageBuilds(store, clock);
        new InfrastructureOperations(store, references, clock).registerWith(service);
        new DistributionOperations(store, references, clock, Set.of("us-east-1", "us-west-2")).registerWith(service);
        new PipelineOperations(store, builds, clock).registerWith(service);
        new ImageOperations(store, builds, clock).registerWith(service);
        new BaseImages(store, clock).seed(List.of("us-east-1", "us-west-2"));
        mine = own(me);
        others = own(other);
        wests = own(west);
    }

    private Owned own(CallContext ctx) {
        String recipe = Fixtures.imageRecipe(store, ctx, "web", "1.0.0", BASE.formatted(ctx.region())).arn();
        String infra = Fixtures.infrastructure(store, ctx, "small").arn();
        String dist = Fixtures.distribution(store, ctx, "everywhere").arn();
        String pipeline = service.call(ctx, "CreateImagePipeline", Json.object().put("name", "nightly")
                .put("imageRecipeArn", recipe).put("infrastructureConfigurationArn", infra)
                .put("distributionConfigurationArn", dist)).path("imagePipelineArn").asText();
        return new Owned(recipe, infra, dist, pipeline);
    }

    /** My resource's ARN as if it were in another region or of another owner (no such resource there). */
    private static List<String> elsewhere(String arn) {
        return List.of(arn.replace(":us-east-1:", ":eu-west-1:"), arn.replace(":" + ME + ":", ":333333333333:"));
    }

    /** ARNs that name no resource of mine here: other accounts' and regions' resources, and made-up ones. */
    private List<String> notMine(Function<Owned, String> which) {
        List<String> arns = new ArrayList<>(List.of(which.apply(others), which.apply(wests)));
        arns.addAll(elsewhere(which.apply(mine)));
        return arns;
    }

    private static void assertNotFound(ThrowingCallable call, String what, String arn) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.ResourceNotFoundException);
            assertThat(e.getMessage()).isEqualTo("The " + what + " " + arn + " does not exist");
        });
    }

    private static void assertInvalid(ThrowingCallable call, String member) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.InvalidParameterValueException);
            assertThat(e.getMessage()).startsWith(member + " '");
        });
    }

    private ObjectNode call(String operation, ObjectNode in) {
        return service.call(me, operation, in);
    }

    @Test
    void theCallerFindsItsOwnResourcesEverywhere() {
        assertThat(call("GetInfrastructureConfiguration", Json.object()
                .put("infrastructureConfigurationArn", mine.infrastructure())).path("infrastructureConfiguration")
                .path("arn").asText()).isEqualTo(mine.infrastructure());
        assertThat(call("GetDistributionConfiguration", Json.object()
                .put("distributionConfigurationArn", mine.distribution())).path("distributionConfiguration")
                .path("arn").asText()).isEqualTo(mine.distribution());
        assertThat(call("GetImagePipeline", Json.object().put("imagePipelineArn", mine.pipeline()))
                .path("imagePipeline").path("arn").asText()).isEqualTo(mine.pipeline());
        assertThat(call("CreateImage", image(mine.infrastructure(), mine.distribution()))
                .path("imageBuildVersionArn").asText()).startsWith("arn:aws:imagebuilder:us-east-1:" + ME + ":image/");
    }

    @Test
    void infrastructureConfigurationsOfAnotherRegionOrOwnerAreNotFound() {
        for (String arn : notMine(Owned::infrastructure)) {
            String what = "infrastructure configuration";
            assertNotFound(() -> call("GetInfrastructureConfiguration", Json.object()
                    .put("infrastructureConfigurationArn", arn)), what, arn);
            assertNotFound(() -> call("DeleteInfrastructureConfiguration", Json.object()
                    .put("infrastructureConfigurationArn", arn)), what, arn);
            assertNotFound(() -> call("CreateImage", image(arn, null)), what, arn);
            assertNotFound(() -> call("CreateImagePipeline", pipeline(arn, null)), what, arn);
        }
    }

    @Test
    void distributionConfigurationsOfAnotherRegionOrOwnerAreNotFound() {
        for (String arn : notMine(Owned::distribution)) {
            String what = "distribution configuration";
            assertNotFound(() -> call("GetDistributionConfiguration", Json.object()
                    .put("distributionConfigurationArn", arn)), what, arn);
            assertNotFound(() -> call("DeleteDistributionConfiguration", Json.object()
                    .put("distributionConfigurationArn", arn)), what, arn);
            assertNotFound(() -> call("CreateImage", image(mine.infrastructure(), arn)), what, arn);
            assertNotFound(() -> call("CreateImagePipeline", pipeline(mine.infrastructure(), arn)), what, arn);
        }
    }

    @Test
    void pipelinesOfAnotherRegionOrOwnerAreNotFound() {
        for (String arn : notMine(Owned::pipeline)) {
            for (String operation : List.of("GetImagePipeline", "DeleteImagePipeline", "StartImagePipelineExecution",
                    "ListImagePipelineImages")) {
                assertNotFound(() -> call(operation, Json.object().put("imagePipelineArn", arn)
                        .put("clientToken", UUID.randomUUID().toString())), "image pipeline", arn);
            }
        }
        // Nothing of the others' was touched: their pipelines are all still there.
        assertThat(service.call(other, "GetImagePipeline", Json.object().put("imagePipelineArn", others.pipeline()))
                .path("imagePipeline").path("arn").asText()).isEqualTo(others.pipeline());
        assertThat(service.call(west, "GetImagePipeline", Json.object().put("imagePipelineArn", wests.pipeline()))
                .path("imagePipeline").path("arn").asText()).isEqualTo(wests.pipeline());
    }

    @Test
    void anArnOfAnotherFormIsAnInvalidValueEverywhere() {
        String recipe = mine.recipe();
        String versioned = mine.infrastructure() + "/1.0.0";
        for (String arn : List.of(recipe, versioned, "small", "")) {
            assertInvalid(() -> call("GetInfrastructureConfiguration", Json.object()
                    .put("infrastructureConfigurationArn", arn)), "infrastructureConfigurationArn");
            assertInvalid(() -> call("CreateImage", image(arn, null)), "infrastructureConfigurationArn");
            assertInvalid(() -> call("GetDistributionConfiguration", Json.object()
                    .put("distributionConfigurationArn", arn)), "distributionConfigurationArn");
            assertInvalid(() -> call("CreateImagePipeline", pipeline(mine.infrastructure(), arn)),
                    "distributionConfigurationArn");
            assertInvalid(() -> call("GetImagePipeline", Json.object().put("imagePipelineArn", arn)),
                    "imagePipelineArn");
        }
    }

    @Test
    void theMessageNamesTheTypeWithItsArticle() {
        assertThatThrownBy(() -> PlainArns.parse("x", "image-pipeline", "imagePipelineArn"))
                .hasMessageContaining("is not an image-pipeline ARN");
        assertThatThrownBy(() -> PlainArns.parse("x", "distribution-configuration", "distributionConfigurationArn"))
                .hasMessageContaining("is not a distribution-configuration ARN");
    }

    private ObjectNode image(String infrastructure, String distribution) {
        ObjectNode in = Json.object().put("imageRecipeArn", mine.recipe())
                .put("infrastructureConfigurationArn", infrastructure)
                .put("clientToken", UUID.randomUUID().toString());
        if (distribution != null) {
            in.put("distributionConfigurationArn", distribution);
        }
        return in;
    }

    private ObjectNode pipeline(String infrastructure, String distribution) {
        ObjectNode in = image(infrastructure, distribution);
        in.put("name", "other-" + UUID.randomUUID().toString().substring(0, 8));
        return in;
    }
}
