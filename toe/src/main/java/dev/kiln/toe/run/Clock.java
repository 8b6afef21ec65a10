package dev.kiln.toe.run;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Timestamps as awstoe writes them. */
final class Clock {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    private Clock() {
    }

    static String now() {
        return OffsetDateTime.now(ZoneOffset.UTC).format(RFC3339);
    }
}
