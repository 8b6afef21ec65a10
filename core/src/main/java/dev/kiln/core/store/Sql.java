package dev.kiln.core.store;

import dev.kiln.core.error.ApiException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * What the JDBI stores share: time stamps as both databases keep them, SQL states read portably, and the
 * plain queries (one named parameter at most, one row type) most of their reads are.
 */
final class Sql {
    /** Unique or primary key violated (H2 and PostgreSQL alike). */
    static final String UNIQUE_VIOLATION = "23505";
    static final String FOREIGN_KEY_VIOLATION = "23503";
    static final String VALUE_TOO_LONG = "22001";

    private Sql() {
    }

    /** The rows of a query with one named parameter ({@code name} null: none), mapped. */
    static <T> List<T> list(Jdbi jdbi, String sql, String name, Object value, RowMapper<T> rows) {
        return jdbi.withHandle(h -> bound(h.createQuery(sql), name, value).map(rows).list());
    }

    /** The one row, if any, of a query with one named parameter. */
    static <T> Optional<T> one(Jdbi jdbi, String sql, String name, Object value, RowMapper<T> rows) {
        return jdbi.withHandle(h -> bound(h.createQuery(sql), name, value).map(rows).findOne());
    }

    private static Query bound(Query query, String name, Object value) {
        return name == null ? query : query.bind(name, value);
    }

    /** Both databases keep microseconds; PostgreSQL would round nanoseconds, so they are cut here. */
    static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    static Argument timestamp(Instant instant) {
        OffsetDateTime value = OffsetDateTime.ofInstant(micros(instant), ZoneOffset.UTC);
        return (position, statement, ctx) -> statement.setObject(position, value);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    /** The SQLSTATE of the first SQLException in a cause chain, or null. */
    static String state(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    static boolean isUniqueViolation(Throwable e) {
        return UNIQUE_VIOLATION.equals(state(e));
    }

    static boolean isForeignKeyViolation(Throwable e) {
        return FOREIGN_KEY_VIOLATION.equals(state(e));
    }

    /**
     * Turns what a client could have caused into an API error; anything else is rethrown as it is
     * (a server fault).
     */
    static RuntimeException translate(RuntimeException e) {
        if (VALUE_TOO_LONG.equals(state(e))) {
            return ApiException.invalid("A value is longer than Kiln can store: " + rootMessage(e));
        }
        return e;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.toString() : t.getMessage();
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
