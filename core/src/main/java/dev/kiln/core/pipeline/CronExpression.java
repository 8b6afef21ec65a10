package dev.kiln.core.pipeline;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.time.zone.ZoneRules;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * AWS's 6-field cron, as Image Builder (and EventBridge) take it inside {@code cron(...)}:
 * {@code minute hour day-of-month month day-of-week year}.
 *
 * <table>
 * <caption>Fields</caption>
 * <tr><th>field</th><th>values</th><th>wildcards</th></tr>
 * <tr><td>minute</td><td>0-59</td><td>{@code , - * /}</td></tr>
 * <tr><td>hour</td><td>0-23</td><td>{@code , - * /}</td></tr>
 * <tr><td>day-of-month</td><td>1-31</td><td>{@code , - * ? / L W}</td></tr>
 * <tr><td>month</td><td>1-12 or JAN-DEC</td><td>{@code , - * /}</td></tr>
 * <tr><td>day-of-week</td><td>1-7 or SUN-SAT (1 = Sunday)</td><td>{@code , - * ? / L #}</td></tr>
 * <tr><td>year</td><td>1970-2199</td><td>{@code , - * /}</td></tr>
 * </table>
 *
 * <p>Exactly one of day-of-month and day-of-week is {@code ?}. Names are case-insensitive. A range
 * {@code a-b} with {@code a > b} wraps around (FRI-MON, 22-2), except in the year. {@code L} in
 * day-of-month is the month's last day, {@code LW} its last weekday, {@code 15W} the weekday nearest
 * the 15th within the month; in day-of-week {@code 6L} is the month's last Friday, {@code L} alone
 * Saturday, {@code 2#1} its first Monday. {@code L}, {@code W} and {@code #} forms stand alone in
 * their field (not in lists), as in Quartz, whose syntax AWS's derives from.
 *
 * <p>Matches are local times in the schedule's zone. When clocks go forward, a local time that does
 * not exist that day is skipped; when they go back, a local time that happens twice runs once, at its
 * first occurrence (EventBridge Scheduler's documented behaviour).
 */
final class CronExpression implements Schedule.Rule {
    static final int MIN_YEAR = 1970;
    static final int MAX_YEAR = 2199;

    private static final Map<String, Integer> MONTHS = names("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
            "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final Map<String, Integer> DAYS = names("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet months;
    private final BitSet years;
    private final Predicate<LocalDate> day;

    private CronExpression(BitSet minutes, BitSet hours, BitSet months, BitSet years, Predicate<LocalDate> day) {
        this.minutes = minutes;
        this.hours = hours;
        this.months = months;
        this.years = years;
        this.day = day;
    }

    /**
     * Parses the inside of {@code cron(...)}.
     *
     * @throws IllegalArgumentException with a message naming the bad field
     */
    static CronExpression parse(String fields) {
        String[] f = fields.trim().split("\\s+");
        if (f.length != 6) {
            throw new IllegalArgumentException("a cron expression has 6 fields (minute hour day-of-month month"
                    + " day-of-week year), this one has " + (fields.isBlank() ? 0 : f.length)
                    + "; e.g. cron(0 10 * * ? *)");
        }
        BitSet minutes = values("minute", f[0], 0, 59, Map.of(), true);
        BitSet hours = values("hour", f[1], 0, 23, Map.of(), true);
        BitSet months = values("month", f[3], 1, 12, MONTHS, true);
        BitSet years = values("year", f[5], MIN_YEAR, MAX_YEAR, Map.of(), false);
        boolean domAny = f[2].equals("?");
        boolean dowAny = f[4].equals("?");
        if (domAny == dowAny) {
            throw new IllegalArgumentException("exactly one of day-of-month and day-of-week must be ? (got '"
                    + f[2] + "' and '" + f[4] + "'); e.g. cron(0 8 1 * ? *) or cron(0 18 ? * MON-FRI *)");
        }
        Predicate<LocalDate> day = dowAny ? dayOfMonth(f[2]) : dayOfWeek(f[4]);
        return new CronExpression(minutes, hours, months, years, day);
    }

    @Override
    public Optional<ZonedDateTime> next(ZonedDateTime after, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        ZonedDateTime start = after.withZoneSameInstant(zone);
        // Candidates are local times from the minute after; when clocks went back and `after` is in the
        // repeated hour, candidates whose first occurrence was already before `after` are stepped over.
        LocalDateTime t = start.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        while (t.getYear() <= MAX_YEAR) {
            if (!years.get(t.getYear())) {
                int next = years.nextSetBit(t.getYear() + 1);
                if (next < 0) {
                    return Optional.empty();
                }
                t = LocalDateTime.of(next, 1, 1, 0, 0);
            } else if (!months.get(t.getMonthValue())) {
                t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
            } else if (!day.test(t.toLocalDate())) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                List<ZoneOffset> offsets = rules.getValidOffsets(t);
                if (!offsets.isEmpty()) {
                    // No offset: the local time is in a gap (clocks went forward) and is skipped. Two: it
                    // happens twice (clocks went back) and runs at the first occurrence, the larger offset.
                    ZoneOffset first = offsets.stream().max(Comparator.comparingInt(ZoneOffset::getTotalSeconds)).orElseThrow();
                    ZonedDateTime candidate = ZonedDateTime.ofLocal(t, zone, first);
                    if (candidate.toInstant().isAfter(after.toInstant())) {
                        return Optional.of(candidate);
                    }
                }
                t = t.plusMinutes(1);
            }
        }
        return Optional.empty();
    }

    private static Predicate<LocalDate> dayOfMonth(String field) {
        String f = field.toUpperCase(Locale.ROOT);
        if (f.equals("L")) {
            return d -> d.getDayOfMonth() == d.lengthOfMonth();
        }
        if (f.equals("LW")) {
            return d -> d.equals(lastWeekday(d));
        }
        if (f.endsWith("W")) {
            String n = f.substring(0, f.length() - 1);
            if (!n.matches("[0-9]{1,2}") || Integer.parseInt(n) < 1 || Integer.parseInt(n) > 31) {
                throw new IllegalArgumentException("day-of-month '" + field + "': W follows one day 1-31, as in"
                        + " 15W (the weekday nearest the 15th), or L, as in LW (the last weekday)");
            }
            int target = Integer.parseInt(n);
            return d -> target <= d.lengthOfMonth() && d.equals(nearestWeekday(d.withDayOfMonth(target)));
        }
        if (f.contains("L") || f.contains("W") || f.contains("#")) {
            throw new IllegalArgumentException("day-of-month '" + field + "': L and W stand alone in the field"
                    + " (L, LW, 15W), and # belongs to day-of-week");
        }
        BitSet days = values("day-of-month", field, 1, 31, Map.of(), true);
        return d -> days.get(d.getDayOfMonth());
    }

    private static Predicate<LocalDate> dayOfWeek(String field) {
        String f = field.toUpperCase(Locale.ROOT);
        if (f.contains("#")) {
            String[] parts = f.split("#", -1);
            if (parts.length != 2 || !parts[1].matches("[1-5]")) {
                throw new IllegalArgumentException("day-of-week '" + field + "': # is day#n with n 1-5, as in"
                        + " 2#1 (the first Monday of the month) or TUE#2");
            }
            int aws = single("day-of-week", parts[0], 1, 7, DAYS);
            int nth = Integer.parseInt(parts[1]);
            DayOfWeek dow = javaDay(aws);
            return d -> d.getDayOfWeek() == dow && (d.getDayOfMonth() - 1) / 7 + 1 == nth;
        }
        if (f.equals("L")) {
            return d -> d.getDayOfWeek() == DayOfWeek.SATURDAY;
        }
        if (f.endsWith("L")) {
            int aws = single("day-of-week", f.substring(0, f.length() - 1), 1, 7, DAYS);
            DayOfWeek dow = javaDay(aws);
            return d -> d.getDayOfWeek() == dow && d.plusDays(7).getMonth() != d.getMonth();
        }
        BitSet days = values("day-of-week", field, 1, 7, DAYS, true);
        return d -> days.get(awsDay(d.getDayOfWeek()));
    }

    /** 1 = SUN ... 7 = SAT, as AWS counts. */
    static int awsDay(DayOfWeek d) {
        return d.getValue() % 7 + 1;
    }

    private static DayOfWeek javaDay(int aws) {
        return aws == 1 ? DayOfWeek.SUNDAY : DayOfWeek.of(aws - 1);
    }

    private static LocalDate lastWeekday(LocalDate d) {
        LocalDate last = d.with(TemporalAdjusters.lastDayOfMonth());
        return switch (last.getDayOfWeek()) {
            case SATURDAY -> last.minusDays(1);
            case SUNDAY -> last.minusDays(2);
            default -> last;
        };
    }

    /** Quartz's nW: the weekday nearest to the day, without leaving its month. */
    private static LocalDate nearestWeekday(LocalDate target) {
        return switch (target.getDayOfWeek()) {
            case SATURDAY -> target.getDayOfMonth() == 1 ? target.plusDays(2) : target.minusDays(1);
            case SUNDAY -> target.getDayOfMonth() == target.lengthOfMonth() ? target.minusDays(2) : target.plusDays(1);
            default -> target;
        };
    }

    /** A comma list of {@code *}, {@code n}, {@code a-b}, each optionally {@code /step}. */
    private static BitSet values(String name, String field, int min, int max, Map<String, Integer> names,
                                 boolean wrap) {
        BitSet set = new BitSet(max + 1);
        if (field.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty");
        }
        for (String item : field.toUpperCase(Locale.ROOT).split(",", -1)) {
            if (item.equals("?")) {
                throw new IllegalArgumentException(name + " '" + field + "': ? is only for day-of-month or"
                        + " day-of-week, alone in the field");
            }
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                String s = item.substring(slash + 1);
                if (!s.matches("[0-9]{1,4}") || Integer.parseInt(s) < 1 || Integer.parseInt(s) > max - min + 1) {
                    throw new IllegalArgumentException(name + " '" + field + "': the step after / must be a number"
                            + " 1-" + (max - min + 1));
                }
                step = Integer.parseInt(s);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.indexOf('-') > 0) {
                String[] ab = range.split("-", -1);
                if (ab.length != 2) {
                    throw new IllegalArgumentException(name + " '" + field + "': a range is a-b");
                }
                from = single(name, ab[0], min, max, names);
                to = single(name, ab[1], min, max, names);
                if (from > to && !wrap) {
                    throw new IllegalArgumentException(name + " '" + field + "': the range " + range
                            + " ends before it starts");
                }
            } else {
                from = single(name, range, min, max, names);
                to = slash >= 0 ? max : from;
            }
            if (from <= to) {
                for (int v = from; v <= to; v += step) {
                    set.set(v);
                }
            } else {
                // A wrapping range, e.g. FRI-MON or 22-2: stepped across the wrap.
                int span = (max - from + 1) + (to - min + 1);
                for (int i = 0; i < span; i += step) {
                    int v = from + i;
                    set.set(v > max ? v - max + min - 1 : v);
                }
            }
        }
        return set;
    }

    private static int single(String name, String text, int min, int max, Map<String, Integer> names) {
        Integer named = names.get(text.toUpperCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        if (!text.matches("[0-9]{1,4}")) {
            String hint = names == MONTHS ? " or JAN-DEC" : names == DAYS ? " or SUN-SAT" : "";
            if (text.matches(".*[LW#].*") && names.isEmpty() || text.matches("[0-9]*[LW#].*")) {
                hint += " (L, W and # forms stand alone in day-of-month or day-of-week: L, LW, 15W, 6L, 2#1)";
            }
            throw new IllegalArgumentException(name + " '" + text + "' is not a number " + min + "-" + max + hint);
        }
        int v = Integer.parseInt(text);
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " " + v + " is out of range " + min + "-" + max);
        }
        return v;
    }

    private static Map<String, Integer> names(String... names) {
        HashMap<String, Integer> map = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            map.put(names[i], i + 1);
        }
        return Map.copyOf(map);
    }
}
