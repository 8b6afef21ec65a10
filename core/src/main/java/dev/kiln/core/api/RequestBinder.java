package dev.kiln.core.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds an operation's input, as an {@link ObjectNode} keyed by member name, from the parts of an
 * HTTP request, the way the model says each member travels (restJson1):
 * <ul>
 *   <li>{@code location: querystring} members from the query parameters (already decoded by the
 *       HTTP layer; a parameter may repeat), converted to the member's type: strings as they are,
 *       integers and longs as decimal digits, booleans as {@code true}/{@code false}, floats and
 *       doubles as decimal numbers or {@code NaN}/{@code Infinity}/{@code -Infinity}, timestamps as
 *       ISO-8601, lists from every value of the repeated parameter (UntagResource's
 *       {@code ?tagKeys=a&tagKeys=b}); a scalar given more than once takes its first value; a map
 *       without {@code locationName} takes every parameter no other member claims;</li>
 *   <li>{@code location: uri} members from the route's labels (already percent-decoded);</li>
 *   <li>{@code location: header} members from the headers, by case-insensitive name (lists split on
 *       commas, timestamps in RFC 1123 form);</li>
 *   <li>every other member from the JSON body, by its wire name. The body is read only when the
 *       input has body members, so a body sent with a GET is ignored; an empty body is {@code {}}.
 *       A member in the body never overrides a query, label or header member.</li>
 * </ul>
 * The result holds only members the model defines: unknown members are dropped at every depth (AWS
 * services ignore them, and nothing unmodelled reaches the service or its idempotency hash), and a
 * JSON {@code null} member counts as absent. Timestamps are epoch seconds (the restJson1 body form),
 * numbers with a fraction are exact ({@link BigDecimal}).
 *
 * <p><b>Errors.</b> Two kinds, decided as follows:
 * <ul>
 *   <li>a body that is not JSON, is not a JSON object, repeats a key, has content after the
 *       object, or nests deeper than {@value #MAX_NESTING_DEPTH} levels is refused with
 *       {@code SerializationException} (400), as AWS's front door refuses it. No operation
 *       models that error, so SDKs raise their service's generic exception carrying that code, just
 *       as they do against AWS. A body over the size limit is {@code RequestEntityTooLargeException}
 *       (413); the HTTP edge should refuse it even earlier, from {@code Content-Length};</li>
 *   <li>a member of the wrong JSON type at any depth (a string where a list is expected, an
 *       object where a string is expected, a fraction for an integer, a query parameter that is not a
 *       number, a {@code null} inside a list or as a map value), and text that is not clean Unicode
 *       (U+0000, or an unpaired surrogate from a {@code \ud800} escape, which the store could not
 *       keep), are the client's values being wrong, so they are validation errors in AWS's wording:
 *       {@code 1 validation error detected: Value 'abc' at 'components' failed to satisfy
 *       constraint: Member must be of type list}. All of them are collected and answered together,
 *       with the error type {@link ShapeValidator} uses for the operation ({@code
 *       InvalidRequestException} for almost all), so that SDKs map them to a modeled exception.</li>
 * </ul>
 * Constraints other than types (required members, lengths, patterns, ...) are {@link
 * ShapeValidator}'s job, run on the bound input.
 */
public final class RequestBinder {
    /** The default largest body read, well above the largest valid input of the model. */
    public static final int DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
    /** Nesting deeper than any input of the model, shallow enough to keep every walk's stack small. */
    static final int MAX_NESTING_DEPTH = 64;

    private static final ObjectReader READER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build()
            .reader();
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,19}");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?");
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private final ServiceModel model;
    private final int maxBodyBytes;

    public RequestBinder(ServiceModel model) {
        this(model, DEFAULT_MAX_BODY_BYTES);
    }

    public RequestBinder(ServiceModel model, int maxBodyBytes) {
        this.model = Objects.requireNonNull(model, "model");
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes < 0");
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * The input of the route's operation.
     *
     * @param route   the operation and its decoded URI labels, from {@link ServiceModel#route}
     * @param query   decoded query parameters, each with all its values in order ({@code null} = none)
     * @param headers request headers ({@code null} = none); names are matched case-insensitively
     * @param body    the raw body ({@code null} or empty = {@code {}})
     * @throws ApiException {@code SerializationException}, {@code RequestEntityTooLargeException} or
     *                      the operation's validation error, as described on the class
     */
    public ObjectNode bind(Route route, Map<String, List<String>> query, Map<String, List<String>> headers,
                           byte[] body) {
        Operation op = route.operation();
        ObjectNode input = NODES.objectNode();
        if (op.inputShape() == null) {
            return input;
        }
        Shape shape = model.shape(op.inputShape());
        Map<String, List<String>> q = query == null ? Map.of() : query;
        Map<String, List<String>> h = headers == null ? Map.of() : headers;
        Violations out = new Violations();
        JsonNode json = hasBodyMembers(shape) ? parseBody(body) : null;
        for (Member m : shape.members().values()) {
            Shape target = model.target(m);
            JsonNode value = switch (m.location()) {
                case BODY -> {
                    JsonNode v = json.get(m.wireName());
                    yield v == null || v.isNull() ? null : copy(target, v, m.name(), out);
                }
                case URI -> {
                    String v = route.labels().get(m.wireName());
                    yield v == null ? null : fromText(target, v, m.name(), Member.Location.URI, out);
                }
                case QUERY -> fromQuery(shape, m, target, q, out);
                case HEADER -> fromHeader(m, target, h, out);
            };
            if (value != null) {
                input.set(m.name(), value);
            }
        }
        if (!out.isEmpty()) {
            throw out.toException(ShapeValidator.errorTypeFor(op));
        }
        return input;
    }

    private static boolean hasBodyMembers(Shape shape) {
        for (Member m : shape.members().values()) {
            if (m.location() == Member.Location.BODY) {
                return true;
            }
        }
        return false;
    }

    private JsonNode parseBody(byte[] body) {
        if (body == null || isBlank(body)) {
            return NODES.objectNode();
        }
        if (body.length > maxBodyBytes) {
            throw new ApiException(ErrorType.RequestEntityTooLargeException,
                    "Request body of " + body.length + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
        }
        JsonNode json;
        try {
            json = READER.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new ApiException(ErrorType.SerializationException,
                    "The request body is not acceptable JSON: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ApiException(ErrorType.SerializationException,
                    "The request body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(ErrorType.SerializationException, "The request body is not valid JSON");
        }
        if (json == null || json.isMissingNode()) {
            return NODES.objectNode();
        }
        if (!json.isObject()) {
            throw new ApiException(ErrorType.SerializationException,
                    "The request body must be a JSON object, not " + kind(json));
        }
        return json;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /** A copy of a body value holding only modelled members, or {@code null} after a violation. */
    private JsonNode copy(Shape shape, JsonNode node, String path, Violations out) {
        if (!shape.accepts(node)) {
            out.add(path, node, ShapeValidator.typeConstraint(shape));
            return null;
        }
        switch (shape.type()) {
            case STRUCTURE -> {
                ObjectNode copy = NODES.objectNode();
                for (Member m : shape.members().values()) {
                    JsonNode v = node.get(m.wireName());
                    if (v != null && !v.isNull()) {
                        JsonNode c = copy(model.target(m), v, Violations.child(path, m.name()), out);
                        if (c != null) {
                            copy.set(m.name(), c);
                        }
                    }
                }
                return copy;
            }
            case LIST -> {
                ArrayNode copy = NODES.arrayNode(node.size());
                Shape element = model.target(shape.member());
                for (int i = 0; i < node.size(); i++) {
                    JsonNode e = node.get(i);
                    String p = Violations.index(path, i);
                    if (e.isNull()) {
                        out.add(p, (JsonNode) null, "Member must not be null");
                        continue;
                    }
                    JsonNode c = copy(element, e, p, out);
                    if (c != null) {
                        copy.add(c);
                    }
                }
                return copy;
            }
            case MAP -> {
                ObjectNode copy = NODES.objectNode();
                Shape valueShape = model.target(shape.value());
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String p = Violations.child(path, e.getKey());
                    cleanText(e.getKey(), path, out);
                    if (e.getValue().isNull()) {
                        out.add(p, (JsonNode) null, "Member must not be null");
                        continue;
                    }
                    JsonNode c = copy(valueShape, e.getValue(), p, out);
                    if (c != null) {
                        copy.set(e.getKey(), c);
                    }
                }
                return copy;
            }
            case STRING, BLOB -> {
                cleanText(node.textValue(), path, out);
                return node;
            }
            default -> {
                return node;
            }
        }
    }

    private JsonNode fromQuery(Shape input, Member m, Shape target, Map<String, List<String>> query, Violations out) {
        if (target.type() == Shape.Type.MAP && m.locationName() == null) {
            return queryMap(input, m, target, query, out);
        }
        List<String> values = query.get(m.wireName());
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (target.type() == Shape.Type.LIST) {
            Shape element = model.target(target.member());
            ArrayNode list = NODES.arrayNode(values.size());
            for (int i = 0; i < values.size(); i++) {
                JsonNode v = fromText(element, values.get(i), Violations.index(m.name(), i), Member.Location.QUERY, out);
                if (v != null) {
                    list.add(v);
                }
            }
            return list;
        }
        return fromText(target, values.get(0), m.name(), Member.Location.QUERY, out);
    }

    /** A {@code querystring} map without a name: every parameter no other member of the input claims. */
    private JsonNode queryMap(Shape input, Member m, Shape target, Map<String, List<String>> query, Violations out) {
        Set<String> claimed = new HashSet<>();
        for (Member other : input.members().values()) {
            if (other.location() == Member.Location.QUERY && other.locationName() != null) {
                claimed.add(other.locationName());
            }
        }
        Shape valueShape = model.target(target.value());
        Shape scalar = valueShape.type() == Shape.Type.LIST ? model.target(valueShape.member()) : valueShape;
        ObjectNode map = NODES.objectNode();
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (claimed.contains(e.getKey()) || e.getValue() == null || e.getValue().isEmpty()) {
                continue;
            }
            String p = Violations.child(m.name(), e.getKey());
            cleanText(e.getKey(), m.name(), out);
            if (valueShape.type() == Shape.Type.LIST) {
                ArrayNode list = NODES.arrayNode();
                for (int i = 0; i < e.getValue().size(); i++) {
                    JsonNode v = fromText(scalar, e.getValue().get(i), Violations.index(p, i), Member.Location.QUERY, out);
                    if (v != null) {
                        list.add(v);
                    }
                }
                map.set(e.getKey(), list);
            } else {
                JsonNode v = fromText(scalar, e.getValue().get(0), p, Member.Location.QUERY, out);
                if (v != null) {
                    map.set(e.getKey(), v);
                }
            }
        }
        return map.isEmpty() ? null : map;
    }

    private JsonNode fromHeader(Member m, Shape target, Map<String, List<String>> headers, Violations out) {
        List<String> values = null;
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(m.wireName()) && e.getValue() != null
                    && !e.getValue().isEmpty()) {
                values = e.getValue();
                break;
            }
        }
        if (values == null) {
            return null;
        }
        if (target.type() == Shape.Type.LIST) {
            Shape element = model.target(target.member());
            ArrayNode list = NODES.arrayNode();
            int i = 0;
            for (String value : values) {
                for (String part : value.split(",", -1)) {
                    JsonNode v = fromText(element, part.trim(), Violations.index(m.name(), i++), Member.Location.HEADER, out);
                    if (v != null) {
                        list.add(v);
                    }
                }
            }
            return list;
        }
        return fromText(target, values.get(0), m.name(), Member.Location.HEADER, out);
    }

    /** A scalar from the text of a query parameter, label or header, or {@code null} after a violation. */
    private static JsonNode fromText(Shape shape, String text, String path, Member.Location from, Violations out) {
        switch (shape.type()) {
            case STRING, BLOB -> {
                cleanText(text, path, out);
                return TextNode.valueOf(text);
            }
            case BOOLEAN -> {
                if ("true".equals(text) || "false".equals(text)) {
                    return BooleanNode.valueOf(Boolean.parseBoolean(text));
                }
            }
            case INTEGER -> {
                if (INTEGER.matcher(text).matches()) {
                    try {
                        return IntNode.valueOf(Integer.parseInt(text));
                    } catch (NumberFormatException e) {
                        // out of range: a type violation below
                    }
                }
            }
            case LONG -> {
                if (INTEGER.matcher(text).matches()) {
                    try {
                        return LongNode.valueOf(Long.parseLong(text));
                    } catch (NumberFormatException e) {
                        // out of range: a type violation below
                    }
                }
            }
            case FLOAT, DOUBLE -> {
                if (Shape.isNonFinite(text)) {
                    return TextNode.valueOf(text);
                }
                if (DECIMAL.matcher(text).matches()) {
                    return DecimalNode.valueOf(new BigDecimal(text));
                }
            }
            case TIMESTAMP -> {
                try {
                    Instant t = from == Member.Location.HEADER
                            ? ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                            : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
                    return DecimalNode.valueOf(BigDecimal.valueOf(t.getEpochSecond())
                            .add(BigDecimal.valueOf(t.getNano(), 9)).stripTrailingZeros());
                } catch (DateTimeException e) {
                    // not a timestamp: a type violation below
                }
            }
            default -> {
                // structures, lists and maps cannot come from text
            }
        }
        out.add(path, text, ShapeValidator.typeConstraint(shape));
        return null;
    }

    /** Reports text that is not clean Unicode: U+0000 or an unpaired surrogate. */
    private static void cleanText(String text, String path, Violations out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                out.add(path, text, "Member must not contain the character U+0000");
                return;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                out.add(path, text.substring(0, i) + "\uFFFD" + text.substring(i + 1),
                        "Member must be well-formed Unicode (it has an unpaired surrogate)");
                return;
            }
        }
    }

    private static String kind(JsonNode node) {
        if (node.isArray()) {
            return "an array";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }
}
