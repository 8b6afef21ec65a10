package dev.kiln.core.store;

import java.util.Optional;

/**
 * Remembers the answers to calls made with a clientToken, so a retried call gets the first answer
 * and a reused token with other parameters is recognised.
 */
public interface IdempotencyStore {

    /** What was answered to the first call with this token. */
    record Remembered(String requestHash, String responseJson) {
    }

    Optional<Remembered> find(String accountId, String region, String operation, String clientToken);

    /**
     * Records the answer to a call; when another call with the same token won the race, answers what
     * that one recorded instead.
     */
    Remembered remember(String accountId, String region, String operation, String clientToken,
                        String requestHash, String responseJson);
}
