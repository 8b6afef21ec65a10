package dev.kiln.core.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code rate(N unit)} with unit minute, minutes, hour, hours, day or days; the singular only for 1
 * ({@code rate(1 hour)}, {@code rate(2 hours)}). Runs every N units counted from an anchor, the time
 * the schedule was set (truncated to the minute), the first run one period after it. Minutes and hours
 * are fixed durations; days are calendar days in the schedule's zone, so {@code rate(1 day)} keeps its
 * local time of day across daylight-saving changes (a local time in a gap moves forward by the gap).
 */
record RateExpression(long value, ChronoUnit unit, Instant anchor) implements Schedule.Rule {
    private static final Pattern FORM = Pattern.compile("(\\S+)\\s+(\\S+)");

    RateExpression {
        anchor = anchor.truncatedTo(ChronoUnit.MINUTES);
    }

    /**
     * Parses the inside of {@code rate(...)}.
     *
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    static RateExpression parse(String inside, Instant anchor) {
        Matcher m = FORM.matcher(inside.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("a rate is rate(value unit), e.g. rate(1 hour) or rate(30 minutes)");
        }
        String number = m.group(1);
        String unitText = m.group(2);
        if (!number.matches("[0-9]{1,9}") || Long.parseLong(number) < 1) {
            throw new IllegalArgumentException("the rate's value '" + number + "' must be a whole number 1 or more");
        }
        long value = Long.parseLong(number);
        ChronoUnit unit = switch (unitText) {
            case "minute", "minutes" -> ChronoUnit.MINUTES;
            case "hour", "hours" -> ChronoUnit.HOURS;
            case "day", "days" -> ChronoUnit.DAYS;
            default -> throw new IllegalArgumentException("the rate's unit '" + unitText
                    + "' must be minute(s), hour(s) or day(s)");
        };
        boolean singular = !unitText.endsWith("s");
        if (singular != (value == 1)) {
            throw new IllegalArgumentException(value == 1
                    ? "a rate of 1 takes the singular unit: rate(1 " + unitText.substring(0, unitText.length() - 1) + ")"
                    : "a rate of " + value + " takes the plural unit: rate(" + value + " " + unitText + "s)");
        }
        return new RateExpression(value, unit, anchor);
    }

    @Override
    public Optional<ZonedDateTime> next(ZonedDateTime after, ZoneId zone) {
        if (unit == ChronoUnit.DAYS) {
            LocalDateTime start = anchor.atZone(zone).toLocalDateTime();
            long elapsed = ChronoUnit.DAYS.between(start.toLocalDate(), after.withZoneSameInstant(zone).toLocalDate());
            long k = Math.max(1, elapsed / value);
            ZonedDateTime candidate = start.plusDays(k * value).atZone(zone);
            while (!candidate.toInstant().isAfter(after.toInstant())) {
                k++;
                candidate = start.plusDays(k * value).atZone(zone);
            }
            return Optional.of(candidate);
        }
        Duration period = Duration.of(value, unit);
        long elapsed = Duration.between(anchor, after.toInstant()).toMinutes();
        long k = Math.max(1, Math.floorDiv(elapsed, period.toMinutes()) + 1);
        Instant next = anchor.plus(period.multipliedBy(k));
        while (!next.isAfter(after.toInstant())) {
            next = next.plus(period);
        }
        return Optional.of(next.atZone(zone));
    }
}
