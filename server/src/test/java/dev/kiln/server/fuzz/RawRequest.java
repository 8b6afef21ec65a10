package dev.kiln.server.fuzz;

import dev.kiln.core.api.Operation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * One request of an operation, as the fuzzer sends it: what it tests (category and label) and its
 * parts, the query parameters, the text of the URI label and the body's bytes as they go on the wire.
 *
 * @param wireQuery the query is sent as written (a malformed escape stays malformed)
 */
public record RawRequest(Operation op, String category, String label, Map<String, List<String>> query,
                         String uriLabel, byte[] body, String method, boolean wireQuery) {

    public RawRequest(Operation op, String category, String label, Map<String, List<String>> query, String uriLabel,
                      byte[] body) {
        this(op, category, label, query, uriLabel, body, op.method(), false);
    }

    public static RawRequest of(Operation op, String category, String label, Map<String, List<String>> query,
                                String uriLabel, byte[] body) {
        return new RawRequest(op, category, label, query, uriLabel, body);
    }

    /** The same request with its query sent as written (a malformed escape stays malformed). */
    public RawRequest withWireQuery() {
        return new RawRequest(op, category, label, query, uriLabel, body, method, true);
    }

    /** The request's path: the operation's URI with the label, percent-encoded, in place of its {@code {...}}. */
    public String path() {
        String template = op.requestUri();
        if (!template.contains("{")) {
            return template;
        }
        return template.replaceAll("\\{[^}]+}", Matcher.quoteReplacement(SdkHttpUtils.urlEncode(uriLabel == null ? ""
                : uriLabel)));
    }

    /** The request in a line, long parts abbreviated, for a failure message. */
    public String describe() {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        return method + " " + JsonBits.abbreviate(path(), 200) + (query.isEmpty() ? "" : " query "
                + JsonBits.abbreviate(query.toString(), 300)) + (text.isEmpty() ? "" : " body "
                + JsonBits.abbreviate(text, 400));
    }
}
