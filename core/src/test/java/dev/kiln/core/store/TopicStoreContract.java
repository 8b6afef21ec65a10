package dev.kiln.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The behaviour of {@link TopicStore}, run on each database by a subclass. */
abstract class TopicStoreContract extends StoreFixture {

    private TopicStore store() {
        return db.topics();
    }

    private static Delivery pending(String id, Topic topic, Subscription s, String imageStatus) {
        Instant now = Instant.now();
        return new Delivery(0, id, topic.arn(), s.id(), s.endpoint().toString(), "arn:image", imageStatus,
                Delivery.Status.PENDING, 0, null, null, "{}", now, now, now);
    }

    @Test
    void aTopicIsNamedByItsSnsArnAndListed() {
        Topic topic = store().createTopic(REGION, ACCOUNT, "builds");

        assertThat(topic.arn()).isEqualTo("arn:aws:sns:us-east-1:123456789012:builds");
        assertThat(store().topics()).containsExactly(topic);
        assertThat(store().topic(topic.arn())).contains(topic);
    }

    @Test
    void aTopicIsCreatedOnceWithAValidName() {
        store().createTopic(REGION, ACCOUNT, "builds");

        assertThatThrownBy(() -> store().createTopic(REGION, ACCOUNT, "builds")).hasMessageContaining("exists already");
        assertThatThrownBy(() -> store().createTopic(REGION, ACCOUNT, "a b")).hasMessageContaining("topic name");
        assertThatThrownBy(() -> store().createTopic(REGION, "12", "x")).hasMessageContaining("12 digits");
    }

    @Test
    void aSubscriptionGetsItsOwnSecretAndNeedsAnHttpUrlOnAKnownTopic() {
        Topic topic = store().createTopic(REGION, ACCOUNT, "builds");

        Subscription a = store().subscribe(topic.arn(), URI.create("http://127.0.0.1:8080/a"));
        Subscription b = store().subscribe(topic.arn(), URI.create("https://hooks.example/b"));

        assertThat(a.secret()).matches("[0-9a-f]{64}").isNotEqualTo(b.secret());
        assertThat(store().subscriptions(topic.arn())).containsExactlyInAnyOrder(a, b);
        assertThat(store().subscription(a.id())).contains(a);
        assertThat(a.toString()).doesNotContain(a.secret());
        assertThatThrownBy(() -> store().subscribe(topic.arn(), URI.create("ftp://x/y"))).hasMessageContaining("http");
        assertThatThrownBy(() -> store().subscribe("arn:aws:sns:us-east-1:123456789012:none",
                URI.create("http://x/y"))).hasMessageContaining("no Kiln topic");
    }

    @Test
    void deliveriesKeepTheirOrderAndOutcomeAcrossARestart() {
        Topic topic = store().createTopic(REGION, ACCOUNT, "builds");
        Subscription s = store().subscribe(topic.arn(), URI.create("http://127.0.0.1:8080/a"));
        store().addDeliveries(List.of(pending("d1", topic, s, "PENDING"), pending("d2", topic, s, "BUILDING")));
        Delivery first = store().pending(10).get(0);
        store().updateDelivery(first.attempted(Delivery.Status.DELIVERED, 204, null, Instant.now(), Instant.now()));

        restart();

        assertThat(store().pending(10)).extracting(Delivery::id).containsExactly("d2");
        List<Delivery> all = store().deliveries(topic.arn());
        assertThat(all).extracting(Delivery::id).containsExactly("d1", "d2");
        assertThat(all.get(0).status()).isEqualTo(Delivery.Status.DELIVERED);
        assertThat(all.get(0).attempts()).isEqualTo(1);
        assertThat(all.get(0).lastStatusCode()).isEqualTo(204);
        assertThat(all.get(0).seq()).isLessThan(all.get(1).seq());
    }
}
