package dev.kiln.core.store;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@link IdempotencyStore} on the {@code idempotency} table; its primary key settles races. */
final class JdbiIdempotencyStore implements IdempotencyStore {
    private static final String FIND = "SELECT request_hash, response_json FROM idempotency"
            + " WHERE account_id = :account AND region = :region AND operation = :operation"
            + " AND client_token = :token";

    private final Jdbi jdbi;
    private final Clock clock;

    JdbiIdempotencyStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public Optional<Remembered> find(String accountId, String region, String operation, String clientToken) {
        return jdbi.withHandle(h -> h.createQuery(FIND)
                .bind("account", Objects.requireNonNull(accountId, "accountId"))
                .bind("region", Objects.requireNonNull(region, "region"))
                .bind("operation", Objects.requireNonNull(operation, "operation"))
                .bind("token", Objects.requireNonNull(clientToken, "clientToken"))
                .map((rs, ctx) -> new Remembered(rs.getString("request_hash"), rs.getString("response_json")))
                .findOne());
    }

    @Override
    public Remembered remember(String accountId, String region, String operation, String clientToken,
                               String requestHash, String responseJson) {
        Objects.requireNonNull(requestHash, "requestHash");
        Objects.requireNonNull(responseJson, "responseJson");
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO idempotency (account_id, region, operation,"
                            + " client_token, request_hash, response_json, created_at)"
                            + " VALUES (:account, :region, :operation, :token, :hash, :response, :createdAt)")
                    .bind("account", Objects.requireNonNull(accountId, "accountId"))
                    .bind("region", Objects.requireNonNull(region, "region"))
                    .bind("operation", Objects.requireNonNull(operation, "operation"))
                    .bind("token", Objects.requireNonNull(clientToken, "clientToken"))
                    .bind("hash", requestHash)
                    .bind("response", responseJson)
                    .bind("createdAt", Sql.timestamp(clock.instant()))
                    .execute());
            return new Remembered(requestHash, responseJson);
        } catch (RuntimeException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw Sql.translate(e);
            }
        }
        // Another call with this token was recorded first (it has committed: its row blocked our insert).
        return find(accountId, region, operation, clientToken).orElseThrow(() -> new IllegalStateException(
                "clientToken " + clientToken + " conflicted with a record that is gone"));
    }
}
