package dev.kiln.core.store;

import java.time.Instant;

/**
 * One image state change for one subscription: the outbox entry while PENDING, the record after.
 *
 * @param seq the order deliveries were recorded in (0 before it is stored)
 * @param subscriptionId null (and endpoint null) for a change whose topic Kiln does not know
 * @param imageStatus the image's status the body tells (PENDING, BUILDING, ..., AVAILABLE, FAILED)
 * @param attempts the POSTs made so far
 * @param lastStatusCode the HTTP status of the last attempt, null when it got no answer
 * @param lastError why the last attempt did not deliver, or null
 * @param body the JSON POSTed, exactly the bytes signed (UTF-8)
 * @param nextAttemptAt when a PENDING delivery is due
 */
public record Delivery(long seq, String id, String topicArn, String subscriptionId, String endpoint,
                       String imageArn, String imageStatus, Status status, int attempts, Integer lastStatusCode,
                       String lastError, String body, Instant createdAt, Instant updatedAt, Instant nextAttemptAt) {

    public enum Status { PENDING, DELIVERED, FAILED }

    /** This delivery after an attempt. */
    public Delivery attempted(Status newStatus, Integer statusCode, String error, Instant now, Instant next) {
        return new Delivery(seq, id, topicArn, subscriptionId, endpoint, imageArn, imageStatus, newStatus,
                attempts + 1, statusCode, error, body, createdAt, now, next);
    }
}
