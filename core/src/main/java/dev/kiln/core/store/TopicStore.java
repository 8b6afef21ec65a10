package dev.kiln.core.store;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Kiln topics, their webhook subscriptions, and the deliveries to them (outbox and record). */
public interface TopicStore {

    /**
     * Creates a topic.
     *
     * @throws IllegalArgumentException when the name, region or account is not valid, or the topic exists
     */
    Topic createTopic(String region, String accountId, String name);

    List<Topic> topics();

    Optional<Topic> topic(String arn);

    /**
     * Subscribes an http(s) endpoint to a topic with a new random secret.
     *
     * @throws IllegalArgumentException when the topic does not exist or the endpoint is not an http(s) URL
     */
    Subscription subscribe(String topicArn, URI endpoint);

    List<Subscription> subscriptions(String topicArn);

    Optional<Subscription> subscription(String id);

    /** Records new deliveries (their seq is assigned in list order). */
    void addDeliveries(List<Delivery> deliveries);

    /** The PENDING deliveries, oldest first, at most {@code limit}. */
    List<Delivery> pending(int limit);

    /** Writes a delivery's status, attempts, last answer and next attempt time. */
    void updateDelivery(Delivery delivery);

    /** A topic's deliveries, oldest first. */
    List<Delivery> deliveries(String topicArn);
}
