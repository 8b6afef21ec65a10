package dev.kiln.core.notify;

import dev.kiln.common.wait.Deadline;
import dev.kiln.core.store.Delivery;
import dev.kiln.core.store.Subscription;
import dev.kiln.core.store.TopicStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery thread. Each pass reads the PENDING deliveries in order and sends the oldest of each
 * subscription when it is due and none of that subscription's is in flight: a subscription's later
 * deliveries wait for its earlier one, so a webhook sees an image's states in order, while a slow or
 * dead endpoint holds back only its own. Sends are asynchronous; each answer is recorded as it comes
 * and wakes the thread. Between passes it sleeps until the next retry is due or something happens.
 */
final class DeliveryWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    /** Deliveries read per pass; the rest wait for the next one. */
    private static final int BATCH = 1000;
    /** A pass happens at least this often, in case a wake-up is missed (e.g. a store error). */
    private static final Duration IDLE_PASS = Duration.ofSeconds(30);

    private final TopicStore topics;
    private final Clock clock;
    private final RetryPolicy policy;
    private final HttpClient http;
    private final Object lock = new Object();
    /**
     * Held while a pass reads the outbox and picks what to send, and while an answer is recorded: a pass
     * never sees a delivery as PENDING and not in flight when its answer was in fact already recorded.
     */
    private final Object outbox = new Object();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<?>> sends = ConcurrentHashMap.newKeySet();
    private boolean woken;
    private volatile boolean stopped;

    DeliveryWorker(TopicStore topics, Clock clock, RetryPolicy policy, HttpClient http) {
        this.topics = topics;
        this.clock = clock;
        this.policy = policy;
        this.http = http;
    }

    void wake() {
        synchronized (lock) {
            woken = true;
            lock.notifyAll();
        }
    }

    void stop() {
        stopped = true;
        wake();
    }

    /** Waits a bounded time for the sends in flight (what is not answered by then stays PENDING). */
    void awaitSends(Duration timeout) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Left PENDING: sent again after the next start.
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            Instant next;
            try {
                next = pass();
            } catch (RuntimeException e) {
                LOG.warn("notification delivery pass failed; trying again later: {}", e.toString());
                next = clock.instant().plus(Duration.ofSeconds(5));
            }
            if (next != null && !next.isAfter(clock.instant())) {
                continue;
            }
            try {
                sleepUntil(next);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** @return when the next pass is due: now when this one settled something itself, else the earliest retry */
    private Instant pass() {
        Instant next = null;
        boolean settled = false;
        synchronized (outbox) {
            List<Delivery> pending = topics.pending(BATCH);
            Set<String> heads = new HashSet<>();
            for (Delivery d : pending) {
                if (stopped) {
                    return null;
                }
                String key = key(d);
                if (!heads.add(key) || inFlight.contains(key)) {
                    continue;
                }
                if (d.nextAttemptAt().isAfter(clock.instant())) {
                    next = next == null || d.nextAttemptAt().isBefore(next) ? d.nextAttemptAt() : next;
                    continue;
                }
                settled |= !send(d);
            }
        }
        return settled ? clock.instant() : next;
    }

    private static String key(Delivery d) {
        return d.subscriptionId() == null ? d.id() : d.subscriptionId();
    }

    private void sleepUntil(Instant next) throws InterruptedException {
        synchronized (lock) {
            long millis = next == null ? IDLE_PASS.toMillis()
                    : Math.min(IDLE_PASS.toMillis(), Math.max(1, Duration.between(clock.instant(), next).toMillis()));
            Deadline end = Deadline.after(Duration.ofMillis(millis));
            while (!woken && !stopped && !end.expired()) {
                // At least 1 ms: wait(0) would wait for a notify only.
                lock.wait(Math.max(1, end.remaining().toMillis()));
            }
            woken = false;
        }
    }

    /**
     * Starts one POST; its answer is recorded when it comes.
     *
     * @return false when the delivery was settled at once instead (its subscription is gone)
     */
    private boolean send(Delivery d) {
        Optional<Subscription> subscription = d.subscriptionId() == null ? Optional.empty()
                : topics.subscription(d.subscriptionId());
        if (subscription.isEmpty()) {
            record(d, Delivery.Status.FAILED, null, "the subscription " + d.subscriptionId() + " no longer exists");
            return false;
        }
        byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(d.endpoint()))
                .timeout(policy.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Kiln-Notifications")
                .header("X-Kiln-Topic-Arn", d.topicArn())
                .header("X-Kiln-Delivery-Id", d.id())
                .header("X-Kiln-Attempt", Integer.toString(d.attempts() + 1))
                .header(Signatures.HEADER, Signatures.sign(subscription.get().secret(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        String key = key(d);
        inFlight.add(key);
        CompletableFuture<Void> done = http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, error) -> {
                    try {
                        synchronized (outbox) {
                            answered(d, response == null ? null : response.statusCode(), error);
                        }
                    } catch (RuntimeException e) {
                        // Stays PENDING (e.g. the database closed at shut-down): sent again later.
                        LOG.warn("could not record the answer to notification {}: {}", d.id(), e.toString());
                    } finally {
                        inFlight.remove(key);
                        wake();
                    }
                    return null;
                });
        sends.add(done);
        done.whenComplete((v, e) -> sends.remove(done));
        return true;
    }

    private void answered(Delivery d, Integer code, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            retryOrFail(d, null, "no answer from " + d.endpoint() + ": " + cause);
        } else if (RetryPolicy.delivered(code)) {
            record(d, Delivery.Status.DELIVERED, code, null);
        } else if (!RetryPolicy.retryable(code)) {
            record(d, Delivery.Status.FAILED, code, d.endpoint() + " answered " + code + "; not retried");
        } else {
            retryOrFail(d, code, d.endpoint() + " answered " + code);
        }
    }

    private void retryOrFail(Delivery d, Integer code, String error) {
        int attempts = d.attempts() + 1;
        if (attempts >= policy.maxAttempts()) {
            record(d, Delivery.Status.FAILED, code, error + " (attempt " + attempts + " of " + policy.maxAttempts()
                    + ", giving up)");
        } else {
            Instant now = clock.instant();
            topics.updateDelivery(d.attempted(Delivery.Status.PENDING, code, error, now,
                    now.plus(policy.delayAfter(attempts))));
        }
    }

    private void record(Delivery d, Delivery.Status status, Integer code, String error) {
        Instant now = clock.instant();
        topics.updateDelivery(d.attempted(status, code, error, now, now));
        if (status == Delivery.Status.FAILED) {
            LOG.info("notification {} of {} ({}) failed: {}", d.id(), d.imageArn(), d.imageStatus(), error);
        }
    }
}
