package dev.kiln.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The behaviour of {@link LeaseStore}, run on each database by a subclass. */
abstract class LeaseStoreContract extends StoreFixture {
    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(90);

    private LeaseStore leases() {
        return db.leases();
    }

    @Test
    void theFirstHolderGetsItAndOthersDoNotUntilItExpires() {
        assertThat(leases().acquire("job", "a", T0, TTL)).isTrue();

        assertThat(leases().acquire("job", "b", T0.plusSeconds(89), TTL)).isFalse();
        assertThat(leases().acquire("other-job", "b", T0, TTL)).isTrue();
        assertThat(leases().acquire("job", "b", T0.plusSeconds(91), TTL)).isTrue();
        assertThat(leases().acquire("job", "a", T0.plusSeconds(92), TTL)).isFalse();
    }

    @Test
    void theHolderRenewsItByAcquiringItAgain() {
        leases().acquire("job", "a", T0, TTL);

        assertThat(leases().acquire("job", "a", T0.plusSeconds(60), TTL)).isTrue();
        assertThat(leases().acquire("job", "b", T0.plusSeconds(120), TTL)).isFalse();
    }

    @Test
    void aReleasedLeaseIsFreeAtOnceAndOnlyItsHolderReleasesIt() {
        leases().acquire("job", "a", T0, TTL);

        leases().release("job", "b");
        assertThat(leases().acquire("job", "b", T0, TTL)).isFalse();
        leases().release("job", "a");
        assertThat(leases().acquire("job", "b", T0, TTL)).isTrue();
    }

    @Test
    void concurrentAcquiresOfAFreeLeaseHaveOneWinner() throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Outcome<Boolean>> outcomes = concurrently(8,
                () -> leases().acquire("job", "holder-" + next.incrementAndGet(), T0, TTL));

        assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).isNull());
        assertThat(outcomes).filteredOn(Outcome::value).hasSize(1);
    }
}
