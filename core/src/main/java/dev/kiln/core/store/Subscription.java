package dev.kiln.core.store;

import java.net.URI;
import java.time.Instant;

/**
 * A webhook on a topic: each delivery is POSTed to {@code endpoint}, signed with {@code secret}.
 *
 * @param secret the HMAC-SHA256 key, shown once when the subscription is made
 */
public record Subscription(String id, String topicArn, URI endpoint, String secret, Instant createdAt) {
    @Override
    public String toString() {
        return "Subscription[" + id + ", " + topicArn + ", " + endpoint + "]"; // never the secret
    }
}
