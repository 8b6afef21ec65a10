package dev.kiln.core.store;

import java.net.URI;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/** {@link TopicStore} on the {@code sns_topics}, {@code sns_subscriptions} and {@code sns_deliveries} tables. */
final class JdbiTopicStore implements TopicStore {
    private static final String DELIVERY_COLUMNS = "seq, id, topic_arn, subscription_id, endpoint, image_arn,"
            + " image_status, status, attempts, last_status_code, last_error, body, created_at, updated_at,"
            + " next_attempt_at";

    private final Jdbi jdbi;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    JdbiTopicStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public Topic createTopic(String region, String accountId, String name) {
        Topic topic = new Topic(Topic.arn(region, accountId, name), region, accountId, name,
                Sql.micros(clock.instant()));
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO sns_topics (arn, account_id, region, name, created_at)"
                            + " VALUES (:arn, :accountId, :region, :name, :createdAt)")
                    .bind("arn", topic.arn())
                    .bind("accountId", accountId)
                    .bind("region", region)
                    .bind("name", name)
                    .bind("createdAt", Sql.timestamp(topic.createdAt()))
                    .execute());
        } catch (RuntimeException e) {
            if (Sql.isUniqueViolation(e)) {
                throw new IllegalArgumentException("the topic " + topic.arn() + " exists already");
            }
            throw e;
        }
        return topic;
    }

    @Override
    public List<Topic> topics() {
        return Sql.list(jdbi, "SELECT * FROM sns_topics ORDER BY created_at, arn",
                null, null, JdbiTopicStore::topic);
    }

    @Override
    public Optional<Topic> topic(String arn) {
        Objects.requireNonNull(arn, "arn");
        return Sql.one(jdbi, "SELECT * FROM sns_topics WHERE arn = :arn",
                "arn", arn, JdbiTopicStore::topic);
    }

    @Override
    public Subscription subscribe(String topicArn, URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (topic(topicArn).isEmpty()) {
            throw new IllegalArgumentException("no Kiln topic " + topicArn + " (see kiln topics list)");
        }
        if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
                || endpoint.getHost() == null) {
            throw new IllegalArgumentException("a subscription endpoint is an http:// or https:// URL with a host: "
                    + endpoint);
        }
        byte[] key = new byte[32];
        random.nextBytes(key);
        Subscription subscription = new Subscription(UUID.randomUUID().toString(), topicArn, endpoint,
                HexFormat.of().formatHex(key), Sql.micros(clock.instant()));
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO sns_subscriptions (id, topic_arn, endpoint, secret, created_at)"
                        + " VALUES (:id, :topicArn, :endpoint, :secret, :createdAt)")
                .bind("id", subscription.id())
                .bind("topicArn", topicArn)
                .bind("endpoint", endpoint.toString())
                .bind("secret", subscription.secret())
                .bind("createdAt", Sql.timestamp(subscription.createdAt()))
                .execute());
        return subscription;
    }

    @Override
    public List<Subscription> subscriptions(String topicArn) {
        return Sql.list(jdbi, "SELECT * FROM sns_subscriptions WHERE topic_arn = :topicArn ORDER BY created_at, id",
                "topicArn", topicArn, JdbiTopicStore::subscription);
    }

    @Override
    public Optional<Subscription> subscription(String id) {
        return Sql.one(jdbi, "SELECT * FROM sns_subscriptions WHERE id = :id",
                "id", id, JdbiTopicStore::subscription);
    }

    @Override
    public void addDeliveries(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("INSERT INTO sns_deliveries (id, topic_arn, subscription_id,"
                    + " endpoint, image_arn, image_status, status, attempts, last_status_code, last_error, body,"
                    + " created_at, updated_at, next_attempt_at) VALUES (:id, :topicArn, :subscriptionId, :endpoint,"
                    + " :imageArn, :imageStatus, :status, :attempts, :lastStatusCode, :lastError, :body, :createdAt,"
                    + " :updatedAt, :nextAttemptAt)");
            for (Delivery d : deliveries) {
                batch.bind("id", d.id())
                        .bind("topicArn", d.topicArn())
                        .bind("subscriptionId", d.subscriptionId())
                        .bind("endpoint", d.endpoint())
                        .bind("imageArn", d.imageArn())
                        .bind("imageStatus", d.imageStatus())
                        .bind("status", d.status().name())
                        .bind("attempts", d.attempts())
                        .bind("lastStatusCode", d.lastStatusCode())
                        .bind("lastError", truncate(d.lastError()))
                        .bind("body", d.body())
                        .bind("createdAt", Sql.timestamp(d.createdAt()))
                        .bind("updatedAt", Sql.timestamp(d.updatedAt()))
                        .bind("nextAttemptAt", Sql.timestamp(d.nextAttemptAt()))
                        .add();
            }
            batch.execute();
        });
    }

    @Override
    public List<Delivery> pending(int limit) {
        return Sql.list(jdbi, "SELECT " + DELIVERY_COLUMNS
                        + " FROM sns_deliveries WHERE status = 'PENDING' ORDER BY seq FETCH FIRST :limit ROWS ONLY",
                "limit", limit, JdbiTopicStore::delivery);
    }

    @Override
    public void updateDelivery(Delivery d) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE sns_deliveries SET status = :status, attempts = :attempts,"
                        + " last_status_code = :lastStatusCode, last_error = :lastError, updated_at = :updatedAt,"
                        + " next_attempt_at = :nextAttemptAt WHERE id = :id")
                .bind("id", d.id())
                .bind("status", d.status().name())
                .bind("attempts", d.attempts())
                .bind("lastStatusCode", d.lastStatusCode())
                .bind("lastError", truncate(d.lastError()))
                .bind("updatedAt", Sql.timestamp(d.updatedAt()))
                .bind("nextAttemptAt", Sql.timestamp(d.nextAttemptAt()))
                .execute());
    }

    @Override
    public List<Delivery> deliveries(String topicArn) {
        return Sql.list(jdbi, "SELECT " + DELIVERY_COLUMNS
                        + " FROM sns_deliveries WHERE topic_arn = :topicArn ORDER BY seq",
                "topicArn", topicArn, JdbiTopicStore::delivery);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1024 ? s : s.substring(0, 1021) + "...";
    }

    private static Topic topic(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Topic(rs.getString("arn"), rs.getString("region"), rs.getString("account_id"),
                rs.getString("name"), Sql.instant(rs, "created_at"));
    }

    private static Subscription subscription(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Subscription(rs.getString("id"), rs.getString("topic_arn"), URI.create(rs.getString("endpoint")),
                rs.getString("secret"), Sql.instant(rs, "created_at"));
    }

    private static Delivery delivery(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Delivery(rs.getLong("seq"), rs.getString("id"), rs.getString("topic_arn"),
                rs.getString("subscription_id"), rs.getString("endpoint"), rs.getString("image_arn"),
                rs.getString("image_status"), Delivery.Status.valueOf(rs.getString("status")), rs.getInt("attempts"),
                Sql.integer(rs, "last_status_code"), rs.getString("last_error"), rs.getString("body"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"), Sql.instant(rs, "next_attempt_at"));
    }
}
