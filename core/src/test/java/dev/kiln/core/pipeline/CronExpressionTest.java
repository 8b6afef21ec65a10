package dev.kiln.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AWS's documented cron examples, evaluated from Thursday 2026-11-26 10:00 UTC unless said otherwise. */
class CronExpressionTest {
    private static final String THURSDAY = "2026-11-26T10:00:00Z";

    /** The next run after a time, as an ISO date-time with offset. */
    private static String next(String expression, String after) {
        return runs(expression, null, after, 1).get(0);
    }

    /** The next n runs after a time, as ISO instants. */
    private static List<String> runs(String expression, String timezone, String after, int n) {
        Schedule schedule = Schedule.parse(expression, timezone);
        List<String> runs = new ArrayList<>();
        ZonedDateTime t = ZonedDateTime.parse(after);
        for (int i = 0; i < n; i++) {
            t = schedule.next(t).orElseThrow();
            runs.add(t.toOffsetDateTime().toString());
        }
        return runs;
    }

    @Test
    void tenEveryMorningRunsTomorrowWhenTodaysRunIsNotAfterTheGivenTime() {
        assertThat(next("cron(0 10 * * ? *)", THURSDAY)).isEqualTo("2026-11-27T10:00Z");
        assertThat(next("cron(0 10 * * ? *)", "2026-11-26T09:59:59Z")).isEqualTo("2026-11-26T10:00Z");
    }

    @Test
    void quarterPastNoonEveryDay() {
        assertThat(runs("cron(15 12 * * ? *)", null, THURSDAY, 2))
                .containsExactly("2026-11-26T12:15Z", "2026-11-27T12:15Z");
    }

    @Test
    void sixPmOnWeekdaysSkipsTheWeekend() {
        assertThat(runs("cron(0 18 ? * MON-FRI *)", null, THURSDAY, 3))
                .containsExactly("2026-11-26T18:00Z", "2026-11-27T18:00Z", "2026-11-30T18:00Z");
    }

    @Test
    void eightOnTheFirstOfEveryMonth() {
        assertThat(runs("cron(0 8 1 * ? *)", null, THURSDAY, 2))
                .containsExactly("2026-12-01T08:00Z", "2027-01-01T08:00Z");
    }

    @Test
    void everyFifteenMinutes() {
        assertThat(runs("cron(0/15 * * * ? *)", null, "2026-11-26T10:07:00Z", 4))
                .containsExactly("2026-11-26T10:15Z", "2026-11-26T10:30Z", "2026-11-26T10:45Z", "2026-11-26T11:00Z");
    }

    @Test
    void everyTenMinutesOnWeekdaysResumesOnMonday() {
        assertThat(next("cron(0/10 * ? * MON-FRI *)", THURSDAY)).isEqualTo("2026-11-26T10:10Z");
        assertThat(next("cron(0/10 * ? * MON-FRI *)", "2026-11-27T23:55:00Z")).isEqualTo("2026-11-30T00:00Z");
    }

    @Test
    void everyFiveMinutesDuringOfficeHoursOnWeekdays() {
        assertThat(next("cron(0/5 8-17 ? * MON-FRI *)", THURSDAY)).isEqualTo("2026-11-26T10:05Z");
        assertThat(runs("cron(0/5 8-17 ? * MON-FRI *)", null, "2026-11-26T17:50:00Z", 3))
                .containsExactly("2026-11-26T17:55Z", "2026-11-27T08:00Z", "2026-11-27T08:05Z");
        assertThat(next("cron(0/5 8-17 ? * MON-FRI *)", "2026-11-27T17:55:00Z")).isEqualTo("2026-11-30T08:00Z");
    }

    @Test
    void nineOnTheFirstMondayOfTheMonth() {
        // December 2026 starts on a Tuesday; January 2027 on a Friday.
        assertThat(runs("cron(0 9 ? * 2#1 *)", null, THURSDAY, 2))
                .containsExactly("2026-12-07T09:00Z", "2027-01-04T09:00Z");
        assertThat(runs("cron(30 22 ? * tue#2 *)", null, THURSDAY, 1)).containsExactly("2026-12-08T22:30Z");
    }

    @Test
    void midnightOnTheLastDayOfTheMonth() {
        assertThat(runs("cron(0 0 L * ? *)", null, THURSDAY, 4))
                .containsExactly("2026-11-30T00:00Z", "2026-12-31T00:00Z", "2027-01-31T00:00Z", "2027-02-28T00:00Z");
        assertThat(next("cron(0 0 L * ? *)", "2028-02-01T00:00:00Z")).isEqualTo("2028-02-29T00:00Z");
    }

    @Test
    void midnightOnTheLastFridayOfTheMonth() {
        assertThat(runs("cron(0 0 ? * 6L *)", null, "2026-11-01T00:00:00Z", 3))
                .containsExactly("2026-11-27T00:00Z", "2026-12-25T00:00Z", "2027-01-29T00:00Z");
    }

    @Test
    void midnightOnTheWeekdayNearestTheFifteenth() {
        // 2026-11-15 is a Sunday (so Monday 16th), 2026-12-15 a Tuesday, 2027-05-15 a Saturday (so Friday 14th).
        assertThat(runs("cron(0 0 15W * ? *)", null, "2026-11-01T00:00:00Z", 2))
                .containsExactly("2026-11-16T00:00Z", "2026-12-15T00:00Z");
        assertThat(next("cron(0 0 15W * ? *)", "2027-05-01T00:00:00Z")).isEqualTo("2027-05-14T00:00Z");
    }

    @Test
    void nearestWeekdayAndLastWeekdayStayInTheirMonth() {
        // 2027-05-01 is a Saturday: 1W is Monday the 3rd, not Friday 30 April. 2027-10-31 is a Sunday.
        assertThat(next("cron(0 0 1W * ? *)", "2027-04-20T00:00:00Z")).isEqualTo("2027-05-03T00:00Z");
        assertThat(next("cron(0 0 LW * ? *)", "2027-10-01T00:00:00Z")).isEqualTo("2027-10-29T00:00Z");
        // 31W never matches a 30-day month.
        assertThat(next("cron(0 0 31W * ? *)", "2026-11-01T00:00:00Z")).isEqualTo("2026-12-31T00:00Z");
    }

    @Test
    void listsRangesStepsNamesAndWrappingRanges() {
        assertThat(runs("cron(5,35 6-7 ? JAN,JUL SUN *)", null, "2027-01-01T00:00:00Z", 5)).containsExactly(
                "2027-01-03T06:05Z", "2027-01-03T06:35Z", "2027-01-03T07:05Z", "2027-01-03T07:35Z",
                "2027-01-10T06:05Z");
        // FRI-MON wraps: Friday, Saturday, Sunday, Monday.
        assertThat(runs("cron(0 12 ? * FRI-MON *)", null, THURSDAY, 5)).containsExactly(
                "2026-11-27T12:00Z", "2026-11-28T12:00Z", "2026-11-29T12:00Z", "2026-11-30T12:00Z",
                "2026-12-04T12:00Z");
        assertThat(runs("cron(0 22-1 * * ? *)", null, THURSDAY, 4)).containsExactly(
                "2026-11-26T22:00Z", "2026-11-26T23:00Z", "2026-11-27T00:00Z", "2026-11-27T01:00Z");
        assertThat(runs("cron(0 0 1 */6 ? *)", null, THURSDAY, 2))
                .containsExactly("2027-01-01T00:00Z", "2027-07-01T00:00Z");
    }

    @Test
    void yearsLimitTheScheduleAndAnExhaustedOneHasNoNextRun() {
        assertThat(next("cron(0 0 1 1 ? 2030-2031)", THURSDAY)).isEqualTo("2030-01-01T00:00Z");
        assertThat(Schedule.parse("cron(0 0 1 1 ? 2026)", null).next(ZonedDateTime.parse(THURSDAY))).isEmpty();
        assertThat(Schedule.parse("cron(0 0 30 2 ? *)", null).next(ZonedDateTime.parse(THURSDAY))).isEmpty();
    }

    @Test
    void localTimesKeepTheirHourAcrossDaylightSavingChanges() {
        // Los Angeles springs forward on 2027-03-14 and falls back on 2026-11-01.
        assertThat(runs("cron(0 10 * * ? *)", "America/Los_Angeles", "2027-03-12T20:00:00Z", 3)).containsExactly(
                "2027-03-13T10:00-08:00", "2027-03-14T10:00-07:00", "2027-03-15T10:00-07:00");
        assertThat(runs("cron(0 10 * * ? *)", "America/Los_Angeles", "2026-10-31T00:00:00Z", 2)).containsExactly(
                "2026-10-31T10:00-07:00", "2026-11-01T10:00-08:00");
    }

    @Test
    void aLocalTimeThatDoesNotExistWhenClocksGoForwardIsSkipped() {
        assertThat(runs("cron(30 2 * * ? *)", "America/Los_Angeles", "2027-03-13T11:00:00Z", 1))
                .containsExactly("2027-03-15T02:30-07:00");
        assertThat(runs("cron(0/30 * * * ? *)", "America/Los_Angeles", "2027-03-14T01:15:00-08:00", 3))
                .containsExactly("2027-03-14T01:30-08:00", "2027-03-14T03:00-07:00", "2027-03-14T03:30-07:00");
    }

    @Test
    void aLocalTimeThatHappensTwiceWhenClocksGoBackRunsOnce() {
        assertThat(runs("cron(30 1 * * ? *)", "America/Los_Angeles", "2026-10-31T12:00:00-07:00", 2))
                .containsExactly("2026-11-01T01:30-07:00", "2026-11-02T01:30-08:00");
        // Every 15 minutes: the repeated hour does not run a second time.
        assertThat(runs("cron(0/15 * * * ? *)", "America/Los_Angeles", "2026-11-01T01:40:00-07:00", 2))
                .containsExactly("2026-11-01T01:45-07:00", "2026-11-01T02:00-08:00");
        // Asked from inside the repeated hour, the next run is after it.
        assertThat(runs("cron(0/15 * * * ? *)", "America/Los_Angeles", "2026-11-01T01:20:00-08:00", 1))
                .containsExactly("2026-11-01T02:00-08:00");
    }

    @Test
    void theAnswerIsInTheSchedulesZoneWhateverTheZoneOfTheQuestion() {
        ZonedDateTime next = Schedule.parse("cron(0 9 * * ? *)", "Europe/Berlin")
                .next(ZonedDateTime.parse("2026-11-26T10:00:00+09:00")).orElseThrow();
        assertThat(next.getZone().getId()).isEqualTo("Europe/Berlin");
        assertThat(next.toOffsetDateTime().toString()).isEqualTo("2026-11-26T09:00+01:00");
    }
}
