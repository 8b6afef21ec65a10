package dev.kiln.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The Image Builder service model (botocore's {@code imagebuilder/2019-12-02/service-2.json},
 * embedded beside this class): its operations, their routes and the shapes of their inputs and
 * outputs. It is the single source of truth for the API's names, types and constraints; see the
 * package documentation.
 *
 * <p>Loading checks that the model uses only what this package understands (shape types, member
 * locations, traits that change the wire format) and that every pattern compiles, so that a newer
 * model with new features fails loudly in the tests instead of being served half-understood.
 */
public final class ServiceModel {
    static final String RESOURCE = "imagebuilder-2019-12-02.json";

    /** Shape keys that are understood, or that do not change what is accepted or answered. */
    private static final Set<String> SHAPE_KEYS = Set.of("type", "members", "required", "min", "max",
            "pattern", "enum", "member", "key", "value", "error", "exception", "fault", "documentation",
            "deprecated", "deprecatedMessage", "sensitive", "box", "retryable");
    private static final Set<String> MEMBER_KEYS = Set.of("shape", "location", "locationName",
            "idempotencyToken", "box", "documentation", "deprecated", "deprecatedMessage");
    private static final Pattern LABEL = Pattern.compile("\\{([^}+]+)\\+?}");

    private static final class Holder {
        static final ServiceModel IMAGE_BUILDER = fromResource(RESOURCE);
    }

    private final Map<String, Shape> shapes;
    private final Map<String, Operation> operations;
    private final Router router;

    private ServiceModel(JsonNode root) {
        JsonNode shapesNode = root.path("shapes");
        JsonNode operationsNode = root.path("operations");
        if (!shapesNode.isObject() || !operationsNode.isObject()) {
            throw new IllegalStateException("not a service model: no 'shapes' or 'operations' object");
        }
        Map<String, Shape> parsedShapes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = shapesNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            parsedShapes.put(e.getKey(), parseShape(e.getKey(), e.getValue()));
        }
        this.shapes = Collections.unmodifiableMap(parsedShapes);
        for (Shape s : shapes.values()) {
            for (Member m : refs(s)) {
                if (!shapes.containsKey(m.target())) {
                    throw new IllegalStateException(s.name() + "." + m.name() + " refers to unknown shape " + m.target());
                }
                if (m.location() != Member.Location.BODY && s.type() != Shape.Type.STRUCTURE) {
                    throw new IllegalStateException(s.name() + "." + m.name() + ": location outside a structure");
                }
            }
        }
        Map<String, Operation> parsedOps = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = operationsNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            parsedOps.put(e.getKey(), parseOperation(e.getKey(), e.getValue()));
        }
        this.operations = Collections.unmodifiableMap(parsedOps);
        this.router = new Router(operations.values());
    }

    /** The Image Builder model, loaded once on first use. */
    public static ServiceModel imageBuilder() {
        return Holder.IMAGE_BUILDER;
    }

    /** A model from its botocore JSON (tests use small synthetic models). */
    static ServiceModel of(JsonNode root) {
        return new ServiceModel(root);
    }

    static ServiceModel fromResource(String name) {
        try (InputStream in = ServiceModel.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("service model resource not found: " + name);
            }
            return of(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read service model " + name, e);
        }
    }

    /** The operation with this exact name, e.g. {@code GetImage}. */
    public Optional<Operation> operation(String name) {
        return Optional.ofNullable(name == null ? null : operations.get(name));
    }

    /** All operations, in model order. */
    public Collection<Operation> operations() {
        return operations.values();
    }

    /**
     * The operation a request is for, from its HTTP method and raw (still percent-encoded) path
     * without the query string, with its URI labels percent-decoded. Empty when no operation has
     * this method and path (the edge answers that as an unknown operation).
     */
    public Optional<Route> route(String method, String rawPath) {
        return router.route(method, rawPath);
    }

    /** The named shape; throws {@link IllegalArgumentException} when the model has none. */
    Shape shape(String name) {
        Shape s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no shape named '" + name + "' in the model");
        }
        return s;
    }

    /** All shapes, in model order. */
    Collection<Shape> shapes() {
        return shapes.values();
    }

    /** The shape a member refers to. */
    Shape target(Member member) {
        return shapes.get(member.target());
    }

    private static List<Member> refs(Shape s) {
        List<Member> refs = new ArrayList<>(s.members().values());
        for (Member m : new Member[] {s.member(), s.key(), s.value()}) {
            if (m != null) {
                refs.add(m);
            }
        }
        return refs;
    }

    private static Shape parseShape(String name, JsonNode node) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!SHAPE_KEYS.contains(key)) {
                throw new IllegalStateException("shape " + name + ": unsupported trait '" + key + "'");
            }
        }
        Shape.Type type = Shape.Type.of(node.path("type").asText(""));
        Map<String, Member> members = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.path("members").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            members.put(e.getKey(), parseMember(name, e.getKey(), e.getValue()));
        }
        Set<String> required = new LinkedHashSet<>();
        node.path("required").forEach(r -> required.add(r.asText()));
        for (String r : required) {
            if (!members.containsKey(r)) {
                throw new IllegalStateException("shape " + name + " requires unknown member " + r);
            }
        }
        String pattern = text(node, "pattern");
        Pattern compiled = null;
        if (pattern != null) {
            try {
                compiled = Patterns.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalStateException("shape " + name + ": pattern does not compile: " + e.getMessage(), e);
            }
        }
        List<String> enumValues = new ArrayList<>();
        node.path("enum").forEach(v -> enumValues.add(v.asText()));
        boolean exception = node.path("exception").asBoolean(false);
        int status = node.path("error").path("httpStatusCode").asInt(0);
        return new Shape(name, type, members, required,
                sub(name, node, "member", type == Shape.Type.LIST),
                sub(name, node, "key", type == Shape.Type.MAP),
                sub(name, node, "value", type == Shape.Type.MAP),
                decimal(node, "min"), decimal(node, "max"), pattern, compiled, enumValues, exception, status);
    }

    private static Member sub(String shape, JsonNode node, String field, boolean expected) {
        JsonNode ref = node.get(field);
        if (ref == null) {
            if (expected) {
                throw new IllegalStateException("shape " + shape + " has no '" + field + "'");
            }
            return null;
        }
        return parseMember(shape, field, ref);
    }

    private static Member parseMember(String shape, String name, JsonNode node) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!MEMBER_KEYS.contains(key)) {
                throw new IllegalStateException("member " + shape + "." + name + ": unsupported trait '" + key + "'");
            }
        }
        String target = text(node, "shape");
        if (target == null) {
            throw new IllegalStateException("member " + shape + "." + name + " names no shape");
        }
        Member.Location location;
        try {
            location = Member.Location.of(text(node, "location"));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("member " + shape + "." + name + ": " + e.getMessage(), e);
        }
        return new Member(name, target, location, text(node, "locationName"),
                node.path("idempotencyToken").asBoolean(false));
    }

    private Operation parseOperation(String name, JsonNode node) {
        String method = text(node.path("http"), "method");
        String uri = text(node.path("http"), "requestUri");
        if (method == null || uri == null) {
            throw new IllegalStateException("operation " + name + " has no http method or requestUri");
        }
        String input = text(node.path("input"), "shape");
        String output = text(node.path("output"), "shape");
        for (String s : new String[] {input, output}) {
            if (s != null && (!shapes.containsKey(s) || shapes.get(s).type() != Shape.Type.STRUCTURE)) {
                throw new IllegalStateException("operation " + name + ": " + s + " is not a structure of the model");
            }
        }
        List<String> errors = new ArrayList<>();
        for (JsonNode e : node.path("errors")) {
            String s = text(e, "shape");
            if (s == null || !shapes.containsKey(s)) {
                throw new IllegalStateException("operation " + name + " declares unknown error " + s);
            }
            errors.add(s);
        }
        checkLabels(name, uri, input == null ? null : shapes.get(input));
        Member token = input == null ? null : shapes.get(input).idempotencyTokenMember();
        return new Operation(name, method, uri, input, output, errors, token == null ? null : token.name());
    }

    /** Every label of the URI template is a {@code uri} member of the input, and the reverse. */
    private static void checkLabels(String op, String uri, Shape input) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher m = LABEL.matcher(uri);
        while (m.find()) {
            labels.add(m.group(1));
        }
        Set<String> uriMembers = new LinkedHashSet<>();
        if (input != null) {
            for (Member member : input.members().values()) {
                if (member.location() == Member.Location.URI) {
                    uriMembers.add(member.wireName());
                }
            }
        }
        if (!labels.equals(uriMembers)) {
            throw new IllegalStateException("operation " + op + ": URI labels " + labels
                    + " do not match the input's uri members " + uriMembers);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static BigDecimal decimal(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isNumber() ? null : v.decimalValue();
    }
}
