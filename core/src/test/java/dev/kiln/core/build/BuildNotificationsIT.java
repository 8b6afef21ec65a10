package dev.kiln.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.ImageBuilderApi;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.image.BaseImages;
import dev.kiln.core.image.ImageBuildEvents;
import dev.kiln.core.notify.Notifications;
import dev.kiln.core.notify.RetryPolicy;
import dev.kiln.core.notify.Signatures;
import dev.kiln.core.notify.WebhookReceiver;
import dev.kiln.core.resource.Json;
import dev.kiln.core.store.Database;
import dev.kiln.core.store.Delivery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.Subscription;
import dev.kiln.core.store.Topic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build through the API and the orchestrator (fake machines), with its infrastructure configuration's
 * snsTopicArn naming a Kiln topic that a webhook on loopback subscribes to.
 */
class BuildNotificationsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x";
    private static final List<String> EVERY_STATE =
            List.of("PENDING", "BUILDING", "CREATING", "TESTING", "DISTRIBUTING", "AVAILABLE");

    @TempDir
    Path dir;

    private final CallContext me = new CallContext("111111111111", "us-east-1", "req");
    private final FakeMachines machines = new FakeMachines();
    private Database db;
    private Notifications notifications;

    @AfterEach
    void close() {
        notifications.close();
        db.close();
    }

    private ResourceStore start() {
        db = Database.open(Database.h2FileUrl(dir.resolve("data")));
        notifications = Notifications.start(db.topics(), Clock.systemUTC(),
                new RetryPolicy(5, Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(5)));
        ResourceStore store = notifications.watching(db.resources());
        new BaseImages(store, Clock.systemUTC()).seed(List.of("us-east-1"));
        return store;
    }

    private String image(ImageBuilderService api, String topicArn) {
        String yaml = "name: hello\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Say\n"
                + "        action: ExecuteBash\n        inputs:\n          commands:\n            - echo hello\n";
        String component = call(api, "CreateComponent", Json.object().put("name", "hello")
                .put("semanticVersion", "1.0.0").put("platform", "Linux").put("data", yaml))
                .path("componentBuildVersionArn").asText();
        ObjectNode recipe = Json.object().put("name", "web").put("semanticVersion", "1.0.0").put("parentImage", BASE);
        recipe.putArray("components").addObject().put("componentArn", component);
        String recipeArn = call(api, "CreateImageRecipe", recipe).path("imageRecipeArn").asText();
        ObjectNode infra = Json.object().put("name", "infra").put("instanceProfileName", "kiln")
                .put("snsTopicArn", topicArn);
        String infraArn = call(api, "CreateInfrastructureConfiguration", infra)
                .path("infrastructureConfigurationArn").asText();
        return call(api, "CreateImage", Json.object().put("imageRecipeArn", recipeArn)
                .put("infrastructureConfigurationArn", infraArn)).path("imageBuildVersionArn").asText();
    }

    private ObjectNode call(ImageBuilderService api, String operation, ObjectNode in) {
        in.put("clientToken", UUID.randomUUID().toString());
        return api.call(me, operation, in);
    }

    @Test
    void aWebhookGetsEveryStateChangeOfABuildSignedAndInOrder() throws Exception {
        ResourceStore store = start();
        Topic topic = db.topics().createTopic("us-east-1", "111111111111", "builds");
        // The first answers are refused: the build goes on, and the retries keep the order.
        try (WebhookReceiver receiver = new WebhookReceiver(500, 500)) {
            Subscription s = db.topics().subscribe(topic.arn(), receiver.url());
            ImageBuilderService api = ImageBuilderApi.create(store, db.idempotency(), Clock.systemUTC(),
                    Set.of("us-east-1"), ImageBuildEvents.NONE);
            String arn = image(api, topic.arn());
            BuildEnvironment env = BuildEnvironment.builder().setImages(machines).setBackends(List.of(machines))
                    .setBaseImages(machines).setBuildsFolder(dir.resolve("builds")).setClock(Clock.systemUTC())
                    .setReadyTimeout(Duration.ofSeconds(30)).build();

            new BuildOrchestrator(store, env).build(arn, null);

            List<WebhookReceiver.Received> got = receiver.await(r -> r.size() >= EVERY_STATE.size() + 2,
                    Duration.ofSeconds(20));
            List<WebhookReceiver.Received> delivered = got.subList(2, got.size());
            assertThat(delivered).extracting(r -> JSON.readTree(r.body()).at("/state/status").asText())
                    .containsExactlyElementsOf(EVERY_STATE);
            assertThat(got).allSatisfy(r -> {
                assertThat(Signatures.verify(s.secret(), r.body().getBytes(StandardCharsets.UTF_8), r.signature()))
                        .isTrue();
                assertThat(r.topicArn()).isEqualTo(topic.arn());
                assertThat(JSON.readTree(r.body()).path("arn").asText()).isEqualTo(arn);
            });
            assertThat(JSON.readTree(delivered.get(delivered.size() - 1).body()).at("/outputResources/amis/0/image")
                    .asText()).startsWith("ami-");
            List<Delivery> record = db.topics().deliveries(topic.arn());
            assertThat(record).extracting(Delivery::status).containsOnly(Delivery.Status.DELIVERED);
            assertThat(record.get(0).attempts()).isEqualTo(3);
        }
    }

    @Test
    void aConfigurationNamingNoKilnTopicBuildsAndRecordsEachChangeFailed() {
        ResourceStore store = start();
        String unknown = "arn:aws:sns:us-east-1:111111111111:nobody";
        ImageBuilderService api = ImageBuilderApi.create(store, db.idempotency(), Clock.systemUTC(),
                Set.of("us-east-1"), ImageBuildEvents.NONE);
        String arn = image(api, unknown);
        BuildEnvironment env = BuildEnvironment.builder().setImages(machines).setBackends(List.of(machines))
                .setBaseImages(machines).setBuildsFolder(dir.resolve("builds")).setClock(Clock.systemUTC())
                .setReadyTimeout(Duration.ofSeconds(30)).build();

        new BuildOrchestrator(store, env).build(arn, null);

        assertThat(store.get(arn).orElseThrow().body().at("/state/status").asText()).isEqualTo("AVAILABLE");
        assertThat(db.topics().deliveries(unknown)).extracting(Delivery::imageStatus)
                .containsExactlyElementsOf(EVERY_STATE);
        assertThat(db.topics().deliveries(unknown)).extracting(Delivery::status).containsOnly(Delivery.Status.FAILED);
    }
}
