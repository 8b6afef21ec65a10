package dev.kiln.core.store;

import dev.kiln.core.error.ApiException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** {@link AccountStore} on the {@code accounts} and {@code access_keys} tables. */
final class JdbiAccountStore implements AccountStore {
    private static final String KEY_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    /** AWS secrets are 40 characters of the base64 alphabet. */
    private static final String SECRET_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** Random ids collide rarely; a few draws settle it. */
    private static final int MAX_ID_ATTEMPTS = 10;
    private static final String KEY_COLUMNS = "access_key_id, secret_access_key, account_id, active, created_at";

    private final Jdbi jdbi;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    JdbiAccountStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public Account createAccount(String name) {
        for (int attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
            Account account = new Account(accountId(), name, Sql.micros(clock.instant()));
            try {
                jdbi.useHandle(h -> h.createUpdate(
                                "INSERT INTO accounts (id, name, created_at) VALUES (:id, :name, :createdAt)")
                        .bind("id", account.id())
                        .bind("name", account.name())
                        .bind("createdAt", Sql.timestamp(account.createdAt()))
                        .execute());
                return account;
            } catch (RuntimeException e) {
                if (!Sql.isUniqueViolation(e)) {
                    throw Sql.translate(e);
                }
            }
        }
        throw new IllegalStateException("no free account id after " + MAX_ID_ATTEMPTS + " attempts");
    }

    @Override
    public List<Account> accounts() {
        return Sql.list(jdbi, "SELECT id, name, created_at FROM accounts ORDER BY created_at, id",
                null, null, JdbiAccountStore::account);
    }

    @Override
    public Optional<Account> account(String id) {
        Objects.requireNonNull(id, "id");
        return Sql.one(jdbi, "SELECT id, name, created_at FROM accounts WHERE id = :id",
                "id", id, JdbiAccountStore::account);
    }

    @Override
    public AccessKey createKey(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        if (account(accountId).isEmpty()) {
            throw noSuchAccount(accountId);
        }
        for (int attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
            AccessKey key = new AccessKey("AKIA" + randomString(KEY_ID_CHARS, 16), randomString(SECRET_CHARS, 40),
                    accountId, true, Sql.micros(clock.instant()));
            try {
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO access_keys (" + KEY_COLUMNS + ")"
                                + " VALUES (:id, :secret, :account, :active, :createdAt)")
                        .bind("id", key.accessKeyId())
                        .bind("secret", key.secretAccessKey())
                        .bind("account", key.accountId())
                        .bind("active", key.active())
                        .bind("createdAt", Sql.timestamp(key.createdAt()))
                        .execute());
                return key;
            } catch (RuntimeException e) {
                if (Sql.isForeignKeyViolation(e)) {
                    throw noSuchAccount(accountId);
                }
                if (!Sql.isUniqueViolation(e)) {
                    throw Sql.translate(e);
                }
            }
        }
        throw new IllegalStateException("no free access key id after " + MAX_ID_ATTEMPTS + " attempts");
    }

    @Override
    public Optional<AccessKey> key(String accessKeyId) {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        return Sql.one(jdbi, "SELECT " + KEY_COLUMNS + " FROM access_keys WHERE access_key_id = :id",
                "id", accessKeyId, JdbiAccountStore::key);
    }

    @Override
    public List<AccessKey> keys(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        return Sql.list(jdbi, "SELECT " + KEY_COLUMNS + " FROM access_keys"
                        + " WHERE account_id = :account ORDER BY created_at, access_key_id",
                "account", accountId, JdbiAccountStore::key);
    }

    @Override
    public boolean revokeKey(String accessKeyId) {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        return jdbi.withHandle(h -> h.createUpdate("UPDATE access_keys SET active = FALSE WHERE access_key_id = :id")
                .bind("id", accessKeyId)
                .execute()) > 0;
    }

    /** Twelve digits, the first not 0, like an AWS account id. */
    private String accountId() {
        return (1 + random.nextInt(9)) + randomString("0123456789", 11);
    }

    private String randomString(String alphabet, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(chars);
    }

    private static ApiException noSuchAccount(String accountId) {
        return ApiException.notFound("The account '" + accountId + "' does not exist.");
    }

    private static Account account(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Account(rs.getString("id"), rs.getString("name"), Sql.instant(rs, "created_at"));
    }

    private static AccessKey key(ResultSet rs, StatementContext ctx) throws SQLException {
        Instant createdAt = Sql.instant(rs, "created_at");
        return new AccessKey(rs.getString("access_key_id"), rs.getString("secret_access_key"),
                rs.getString("account_id"), rs.getBoolean("active"), createdAt);
    }
}
