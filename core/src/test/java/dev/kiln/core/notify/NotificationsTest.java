package dev.kiln.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.store.Database;
import dev.kiln.core.store.Delivery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import dev.kiln.core.store.Subscription;
import dev.kiln.core.store.Topic;
import dev.kiln.core.store.TopicStore;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARN = "arn:aws:imagebuilder:us-east-1:111111111111:image/web/1.0.0/1";
    private static final RetryPolicy FAST =
            new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2));

    @TempDir
    Path dir;

    private Database db;
    private Notifications notifications;

    private Database db() {
        if (db == null) {
            db = Database.open("jdbc:h2:file:" + dir.resolve("kiln"));
        }
        return db;
    }

    @AfterEach
    void close() {
        if (notifications != null) {
            notifications.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private Topic topic() {
        return db().topics().createTopic("us-east-1", "111111111111", "builds");
    }

    private static StoredResource image(String topicArn, String status) {
        ObjectNode body = JSON.createObjectNode().put("arn", ARN).put("name", "web").put("version", "1.0.0/1");
        body.putObject("state").put("status", status);
        body.putObject("infrastructureConfiguration").put("name", "infra").put("snsTopicArn", topicArn);
        return new StoredResource(ARN, "111111111111", "us-east-1", "image", "web", "1.0.0", 1, Instant.now(), body);
    }

    private List<Delivery> awaitDeliveries(String topicArn, Predicate<List<Delivery>> done) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        List<Delivery> deliveries = db().topics().deliveries(topicArn);
        while (!done.test(deliveries) && System.nanoTime() < end) {
            Thread.sleep(20);
            deliveries = db().topics().deliveries(topicArn);
        }
        return deliveries;
    }

    private static boolean settled(List<Delivery> ds) {
        return !ds.isEmpty() && ds.stream().noneMatch(d -> d.status() == Delivery.Status.PENDING);
    }

    @Test
    void postsTheImageSignedWithTheKilnHeaders() throws Exception {
        Topic topic = topic();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Subscription s = db().topics().subscribe(topic.arn(), receiver.url());
            notifications = Notifications.start(db().topics(), Clock.systemUTC(), FAST);

            notifications.imageChanged(image(topic.arn(), "BUILDING"));

            List<Delivery> ds = awaitDeliveries(topic.arn(), NotificationsTest::settled);
            assertThat(ds).singleElement().satisfies(d -> {
                assertThat(d.status()).isEqualTo(Delivery.Status.DELIVERED);
                assertThat(d.attempts()).isEqualTo(1);
                assertThat(d.lastStatusCode()).isEqualTo(200);
            });
            WebhookReceiver.Received r = receiver.received().get(0);
            assertThat(r.topicArn()).isEqualTo(topic.arn());
            assertThat(r.deliveryId()).isEqualTo(ds.get(0).id());
            assertThat(r.contentType()).isEqualTo("application/json");
            assertThat(Signatures.verify(s.secret(), r.body().getBytes(StandardCharsets.UTF_8), r.signature())).isTrue();
            var body = JSON.readTree(r.body());
            assertThat(body.path("arn").asText()).isEqualTo(ARN);
            assertThat(body.path("state").path("status").asText()).isEqualTo("BUILDING");
            assertThat(body.path("versionlessArn").asText())
                    .isEqualTo("arn:aws:imagebuilder:us-east-1:111111111111:image/web");
        }
    }

    @Test
    void aServerErrorIsRetriedWithBackoffUntilItDelivers() throws Exception {
        Topic topic = topic();
        try (WebhookReceiver receiver = new WebhookReceiver(500, 500)) {
            db().topics().subscribe(topic.arn(), receiver.url());
            notifications = Notifications.start(db().topics(), Clock.systemUTC(), FAST);

            notifications.imageChanged(image(topic.arn(), "AVAILABLE"));

            List<Delivery> ds = awaitDeliveries(topic.arn(), NotificationsTest::settled);
            assertThat(ds).singleElement().satisfies(d -> {
                assertThat(d.status()).isEqualTo(Delivery.Status.DELIVERED);
                assertThat(d.attempts()).isEqualTo(3);
            });
            List<WebhookReceiver.Received> got = receiver.received();
            assertThat(got).hasSize(3).extracting(WebhookReceiver.Received::deliveryId).containsOnly(ds.get(0).id());
            // 100 ms, then 200 ms apart.
            assertThat(got.get(1).nanoTime() - got.get(0).nanoTime()).isGreaterThanOrEqualTo(90_000_000L);
            assertThat(got.get(2).nanoTime() - got.get(1).nanoTime()).isGreaterThanOrEqualTo(190_000_000L);
        }
    }

    @Test
    void aDeadEndpointEndsFailedAfterEveryAttempt() throws Exception {
        Topic topic = topic();
        WebhookReceiver gone = new WebhookReceiver();
        URI url = gone.url();
        gone.close();
        db().topics().subscribe(topic.arn(), url);
        notifications = Notifications.start(db().topics(), Clock.systemUTC(), FAST);

        notifications.imageChanged(image(topic.arn(), "FAILED"));

        List<Delivery> ds = awaitDeliveries(topic.arn(), NotificationsTest::settled);
        assertThat(ds).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(Delivery.Status.FAILED);
            assertThat(d.attempts()).isEqualTo(4);
            assertThat(d.lastStatusCode()).isNull();
            assertThat(d.lastError()).contains("no answer from " + url, "giving up");
        });
    }

    @Test
    void aClientErrorFailsWithoutRetry() throws Exception {
        Topic topic = topic();
        try (WebhookReceiver receiver = new WebhookReceiver(404)) {
            db().topics().subscribe(topic.arn(), receiver.url());
            notifications = Notifications.start(db().topics(), Clock.systemUTC(), FAST);

            notifications.imageChanged(image(topic.arn(), "BUILDING"));

            List<Delivery> ds = awaitDeliveries(topic.arn(), NotificationsTest::settled);
            assertThat(ds).singleElement().satisfies(d -> {
                assertThat(d.status()).isEqualTo(Delivery.Status.FAILED);
                assertThat(d.attempts()).isEqualTo(1);
                assertThat(d.lastStatusCode()).isEqualTo(404);
            });
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @Test
    void anUnknownTopicIsRecordedFailed() {
        notifications = Notifications.start(db().topics(), Clock.systemUTC(), FAST);
        String arn = "arn:aws:sns:us-east-1:111111111111:nobody";

        notifications.imageChanged(image(arn, "BUILDING"));

        assertThat(db().topics().deliveries(arn)).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(Delivery.Status.FAILED);
            assertThat(d.subscriptionId()).isNull();
            assertThat(d.lastError()).contains("no Kiln topic " + arn);
        });
    }

    @Test
    void aSubscriptionsDeliveriesArriveInOrderEvenWhenOneIsRetried() throws Exception {
        Topic topic = topic();
        try (WebhookReceiver receiver = new WebhookReceiver(503)) {
            db().topics().subscribe(topic.arn(), receiver.url());
            notifications = Notifications.start(db().topics(), Clock.systemUTC(), FAST);

            for (String status : List.of("PENDING", "BUILDING", "TESTING", "AVAILABLE")) {
                notifications.imageChanged(image(topic.arn(), status));
            }

            awaitDeliveries(topic.arn(), NotificationsTest::settled);
            assertThat(receiver.received()).extracting(r -> JSON.readTree(r.body()).at("/state/status").asText())
                    .containsExactly("PENDING", "PENDING", "BUILDING", "TESTING", "AVAILABLE");
        }
    }

    @Test
    void whatWasPendingAtStopIsDeliveredAfterTheNextStart() throws Exception {
        Topic topic = topic();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            db().topics().subscribe(topic.arn(), receiver.url());
            Notifications stopped = Notifications.start(db().topics(), Clock.systemUTC(), FAST);
            stopped.close();
            stopped.imageChanged(image(topic.arn(), "AVAILABLE"));
            assertThat(db().topics().deliveries(topic.arn())).singleElement()
                    .extracting(Delivery::status).isEqualTo(Delivery.Status.PENDING);

            notifications = Notifications.start(db().topics(), Clock.systemUTC(), FAST);

            assertThat(awaitDeliveries(topic.arn(), NotificationsTest::settled)).singleElement()
                    .extracting(Delivery::status).isEqualTo(Delivery.Status.DELIVERED);
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @Test
    void theWatchedStoreReportsImageStateChangesOnly() throws Exception {
        Topic topic = topic();
        notifications = Notifications.start(db().topics(), Clock.systemUTC(), FAST);
        notifications.close(); // deliveries stay PENDING: only what is recorded is looked at
        db().topics().subscribe(topic.arn(), URI.create("http://127.0.0.1:9/hook"));
        ResourceStore store = notifications.watching(db().resources());
        StoredResource image = image(topic.arn(), "PENDING");

        store.insert(image);
        store.update(image.withBody(image.body().put("tagsChanged", true)));
        ObjectNode building = image.body().deepCopy();
        building.putObject("state").put("status", "BUILDING");
        store.update(image.withBody(building));
        store.modify(image.arn(), body -> body.put("alsoTagsChanged", true));
        store.modify(image.arn(), body -> {
            body.putObject("state").put("status", "TESTING");
            return body;
        });

        assertThat(db().topics().deliveries(topic.arn())).extracting(Delivery::imageStatus)
                .containsExactly("PENDING", "BUILDING", "TESTING");
    }

    @Test
    void aStateChangeACrashLeftUnrecordedIsRecordedAtTheNextStart() throws Exception {
        Topic topic = topic();
        db().topics().subscribe(topic.arn(), URI.create("http://127.0.0.1:9/hook"));
        StoredResource image = image(topic.arn(), "BUILDING");
        // As a crash leaves it: the state written with its mark, the deliveries never recorded.
        db().resources().insert(image.withBody(image.body().deepCopy()
                .put(WatchingResourceStore.PENDING, "mark-of-the-crashed-write")));
        notifications = Notifications.start(db().topics(), Clock.systemUTC(), FAST);
        notifications.close();

        ResourceStore store = notifications.watching(db().resources());

        assertThat(db().topics().deliveries(topic.arn())).extracting(Delivery::imageStatus).containsExactly("BUILDING");
        assertThat(db().resources().get(image.arn()).orElseThrow().body().has(WatchingResourceStore.PENDING)).isFalse();
        assertThat(store.get(image.arn()).orElseThrow().body()).isEqualTo(image.body());
    }

    @Test
    void aChangeWhoseDeliveriesCouldNotBeRecordedIsRecordedAtTheNextStart() throws Exception {
        Topic topic = topic();
        db().topics().subscribe(topic.arn(), URI.create("http://127.0.0.1:9/hook"));
        TopicStore failing = (TopicStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {TopicStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("addDeliveries")) {
                        throw new IllegalStateException("the database went away");
                    }
                    return method.invoke(db().topics(), args);
                });
        Notifications broken = Notifications.start(failing, Clock.systemUTC(), FAST);
        broken.close();
        StoredResource image = image(topic.arn(), "PENDING");

        broken.watching(db().resources()).insert(image);

        assertThat(db().topics().deliveries(topic.arn())).isEmpty();
        assertThat(db().resources().get(image.arn()).orElseThrow().body().has(WatchingResourceStore.PENDING)).isTrue();
        notifications = Notifications.start(db().topics(), Clock.systemUTC(), FAST);
        notifications.close();
        notifications.watching(db().resources());
        assertThat(db().topics().deliveries(topic.arn())).extracting(Delivery::imageStatus).containsExactly("PENDING");
        assertThat(db().resources().get(image.arn()).orElseThrow().body().has(WatchingResourceStore.PENDING)).isFalse();
    }

    @Test
    void aHangingEndpointHoldsBackOnlyItsOwnSubscription() throws Exception {
        Topic topic = topic();
        try (WebhookReceiver hanging = new WebhookReceiver().answeringAfter(Duration.ofSeconds(3));
             WebhookReceiver quick = new WebhookReceiver()) {
            db().topics().subscribe(topic.arn(), hanging.url());
            db().topics().subscribe(topic.arn(), quick.url());
            notifications = Notifications.start(db().topics(), Clock.systemUTC(), FAST);

            for (String status : List.of("PENDING", "BUILDING", "AVAILABLE")) {
                notifications.imageChanged(image(topic.arn(), status));
            }

            assertThat(quick.await(r -> r.size() == 3, Duration.ofMillis(1500))).hasSize(3);
            assertThat(hanging.received()).hasSize(1);
        }
    }
}
