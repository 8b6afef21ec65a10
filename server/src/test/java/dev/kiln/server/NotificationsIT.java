package dev.kiln.server;

import static dev.kiln.server.KilnTestServer.buildLog;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.notify.Signatures;
import dev.kiln.core.store.Database;
import dev.kiln.core.store.Delivery;
import dev.kiln.core.store.Subscription;
import dev.kiln.core.store.Topic;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.Platform;

/**
 * A sandbox build through the AWS SDK whose infrastructure configuration names a Kiln topic: the webhook
 * on loopback that subscribes to it gets every state change, signed, in order.
 */
class NotificationsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
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
                      commands: [echo hello > /etc/kiln-hello]
              - name: test
                steps:
                  - name: Check
                    action: ExecuteBash
                    inputs:
                      commands: [test -f /etc/kiln-hello]
            """;

    @TempDir
    Path dataDir;

    record Received(String topicArn, String signature, String body) {
    }

    @Test
    void aWebhookGetsEveryStateChangeOfASandboxBuildSignedAndInOrder() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/hook", exchange -> {
            received.add(new Received(exchange.getRequestHeaders().getFirst("X-Kiln-Topic-Arn"),
                    exchange.getRequestHeaders().getFirst("X-Kiln-Signature"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        try (KilnServer server = KilnServer.start(ServerConfig.local(dataDir, 0, List.of(REGION)).withBuilds(1)
                .withBaseImagesFolder(ImagePipelineIT.BASE_IMAGES));
             ImagebuilderClient api = KilnTestServer.imageBuilder(server, REGION)) {
            // What `kiln topics create` and `kiln topics subscribe` do, beside the running server.
            Topic topic;
            Subscription subscription;
            try (Database db = Database.open(Database.h2FileUrl(dataDir))) {
                String account = db.accounts().accounts().get(0).id();
                topic = db.topics().createTopic(REGION, account, "builds");
                subscription = db.topics().subscribe(topic.arn(),
                        URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"));
            }
            String component = api.createComponent(r -> r.name("hello").semanticVersion("1.0.0")
                    .platform(Platform.LINUX).data(HELLO)).componentBuildVersionArn();
            String recipe = api.createImageRecipe(r -> r.name("hello").semanticVersion("1.0.0")
                    .parentImage("arn:aws:imagebuilder:" + REGION + ":aws:image/debian-12-x86/x.x.x")
                    .components(c -> c.componentArn(component))).imageRecipeArn();
            String infra = api.createInfrastructureConfiguration(r -> r.name("hello").instanceProfileName("kiln")
                    .instanceTypes("kiln.sandbox").snsTopicArn(topic.arn())).infrastructureConfigurationArn();
            String arn = api.createImage(r -> r.imageRecipeArn(recipe).infrastructureConfigurationArn(infra))
                    .imageBuildVersionArn();

            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < deadline && received.stream().noneMatch(r -> r.body().contains("\"AVAILABLE\"")
                    || r.body().contains("\"FAILED\""))) {
                Thread.sleep(200);
            }

            assertThat(received).extracting(r -> JSON.readTree(r.body()).at("/state/status").asText())
                    .as(buildLog(dataDir, arn))
                    .containsExactly("PENDING", "BUILDING", "CREATING", "TESTING", "DISTRIBUTING", "AVAILABLE");
            assertThat(received).allSatisfy(r -> {
                assertThat(r.topicArn()).isEqualTo(topic.arn());
                assertThat(Signatures.verify(subscription.secret(), r.body().getBytes(StandardCharsets.UTF_8),
                        r.signature())).isTrue();
                assertThat(JSON.readTree(r.body()).path("arn").asText()).isEqualTo(arn);
            });
            try (Database db = Database.open(Database.h2FileUrl(dataDir))) {
                assertThat(db.topics().deliveries(topic.arn())).hasSize(6)
                        .allSatisfy(d -> assertThat(d.status()).isEqualTo(Delivery.Status.DELIVERED));
            }
        } finally {
            hook.stop(0);
        }
    }
}
