package dev.kiln.core.image;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import dev.kiln.core.store.StoredResource;
import dev.kiln.core.testing.InMemoryStore;
import dev.kiln.core.testing.TestClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ImageBuildsTest {
    private static final String BASE = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x";

    private final InMemoryStore store = new InMemoryStore();
    private final TestClock clock = new TestClock("2026-11-26T10:00:00Z");
    private final ImageBuilds builds = new ImageBuilds(store, clock);
    private final CallContext me = TestClient.ME;
    private final ImageBuilds.Inputs inputs;
    private final StoredResource pipeline;

    ImageBuildsTest() {
        new BaseImages(store, clock).seed(List.of("us-east-1"));
        StoredResource recipe = Fixtures.imageRecipe(store, me, "web", "1.0.0", BASE);
        StoredResource infra = Fixtures.infrastructure(store, me, "small");
        inputs = new ImageBuilds.Inputs(recipe, false, infra, null);
        String arn = "arn:aws:imagebuilder:us-east-1:111111111111:image-pipeline/p";
        pipeline = new StoredResource(arn, me.accountId(), me.region(), "image-pipeline", "p", null, null,
                clock.instant(), Json.object().put("arn", arn).put("name", "p"));
        store.insert(pipeline);
    }

    private StoredResource start(ImageBuilds on, StoredResource forPipeline) {
        return on.start(me, inputs, Json.object(), null, forPipeline, ImageBuilds.USER_INITIATED);
    }

    @Test
    void inputsFindTheNewestRecipeForAWildcardAndTheConfigurations() {
        Fixtures.imageRecipe(store, me, "web", "1.4.0", BASE);
        ObjectNode in = Json.object()
                .put("imageRecipeArn", "arn:aws:imagebuilder:us-east-1:111111111111:image-recipe/web/1.x.x")
                .put("infrastructureConfigurationArn", inputs.infrastructure().arn());
        ImageBuilds.Inputs found = builds.inputs(me, in);
        assertThat(found.recipe().version()).isEqualTo("1.4.0");
        assertThat(found.container()).isFalse();
        assertThat(found.distributionConfiguration()).isEmpty();
        ObjectNode versionless = in.deepCopy().put("imageRecipeArn",
                "arn:aws:imagebuilder:us-east-1:111111111111:image-recipe/web");
        assertThatThrownBy(() -> builds.inputs(me, versionless)).hasMessageContaining("must end with a version");
    }

    @Test
    void startAssignsTheNextBuildNumberAndWritesItIntoTheVersion() {
        StoredResource first = start(builds, null);
        StoredResource second = start(builds, null);
        assertThat(first.arn()).endsWith(":image/web/1.0.0/1");
        assertThat(second.arn()).endsWith(":image/web/1.0.0/2");
        assertThat(store.get(second.arn()).orElseThrow().body().path("version").asText()).isEqualTo("1.0.0/2");
        assertThat(ImageRecord.of(second).status()).isEqualTo(ImageStatus.PENDING);
        assertThat(ImageRecord.of(second).status().inProgress()).isTrue();
    }

    @Test
    void testsConfigurationDefaultsToEnabledAnd720Minutes() {
        assertThat(ImageBuilds.testsConfiguration(null).toString())
                .isEqualTo("{\"imageTestsEnabled\":true,\"timeoutMinutes\":720}");
        assertThat(ImageBuilds.testsConfiguration(Json.object().put("timeoutMinutes", 90)).toString())
                .isEqualTo("{\"imageTestsEnabled\":true,\"timeoutMinutes\":90}");
    }

    @Test
    void aPipelineWithAnImageInProgressIsInUse() {
        StoredResource running = start(builds, pipeline);
        assertError(() -> start(builds, pipeline), ErrorType.ResourceInUseException)
                .hasMessageContaining(running.arn());
        assertThat(builds.ofPipeline(me, pipeline.arn())).hasSize(1);
        for (String terminal : new String[] {"AVAILABLE", "CANCELLED", "FAILED", "DEPRECATED", "DELETED", "DISABLED"}) {
            StoredResource r = store.get(running.arn()).orElseThrow();
            ObjectNode body = r.body().deepCopy();
            body.putObject("state").put("status", terminal);
            store.update(new StoredResource(r.arn(), r.accountId(), r.region(), r.type(), r.name(), r.version(),
                    r.build(), r.createdAt(), body));
            assertThat(ImageRecord.of(store.get(r.arn()).orElseThrow()).status().inProgress()).isFalse();
        }
        assertThat(start(builds, pipeline).arn()).endsWith("/1.0.0/2");
    }

    @Test
    void ofPipelineListsItsImagesNewestFirst() {
        start(builds, null); // CreateImage: no pipeline
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clock.set(Instant.parse("2026-11-26T11:00:00Z").plusSeconds(60L * i).toString());
            StoredResource image = start(builds, pipeline);
            started.add(0, image.arn());
            finish(image);
        }
        assertThat(builds.ofPipeline(me, pipeline.arn())).extracting(StoredResource::arn)
                .containsExactlyElementsOf(started);
    }

    private void finish(StoredResource image) {
        StoredResource r = store.get(image.arn()).orElseThrow();
        ObjectNode body = r.body().deepCopy();
        body.putObject("state").put("status", "AVAILABLE");
        store.update(new StoredResource(r.arn(), r.accountId(), r.region(), r.type(), r.name(), r.version(),
                r.build(), r.createdAt(), body));
    }

    @Test
    void twoServersSharingTheStoreNeverRunTwoExecutionsOfAPipeline() throws Exception {
        // Each ImageBuilds stands for one server: they share the store but not their locks.
        for (int round = 0; round < 20; round++) {
            ImageBuilds a = new ImageBuilds(store, clock);
            ImageBuilds b = new ImageBuilds(store, clock);
            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Boolean>> started = new ArrayList<>();
                for (ImageBuilds server : new ImageBuilds[] {a, b}) {
                    started.add(pool.submit(() -> {
                        together.await();
                        try {
                            start(server, pipeline);
                            return true;
                        } catch (ApiException e) {
                            assertThat(e.type()).isEqualTo(ErrorType.ResourceInUseException);
                            return false;
                        }
                    }));
                }
                int winners = 0;
                for (Future<Boolean> f : started) {
                    winners += f.get() ? 1 : 0;
                }
                List<StoredResource> running = builds.ofPipeline(me, pipeline.arn()).stream()
                        .filter(i -> ImageRecord.of(i).status().inProgress()).toList();
                assertThat(running).hasSize(winners);
                assertThat(winners).isLessThanOrEqualTo(1);
                running.forEach(this::finish);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void ownerIsTheAccountOrAmazonForKilnsImages() {
        assertThat(ImageBuilds.owner(start(builds, null))).isEqualTo("111111111111");
        assertThat(ImageBuilds.owner(store.get(BaseImages.arn("us-east-1", "debian-12-x86")).orElseThrow()))
                .isEqualTo("Amazon");
    }
}
