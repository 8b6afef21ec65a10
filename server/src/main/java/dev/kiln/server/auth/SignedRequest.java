package dev.kiln.server.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP request as it arrived, before any decoding, as SigV4 verification needs it.
 *
 * @param method   the HTTP method, e.g. {@code GET}
 * @param rawPath  the path exactly as received, still percent-encoded (e.g. {@code /tags/arn%3Aaws%3A...})
 * @param rawQuery the query string exactly as received, without the {@code ?}; empty when there is none
 * @param headers  every header with all its values in the order received; names are case-insensitive
 * @param body     the body bytes (not copied: don't change them afterwards)
 */
public record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                            byte[] body) {

    private static final byte[] EMPTY = new byte[0];

    public SignedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        rawQuery = rawQuery == null ? "" : rawQuery;
        body = body == null ? EMPTY : body;
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((name, values) -> {
                if (name != null && values != null) {
                    copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values);
                }
            });
        }
        copy.replaceAll((name, values) -> List.copyOf(values));
        headers = java.util.Collections.unmodifiableSortedMap(copy);
    }

    /** All values of a header, in the order received; empty when absent. The name is case-insensitive. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** The first value of a header. The name is case-insensitive. */
    public Optional<String> header(String name) {
        List<String> values = headerValues(name);
        return values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
    }

    /** Names and sizes only: header values may carry tokens and must not end up in logs. */
    @Override
    public String toString() {
        return "SignedRequest[" + method + " " + rawPath + (rawQuery.isEmpty() ? "" : "?" + rawQuery)
                + ", headers=" + headers.keySet() + ", body=" + body.length + " bytes]";
    }
}
