package dev.kiln.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateExpressionTest {
    private static final Instant SET = Instant.parse("2026-11-26T10:17:30Z");

    private static List<String> runs(String expression, String timezone, Instant anchor, String after, int n) {
        Schedule schedule = Schedule.parse(expression, timezone, anchor);
        List<String> runs = new ArrayList<>();
        ZonedDateTime t = ZonedDateTime.parse(after);
        for (int i = 0; i < n; i++) {
            t = schedule.next(t).orElseThrow();
            runs.add(t.toOffsetDateTime().toString());
        }
        return runs;
    }

    @Test
    void runsOnePeriodAfterItWasSetThenEveryPeriod() {
        assertThat(runs("rate(1 hour)", null, SET, "2026-11-26T10:17:30Z", 3))
                .containsExactly("2026-11-26T11:17Z", "2026-11-26T12:17Z", "2026-11-26T13:17Z");
        assertThat(runs("rate(5 minutes)", null, SET, "2026-11-26T10:40:00Z", 2))
                .containsExactly("2026-11-26T10:42Z", "2026-11-26T10:47Z");
        assertThat(runs("rate(1 minute)", null, SET, "2026-11-26T10:20:00Z", 1)).containsExactly("2026-11-26T10:21Z");
    }

    @Test
    void beforeItWasSetTheFirstRunIsOnePeriodAfter() {
        assertThat(runs("rate(2 hours)", null, SET, "2026-01-01T00:00:00Z", 1)).containsExactly("2026-11-26T12:17Z");
    }

    @Test
    void aRunAtExactlyTheGivenTimeIsNotNext() {
        assertThat(runs("rate(1 hour)", null, SET, "2026-11-26T12:17:00Z", 1)).containsExactly("2026-11-26T13:17Z");
    }

    @Test
    void longAfterItWasSetTheCountStillHolds() {
        assertThat(runs("rate(7 minutes)", null, SET, "2027-11-26T10:17:00Z", 1))
                .containsExactly("2027-11-26T10:19Z");
    }

    @Test
    void daysKeepTheLocalTimeAcrossDaylightSavingChanges() {
        Instant set = Instant.parse("2027-03-12T18:00:00Z"); // 10:00 in Los Angeles, before springing forward
        assertThat(runs("rate(1 day)", "America/Los_Angeles", set, "2027-03-12T18:00:00Z", 3)).containsExactly(
                "2027-03-13T10:00-08:00", "2027-03-14T10:00-07:00", "2027-03-15T10:00-07:00");
        assertThat(runs("rate(2 days)", "America/Los_Angeles", set, "2027-04-01T00:00:00Z", 1))
                .containsExactly("2027-04-01T10:00-07:00");
        // Hours are plain durations: 24 hours after 10:00 PST on the day clocks spring forward is 11:00 PDT.
        assertThat(runs("rate(24 hours)", "America/Los_Angeles", Instant.parse("2027-03-13T18:00:00Z"),
                "2027-03-13T18:00:00Z", 1)).containsExactly("2027-03-14T11:00-07:00");
    }
}
