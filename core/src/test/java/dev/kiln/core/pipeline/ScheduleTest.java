package dev.kiln.core.pipeline;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import java.time.Instant;
import java.time.ZoneId;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleTest {

    private static AbstractThrowableAssert<?, ?> refused(String expression) {
        return assertError(() -> Schedule.parse(expression, null), ErrorType.InvalidParameterValueException)
                .hasMessageStartingWith("The value supplied for parameter 'schedule.scheduleExpression' is not valid.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cron(0 10 * * ? *)", "cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)",
        "cron(0 8 1 * ? *)", "cron(0/15 * * * ? *)", "cron(0/10 * ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)",
        "cron(0 9 ? * 2#1 *)", "cron(0 0 L * ? *)", "cron(0 0 ? * 6L *)", "cron(0 0 15W * ? *)",
        "cron(30 22 ? * tue#2 *)", "cron(0 0 LW * ? *)", "cron(0 0 ? * L *)", "cron(0 0 1 jan-mar,oct ? 2027/2)",
        "cron(*/5 */2 1-15/3 */4 ? 1970-2199)", " cron( 0  10 * * ? * ) ", "rate(1 minute)", "rate(5 minutes)",
        "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(7 days)"})
    void acceptsAwsSyntax(String expression) {
        assertThat(Schedule.parse(expression, null).expression()).isEqualTo(expression);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cron(0 10 * * ?)|6 fields",
        "cron(0 10 * * ? * *)|6 fields",
        "cron()|6 fields",
        "cron(0 10 * * * *)|exactly one of day-of-month and day-of-week must be ?",
        "cron(0 10 ? * ? *)|exactly one of day-of-month and day-of-week must be ?",
        "cron(60 10 * * ? *)|minute 60 is out of range 0-59",
        "cron(0 24 * * ? *)|hour 24 is out of range 0-23",
        "cron(0 0 32 * ? *)|day-of-month 32 is out of range 1-31",
        "cron(0 0 0 * ? *)|day-of-month 0 is out of range 1-31",
        "cron(0 0 * 13 ? *)|month 13 is out of range 1-12",
        "cron(0 0 * FOO ? *)|month 'FOO' is not a number 1-12 or JAN-DEC",
        "cron(0 0 ? * 8 *)|day-of-week 8 is out of range 1-7",
        "cron(0 0 ? * 0 *)|day-of-week 0 is out of range 1-7",
        "cron(0 0 ? * MOM *)|day-of-week 'MOM' is not a number 1-7 or SUN-SAT",
        "cron(0 0 ? * MON#6 *)|# is day#n with n 1-5",
        "cron(0 0 ? * 2#1,3 *)|# is day#n",
        "cron(0 0 ? * 1L,3 *)|L, W and # forms stand alone",
        "cron(0 0 1,L * ? *)|L and W stand alone",
        "cron(0 0 W * ? *)|W follows one day 1-31",
        "cron(0 0 32W * ? *)|W follows one day 1-31",
        "cron(0 0 ? * 1W *)|L, W and # forms stand alone",
        "cron(0 0 * * ? 1969)|year 1969 is out of range 1970-2199",
        "cron(0 0 * * ? 2200)|year 2200 is out of range 1970-2199",
        "cron(0 0 * * ? 2030-2027)|the range 2030-2027 ends before it starts",
        "cron(0/0 * * * ? *)|the step after / must be a number 1-60",
        "cron(0/61 * * * ? *)|the step after / must be a number 1-60",
        "cron(? 10 * * ? *)|? is only for day-of-month or day-of-week",
        "cron(0 1--2 * * ? *)|a range is a-b",
        "cron(0 ,1 * * ? *)|hour '' is not a number 0-23",
        "rate(1 hours)|a rate of 1 takes the singular unit: rate(1 hour)",
        "rate(2 hour)|a rate of 2 takes the plural unit: rate(2 hours)",
        "rate(0 minutes)|must be a whole number 1 or more",
        "rate(-1 minutes)|must be a whole number 1 or more",
        "rate(five minutes)|must be a whole number 1 or more",
        "rate(30 seconds)|must be minute(s), hour(s) or day(s)",
        "rate(1 week)|must be minute(s), hour(s) or day(s)",
        "rate(1)|rate(value unit)",
        "0 10 * * ? *|cron(minute hour day-of-month month day-of-week year) or rate(value unit)",
        "at(2026-11-26T10:00:00)|cron(minute hour day-of-month month day-of-week year) or rate(value unit)",
        "CRON(0 10 * * ? *)|cron(minute hour day-of-month month day-of-week year) or rate(value unit)"})
    void refusesWhatAwsRefusesNamingTheField(String expression, String message) {
        refused(expression).hasMessageContaining(message);
    }

    @Test
    void timezoneDefaultsToUtcAndMustBeAnIanaZone() {
        assertThat(Schedule.parse("cron(0 10 * * ? *)", null).zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(Schedule.parse("cron(0 10 * * ? *)", "America/Los_Angeles").zone().getId())
                .isEqualTo("America/Los_Angeles");
        assertThat(Schedule.parse("rate(1 day)", "Etc/UTC").zone().getId()).isEqualTo("Etc/UTC");
        for (String bad : new String[] {"Mars/Olympus_Mons", "PST8PDTX", "+01:00", "america/los_angeles"}) {
            assertError(() -> Schedule.parse("cron(0 10 * * ? *)", bad), ErrorType.InvalidParameterValueException,
                    "'schedule.timezone'").hasMessageContaining(bad);
        }
    }

    @Test
    void readsAPipelinesScheduleMember() {
        var member = Json.object().put("scheduleExpression", "rate(1 hour)").put("timezone", "Europe/Berlin");
        Schedule schedule = Schedule.of(member, Instant.parse("2026-11-26T10:17:00Z")).orElseThrow();
        assertThat(schedule.zone().getId()).isEqualTo("Europe/Berlin");
        assertThat(schedule.next(Instant.parse("2026-11-26T10:30:00Z"))).contains(Instant.parse("2026-11-26T11:17:00Z"));
        assertThat(Schedule.of(null, Instant.EPOCH)).isEmpty();
        assertThat(Schedule.of(Json.object().put("pipelineExecutionStartCondition", "EXPRESSION_MATCH_ONLY"),
                Instant.EPOCH)).isEmpty();
        assertThatThrownBy(() -> Schedule.of(Json.object().put("timezone", "Nowhere/Land"), Instant.EPOCH))
                .hasMessageContaining("'schedule.timezone'");
    }
}
