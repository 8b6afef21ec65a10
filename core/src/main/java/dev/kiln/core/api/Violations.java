package dev.kiln.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects constraint violations in AWS's wording and turns them into one {@link ApiException}:
 * {@code 2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member
 * must not be null; Value '0' at 'maxResults' failed to satisfy constraint: Member must have value
 * greater than or equal to 1}.
 *
 * <p>Values are quoted ({@code 'x'}; {@code null} unquoted, as AWS writes them) and cut after
 * {@value #MAX_VALUE_CHARS} characters with {@code ...}; at most {@value #MAX_LISTED} violations are
 * listed (the count still says how many there are), so that a hostile request cannot make an
 * answer larger than itself.
 */
final class Violations {
    static final int MAX_VALUE_CHARS = 100;
    static final int MAX_LISTED = 100;

    private final List<String> items = new ArrayList<>();

    /** Adds {@code Value <value> at '<path>' failed to satisfy constraint: <constraint>}. */
    void add(String path, JsonNode value, String constraint) {
        items.add("Value " + render(value) + " at '" + path + "' failed to satisfy constraint: " + constraint);
    }

    /** Adds a violation for a text value (a query parameter, a map key). */
    void add(String path, String value, String constraint) {
        items.add("Value " + (value == null ? "null" : "'" + shorten(value) + "'") + " at '" + path
                + "' failed to satisfy constraint: " + constraint);
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    List<String> list() {
        return List.copyOf(items);
    }

    ApiException toException(ErrorType type) {
        return new ApiException(type, message(items));
    }

    /** AWS's summary of a list of violations. */
    static String message(List<String> violations) {
        int n = violations.size();
        StringBuilder sb = new StringBuilder()
                .append(n).append(n == 1 ? " validation error detected: " : " validation errors detected: ");
        int listed = Math.min(n, MAX_LISTED);
        sb.append(String.join("; ", violations.subList(0, listed)));
        if (listed < n) {
            sb.append("; and ").append(n - listed).append(" more");
        }
        return sb.toString();
    }

    /** A value as AWS shows it in a violation: {@code null}, or quoted text, numbers and JSON. */
    static String render(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        String text = value.isValueNode() ? value.asText() : value.toString();
        return "'" + shorten(text) + "'";
    }

    /** Cuts text after {@value #MAX_VALUE_CHARS} characters, never inside a surrogate pair. */
    static String shorten(String text) {
        if (text.length() <= MAX_VALUE_CHARS) {
            return text;
        }
        int end = MAX_VALUE_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "...";
    }

    /** Joins a path and a member name: {@code components[0]} + {@code parameters}. */
    static String child(String path, String member) {
        return path.isEmpty() ? member : path + "." + member;
    }

    /** Joins a path and a list index: {@code components} + 0 = {@code components[0]}. */
    static String index(String path, int i) {
        return path + "[" + i + "]";
    }
}
