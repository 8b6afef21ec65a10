package dev.kiln.core.notify;

import dev.kiln.core.store.Delivery;
import dev.kiln.core.store.Subscription;
import dev.kiln.core.store.TopicStore;
import java.io.IOException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery thread. Each pass reads the PENDING deliveries in order and attempts the oldest of each
 * subscription when it is due: a subscription's later deliveries wait for its earlier one, so a webhook
 * sees an image's states in order; a slow or dead endpoint holds back only its own. Between passes it
 * sleeps until the next retry is due or a new delivery is recorded.
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

    @Override
    public void run() {
        while (!stopped) {
            Instant next;
            try {
                next = pass();
            } catch (InterruptedException e) {
                return;
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

    /** @return when the next pass is due: now when this one delivered something, else the earliest retry */
    private Instant pass() throws InterruptedException {
        List<Delivery> pending = topics.pending(BATCH);
        Set<String> heads = new HashSet<>();
        Instant next = null;
        boolean attempted = false;
        for (Delivery d : pending) {
            if (stopped) {
                throw new InterruptedException("stopping");
            }
            if (!heads.add(d.subscriptionId() == null ? d.id() : d.subscriptionId())) {
                continue;
            }
            Instant now = clock.instant();
            if (d.nextAttemptAt().isAfter(now)) {
                next = next == null || d.nextAttemptAt().isBefore(next) ? d.nextAttemptAt() : next;
                continue;
            }
            attempt(d);
            attempted = true;
        }
        return attempted ? clock.instant() : next;
    }

    private void sleepUntil(Instant next) throws InterruptedException {
        synchronized (lock) {
            long millis = next == null ? IDLE_PASS.toMillis()
                    : Math.min(IDLE_PASS.toMillis(), Math.max(1, Duration.between(clock.instant(), next).toMillis()));
            long end = System.nanoTime() + millis * 1_000_000;
            while (!woken && !stopped) {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                lock.wait(left);
            }
            woken = false;
        }
    }

    /** One POST; records its outcome. */
    void attempt(Delivery d) throws InterruptedException {
        Optional<Subscription> subscription = d.subscriptionId() == null ? Optional.empty()
                : topics.subscription(d.subscriptionId());
        if (subscription.isEmpty()) {
            record(d, Delivery.Status.FAILED, null, "the subscription " + d.subscriptionId() + " no longer exists");
            return;
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
        int code;
        try {
            code = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            retryOrFail(d, null, "no answer from " + d.endpoint() + ": " + e);
            return;
        }
        if (RetryPolicy.delivered(code)) {
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
