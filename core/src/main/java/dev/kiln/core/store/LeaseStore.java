package dev.kiln.core.store;

import java.time.Duration;
import java.time.Instant;

/**
 * Named leases, so that of several Kiln servers sharing one database only one does a job that must
 * run once at a time (the pipeline scheduler). A lease is held until it expires or is released; its
 * holder renews it by acquiring it again.
 */
public interface LeaseStore {

    /**
     * Takes the lease for {@code holder} until {@code now + ttl} when it is free, expired or held by
     * {@code holder} already (a renewal). Safe under concurrent calls: one holder wins.
     *
     * @return whether {@code holder} holds the lease now
     */
    boolean acquire(String name, String holder, Instant now, Duration ttl);

    /** Gives the lease up, if {@code holder} holds it, so that another may take it at once. */
    void release(String name, String holder);
}
