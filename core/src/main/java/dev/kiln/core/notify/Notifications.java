package dev.kiln.core.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.image.ImageRecord;
import dev.kiln.core.store.Delivery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import dev.kiln.core.store.Subscription;
import dev.kiln.core.store.TopicStore;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Image state change notifications: every change of an image whose infrastructure configuration has an
 * {@code snsTopicArn} is recorded, in the same thread, as one PENDING delivery per subscription of that
 * Kiln topic (the outbox, in the database), and a background thread POSTs them (asynchronously), each
 * subscription's in the order they were recorded, one at a time. Builds never wait for an endpoint. Deliveries still
 * PENDING when Kiln stops are sent after the next start. A change for a topic Kiln does not know is
 * recorded as one FAILED delivery.
 */
public final class Notifications implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TopicStore topics;
    private final Clock clock;
    private final DeliveryWorker worker;
    private final Thread thread;

    private Notifications(TopicStore topics, Clock clock, RetryPolicy policy) {
        this.topics = topics;
        this.clock = clock;
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(policy.requestTimeout())
                .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade dance with plain webhook servers
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.worker = new DeliveryWorker(topics, clock, policy, http);
        this.thread = new Thread(worker, "kiln-notifications");
        thread.setDaemon(true);
    }

    /** Starts the delivery thread; it first sends what an earlier run left PENDING. */
    public static Notifications start(TopicStore topics, Clock clock, RetryPolicy policy) {
        Notifications n = new Notifications(topics, clock, policy);
        n.thread.start();
        return n;
    }

    /**
     * A view of a resource store that reports every image state change written through it. Call it once,
     * at start-up, before anything writes through the store: it first records the changes a crash left
     * unrecorded.
     */
    public ResourceStore watching(ResourceStore store) {
        WatchingResourceStore watching = new WatchingResourceStore(store, this);
        watching.recordPending();
        return watching;
    }

    /**
     * Records the deliveries of an image's current state. Never throws: a notification that cannot be
     * recorded is logged, and the build goes on.
     *
     * @return whether they are recorded (or there is none to record)
     */
    public boolean imageChanged(StoredResource image) {
        try {
            ImageRecord record = ImageRecord.of(image);
            String topicArn = record.infrastructure().snsTopicArn().orElse(null);
            if (topicArn == null) {
                return true;
            }
            String body = message(image);
            String status = record.status().name();
            Instant now = clock.instant();
            List<Delivery> deliveries = new ArrayList<>();
            if (topics.topic(topicArn).isEmpty()) {
                deliveries.add(new Delivery(0, UUID.randomUUID().toString(), topicArn, null, null, image.arn(),
                        status, Delivery.Status.FAILED, 0, null, "no Kiln topic " + topicArn
                        + " (create it with: kiln topics create, then subscribe a webhook to it)", body, now, now,
                        now));
            } else {
                for (Subscription s : topics.subscriptions(topicArn)) {
                    deliveries.add(new Delivery(0, UUID.randomUUID().toString(), topicArn, s.id(),
                            s.endpoint().toString(), image.arn(), status, Delivery.Status.PENDING, 0, null, null, body,
                            now, now, now));
                }
            }
            topics.addDeliveries(deliveries);
            worker.wake();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("could not record the notification of {} ({}): {}", image.arn(),
                    ImageRecord.of(image).status(), e.toString());
            return false;
        }
    }

    /**
     * What Image Builder publishes to SNS for an image: the Image object as GetImage answers it, with
     * its {@code versionlessArn}.
     */
    static String message(StoredResource image) {
        ObjectNode body = image.body().deepCopy();
        String arn = image.arn();
        // arn:aws:imagebuilder:<region>:<account>:image/<name>/<version>/<build>
        int slash = arn.indexOf('/');
        int second = slash < 0 ? -1 : arn.indexOf('/', slash + 1);
        if (second > 0 && !body.has("versionlessArn")) {
            body.put("versionlessArn", arn.substring(0, second));
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always writes", e);
        }
    }

    /** Stops the delivery thread (what is PENDING stays for the next start); waits at most a few seconds. */
    @Override
    public void close() {
        worker.stop();
        // Woken, not interrupted: an interrupt in the middle of a statement makes H2 close the thread's
        // session, and the write it was making would be lost. Interrupted only if it does not stop.
        try {
            thread.join(4_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Answers that come after the store is closed are lost: those deliveries are sent again.
        worker.awaitSends(java.time.Duration.ofSeconds(2));
    }
}
