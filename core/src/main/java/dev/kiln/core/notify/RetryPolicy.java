package dev.kiln.core.notify;

import java.time.Duration;

/**
 * How a delivery is retried: up to {@code maxAttempts} POSTs, the n-th retry {@code firstDelay * 2^(n-1)}
 * after the previous attempt (capped at {@code maxDelay}). A 2xx answer delivers; a 4xx other than 429
 * fails at once (the endpoint refuses this message, sending it again will not help); 429, 5xx, other
 * answers and no answer (refused, reset, timed out) are retried.
 *
 * @param requestTimeout how long one attempt may take, connect and answer
 */
public record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay, Duration requestTimeout) {
    /** 6 attempts over about 31 s: 1, 2, 4, 8, 16 s apart; 10 s per attempt. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(10));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0 || requestTimeout.isNegative()
                || requestTimeout.isZero()) {
            throw new IllegalArgumentException("delays must be 0 <= firstDelay <= maxDelay and the timeout positive");
        }
    }

    /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
    public Duration delayAfter(int attempts) {
        Duration delay = firstDelay;
        for (int i = 1; i < attempts && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    public static boolean delivered(int statusCode) {
        return statusCode >= 200 && statusCode < 300;
    }

    /** Whether an answer that did not deliver is worth another attempt. */
    public static boolean retryable(int statusCode) {
        return statusCode == 429 || statusCode < 400 || statusCode >= 500;
    }
}
