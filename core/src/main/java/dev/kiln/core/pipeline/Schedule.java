package dev.kiln.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A pipeline's schedule: its {@code scheduleExpression}, {@code cron(...)} ({@link CronExpression}) or
 * {@code rate(...)} ({@link RateExpression}), evaluated in its IANA {@code timezone} (UTC when none is
 * given). {@link #next} answers when it runs next, for {@code dateNextRun} and the scheduler.
 */
public final class Schedule {
    public static final String DEFAULT_TIMEZONE = "UTC";
    static final String EXPRESSION = "schedule.scheduleExpression";
    static final String TIMEZONE = "schedule.timezone";

    /** One kind of expression: the first run strictly after a time, in a zone. */
    interface Rule {
        Optional<ZonedDateTime> next(ZonedDateTime after, ZoneId zone);
    }

    private final String expression;
    private final ZoneId zone;
    private final Rule rule;

    private Schedule(String expression, ZoneId zone, Rule rule) {
        this.expression = expression;
        this.zone = zone;
        this.rule = rule;
    }

    /** A schedule whose rates count from the epoch; see {@link #parse(String, String, Instant)}. */
    public static Schedule parse(String expression, String timezone) {
        return parse(expression, timezone, Instant.EPOCH);
    }

    /**
     * Parses and validates a schedule expression and time zone.
     *
     * @param timezone an IANA zone such as {@code America/Los_Angeles}; null means UTC
     * @param anchor   when the schedule was set: {@code rate(...)} runs every period from then
     * @throws ApiException InvalidParameterValueException naming the field that is not valid
     */
    public static Schedule parse(String expression, String timezone, Instant anchor) {
        ZoneId zone = zone(timezone);
        String text = expression == null ? "" : expression.trim();
        try {
            if (text.startsWith("cron(") && text.endsWith(")")) {
                return new Schedule(expression, zone, CronExpression.parse(inside(text)));
            }
            if (text.startsWith("rate(") && text.endsWith(")")) {
                return new Schedule(expression, zone, RateExpression.parse(inside(text), anchor));
            }
        } catch (IllegalArgumentException e) {
            throw invalid(EXPRESSION, (text.startsWith("cron") ? "Invalid CRON expression: " : "Invalid rate"
                    + " expression: ") + e.getMessage());
        }
        throw invalid(EXPRESSION, "A schedule expression is cron(minute hour day-of-month month day-of-week year)"
                + " or rate(value unit), e.g. cron(0 10 * * ? *) or rate(1 day)");
    }

    /**
     * The schedule of a pipeline's {@code schedule} member, when it has an expression.
     *
     * @param anchor when the schedule was set (the pipeline's last create or update)
     */
    public static Optional<Schedule> of(JsonNode schedule, Instant anchor) {
        if (schedule == null || !schedule.hasNonNull("scheduleExpression")) {
            if (schedule != null && schedule.hasNonNull("timezone")) {
                zone(schedule.get("timezone").asText());
            }
            return Optional.empty();
        }
        String timezone = schedule.hasNonNull("timezone") ? schedule.get("timezone").asText() : null;
        return Optional.of(parse(schedule.get("scheduleExpression").asText(), timezone, anchor));
    }

    /** An IANA time zone, or InvalidParameterValue for schedule.timezone. */
    static ZoneId zone(String timezone) {
        if (timezone == null) {
            return ZoneId.of(DEFAULT_TIMEZONE);
        }
        if (!ZoneId.getAvailableZoneIds().contains(timezone)) {
            throw invalid(TIMEZONE, "'" + timezone + "' is not an IANA time zone such as Etc/UTC or"
                    + " America/Los_Angeles");
        }
        return ZoneId.of(timezone);
    }

    /** The first run strictly after the given time, in the schedule's zone; empty when it never runs again. */
    public Optional<ZonedDateTime> next(ZonedDateTime after) {
        return rule.next(after, zone);
    }

    public Optional<Instant> next(Instant after) {
        return next(after.atZone(zone)).map(ZonedDateTime::toInstant);
    }

    public ZoneId zone() {
        return zone;
    }

    public String expression() {
        return expression;
    }

    @Override
    public String toString() {
        return expression + " in " + zone;
    }

    private static String inside(String text) {
        return text.substring(5, text.length() - 1);
    }

    private static ApiException invalid(String parameter, String details) {
        return new ApiException(ErrorType.InvalidParameterValueException, "The value supplied for parameter '"
                + parameter + "' is not valid. " + details);
    }
}
