package dev.kiln.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/** {@link LeaseStore} on the leases table: a conditional update, else an insert that one caller wins. */
final class JdbiLeaseStore implements LeaseStore {
    private final Jdbi jdbi;

    JdbiLeaseStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public boolean acquire(String name, String holder, Instant now, Duration ttl) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        Instant expires = now.plus(ttl);
        int renewed = jdbi.withHandle(h -> h.createUpdate("UPDATE leases SET holder = :holder, expires_at = :expires"
                        + " WHERE name = :name AND (holder = :holder OR expires_at < :now)")
                .bind("name", name)
                .bind("holder", holder)
                .bind("expires", Sql.timestamp(expires))
                .bind("now", Sql.timestamp(now))
                .execute());
        if (renewed > 0) {
            return true;
        }
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO leases (name, holder, expires_at)"
                            + " VALUES (:name, :holder, :expires)")
                    .bind("name", name)
                    .bind("holder", holder)
                    .bind("expires", Sql.timestamp(expires))
                    .execute());
            return true;
        } catch (RuntimeException e) {
            if (Sql.isUniqueViolation(e)) {
                return false; // held by another, unexpired; or another took it a moment ago
            }
            throw e;
        }
    }

    @Override
    public void release(String name, String holder) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM leases WHERE name = :name AND holder = :holder")
                .bind("name", name)
                .bind("holder", holder)
                .execute());
    }
}
