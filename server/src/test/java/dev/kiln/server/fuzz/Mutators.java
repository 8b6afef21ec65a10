package dev.kiln.server.fuzz;

import static dev.kiln.server.fuzz.JsonBits.NODES;
import static dev.kiln.server.fuzz.JsonBits.abbreviate;
import static dev.kiln.server.fuzz.JsonBits.bytes;
import static dev.kiln.server.fuzz.JsonBits.concat;
import static dev.kiln.server.fuzz.JsonBits.obj;
import static dev.kiln.server.fuzz.JsonBits.sample;
import static dev.kiln.server.fuzz.JsonBits.set;
import static dev.kiln.server.fuzz.ModelShapes.SHAPES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.Operation;
import dev.kiln.server.fuzz.ValidInputs.Base;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The mutators: ways to break a valid request of an operation ({@link ValidInputs.Base}), each a
 * category of requests:
 * <ul>
 *   <li>{@link #malformed}: bodies that are not JSON, not an object, truncated, with duplicate keys,
 *       trailing content, invalid UTF-8, a byte-order mark, lone surrogates, raw control characters,
 *       and a query whose percent-encoding is broken;</li>
 *   <li>{@link #wrongTypes}: a value of the wrong JSON type at every member of the input, at every
 *       depth, and query parameters that are not of their member's type;</li>
 *   <li>{@link #hostileStrings}: unicode and injection strings ({@link #STRINGS}) in every string
 *       member, query parameter, URI label and tag key;</li>
 *   <li>{@link #deepNesting}: arrays and objects thousands of levels deep, and just under and over the
 *       binder's limit;</li>
 *   <li>{@link #oversized}: bodies exactly at the 2 MiB limit and one byte over;</li>
 *   <li>seeded random mutations: {@link RandomMutations}.</li>
 * </ul>
 * {@link #all} gives them all in one order, so that a seed repeats a run exactly.
 */
public final class Mutators {
    /** The largest body the API takes. */
    public static final int MAX_BODY = 2 * 1024 * 1024;

    /** Hostile strings: unicode and injection. */
    public static final List<String> STRINGS = List.of(
            "\uD83D\uDD25\uD83E\uDD84 emoji \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
            "\u202Egnp.exe\u202C right-to-left override",
            "\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627",
            "nul\u0000inside",
            "\u0000",
            "zero\u200Bwidth\uFEFFjoiners",
            "combining e\u0301\u0301\u0301\u0301",
            "line\r\nX-Injected: 1",
            "' OR 1=1 --",
            "'; DROP TABLE resources; --",
            "../../etc/passwd",
            "..%2F..%2Fetc%2Fpasswd",
            "${jndi:ldap://x}",
            "${jndi:ldap://127.0.0.1:1389/a}",
            "<script>alert(1)</script>",
            "$(reboot)`id`",
            "{{ build.Step.outputs.stdout }}",
            "%00%ff%zz",
            "",
            " ",
            "x".repeat(6_000));
    /** A string far longer than any the model allows, for bodies only (a URI over 8 KiB is Jetty's to refuse). */
    public static final String LONG = "\u00e9".repeat(70_000);

    private Mutators() {
    }

    /**
     * Every category's cases for an operation, in a fixed order: malformed, at most {@code maxWrongTypes}
     * wrong types and {@code maxStrings} hostile strings (picked with {@code random}), deep nesting,
     * oversized bodies, and {@code mutations} random mutations.
     */
    public static List<RawRequest> all(Operation op, Base base, Random random, int maxWrongTypes, int maxStrings,
                                       int mutations) {
        List<RawRequest> cases = new ArrayList<>();
        cases.addAll(malformed(op, base));
        cases.addAll(sample(random, wrongTypes(op, base, random), maxWrongTypes));
        cases.addAll(sample(random, hostileStrings(op, base), maxStrings));
        cases.addAll(deepNesting(op, base));
        cases.addAll(oversized(op, base));
        cases.addAll(RandomMutations.mutations(op, base, random, mutations));
        return cases;
    }

    // ---- malformed bodies -----------------------------------------------------------------------------

    public static List<RawRequest> malformed(Operation op, Base base) {
        List<byte[]> bodies = new ArrayList<>();
        for (String s : List.of("{", "}", "{\"a\":", "[]", "[{}]", "\"text\"", "123", "null", "true",
                "{\"name\":\"a\",\"name\":\"b\"}", "{} {}", "{}garbage", "{'name':'single quotes'}", "{\"a\":NaN}",
                "{\"a\":01}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":\"\\x41\"}", "{\"a\":1e999999}", "{\"a\":-}",
                "{\"a\":\"unterminated}", "{\"a\":\"raw\u0001control\"}", "{\"a\":\"lone \\ud800 surrogate\"}",
                "{\"a\":\"\\u0000\"}", "\u0000", "/* comment */ {}", "{\"a\":[1,2,3,]}", "{\"a\":.5}",
                "{\"a\":+1}", "{\"a\":0x10}", "{\"a\":Infinity}", "{\"a\":true false}")) {
            bodies.add(bytes(s));
        }
        bodies.add(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'});
        bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'});
        bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'});
        bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'});
        bodies.add(concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, bytes(base.body().toString())));
        bodies.add(bytes(" ".repeat(1_000_000) + base.body()));
        // The valid body with every string value given a lone surrogate escape, and every key repeated.
        bodies.add(bytes(base.body().toString().replaceAll("\":\"", "\":\"\\\\udc00")));
        String text = base.body().toString();
        if (text.length() > 2) {
            bodies.add(bytes(text.substring(0, text.length() - 1) + "," + text.substring(1)));
        }
        List<RawRequest> out = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            out.add(new RawRequest(op, "malformed JSON", "body " + i, base.query(), base.label(), bodies.get(i)));
        }
        // A query whose percent-encoding is broken (signed as the SDK would sign the raw text).
        if (!base.query().isEmpty()) {
            Map<String, List<String>> q = new LinkedHashMap<>(base.query());
            String first = q.keySet().iterator().next();
            q.put(first, List.of("%zz%"));
            out.add(new RawRequest(op, "malformed query", "bad percent-encoding", q, base.label(),
                    bytes(base.body().toString())).withWireQuery());
        }
        return out;
    }

    // ---- wrong types ----------------------------------------------------------------------------------

    /** Every member path of the skeleton body (and query member) with values of the wrong JSON type. */
    public static List<RawRequest> wrongTypes(Operation op, Base base, Random random) {
        List<RawRequest> out = new ArrayList<>();
        if (op.inputShape() == null) {
            return out;
        }
        JsonNode input = SHAPES.path(op.inputShape());
        // Body members, at every depth of the skeleton.
        List<String[]> paths = new ArrayList<>();
        collectPaths(op.inputShape(), base.skeleton(), new ArrayList<>(), paths, 0);
        for (String[] p : paths) {
            String shape = p[p.length - 1];
            String[] path = Arrays.copyOf(p, p.length - 1);
            for (JsonNode wrong : wrongValues(SHAPES.path(shape).path("type").asText(), random)) {
                ObjectNode body = base.skeleton().deepCopy();
                set(body, path, wrong);
                out.add(new RawRequest(op, "wrong type", String.join(".", path) + " = "
                        + abbreviate(wrong.toString(), 40), base.query(), base.label(), bytes(body.toString())));
            }
        }
        // Query members: text that is not of the member's type.
        for (Iterator<Map.Entry<String, JsonNode>> it = input.path("members").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().path("location").asText("").equals("querystring")) {
                continue;
            }
            String type = SHAPES.path(m.getValue().path("shape").asText()).path("type").asText();
            String wire = m.getValue().path("locationName").asText(m.getKey());
            List<String> values = switch (type) {
                case "integer", "long" -> List.of("abc", "1.5", "99999999999999999999", "", "-");
                case "boolean" -> List.of("maybe", "1", "");
                case "list" -> List.of("", "\u0000");
                default -> List.of("", "[]", "{}");
            };
            for (String v : values) {
                Map<String, List<String>> q = new LinkedHashMap<>(base.query());
                q.put(wire, List.of(v));
                out.add(new RawRequest(op, "wrong type", "query " + wire + " = '" + v + "'", q, base.label(),
                        bytes(base.body().toString())));
            }
        }
        return out;
    }

    /** Paths of the skeleton's members ({@code [name, ..., shapeName]}), list elements as "0", map values as their key. */
    static void collectPaths(String shapeName, JsonNode value, List<String> path, List<String[]> out, int depth) {
        JsonNode shape = SHAPES.path(shapeName);
        if (!path.isEmpty()) {
            List<String> p = new ArrayList<>(path);
            p.add(shapeName);
            out.add(p.toArray(new String[0]));
        }
        if (depth > 6 || value == null) {
            return;
        }
        switch (shape.path("type").asText()) {
            case "structure" -> shape.path("members").fields().forEachRemaining(m -> {
                if (m.getValue().has("location")) {
                    return;
                }
                String wire = m.getValue().path("locationName").asText(m.getKey());
                List<String> p = new ArrayList<>(path);
                p.add(wire);
                collectPaths(m.getValue().path("shape").asText(), value.get(wire), p, out, depth + 1);
            });
            case "list" -> {
                if (value.isArray() && !value.isEmpty()) {
                    List<String> p = new ArrayList<>(path);
                    p.add("0");
                    collectPaths(shape.path("member").path("shape").asText(), value.get(0), p, out, depth + 1);
                }
            }
            case "map" -> {
                if (value.isObject() && value.size() > 0) {
                    List<String> p = new ArrayList<>(path);
                    p.add(value.fieldNames().next());
                    collectPaths(shape.path("value").path("shape").asText(), value.elements().next(), p, out, depth + 1);
                }
            }
            default -> {
            }
        }
    }

    /** Two values of the wrong JSON type for a shape type (the first always, the second picked at random). */
    static List<JsonNode> wrongValues(String type, Random random) {
        List<JsonNode> all = switch (type) {
            case "string", "blob" -> List.of(NODES.numberNode(123), NODES.booleanNode(true), NODES.arrayNode(), obj(),
                    NODES.numberNode(1.5));
            case "boolean" -> List.of(NODES.textNode("true"), NODES.numberNode(1), NODES.arrayNode(), obj());
            case "integer", "long" -> List.of(NODES.textNode("1"), NODES.numberNode(1.5),
                    NODES.numberNode(new java.math.BigDecimal("1e30")),
                    NODES.numberNode(new java.math.BigInteger("9223372036854775808")), NODES.booleanNode(true),
                    NODES.arrayNode(), obj());
            case "float", "double" -> List.of(NODES.textNode("abc"), NODES.booleanNode(true), NODES.arrayNode(), obj());
            case "timestamp" -> List.of(NODES.textNode("2020-01-01"), NODES.booleanNode(true), obj());
            case "list" -> List.of(NODES.textNode("x"), obj(), NODES.numberNode(1), NODES.arrayNode().addNull(),
                    NODES.arrayNode().add(NODES.arrayNode()));
            case "map" -> List.of(NODES.textNode("x"), NODES.arrayNode(), obj().putNull("k"),
                    obj().set("k", NODES.arrayNode().add(obj())));
            default -> List.of(NODES.textNode("x"), NODES.arrayNode(), NODES.numberNode(1));
        };
        List<JsonNode> out = new ArrayList<>();
        out.add(all.get(0));
        int second = 1 + random.nextInt(all.size() - 1);
        out.add(all.get(second));
        return out;
    }

    // ---- unicode and injection ------------------------------------------------------------------------

    /** Every hostile string at every string member of the body, query parameter, URI label and tag key. */
    public static List<RawRequest> hostileStrings(Operation op, Base base) {
        List<RawRequest> out = new ArrayList<>();
        if (op.inputShape() == null) {
            return out;
        }
        List<String[]> paths = new ArrayList<>();
        collectPaths(op.inputShape(), base.body(), new ArrayList<>(), paths, 0);
        for (String[] p : paths) {
            String type = SHAPES.path(p[p.length - 1]).path("type").asText();
            if (!type.equals("string")) {
                continue;
            }
            String[] path = Arrays.copyOf(p, p.length - 1);
            for (String s : concat(STRINGS, LONG)) {
                ObjectNode body = base.body().deepCopy();
                set(body, path, NODES.textNode(s));
                out.add(new RawRequest(op, "unicode/injection", String.join(".", path) + " = " + abbreviate(s, 30),
                        base.query(), base.label(), bytes(body.toString())));
            }
        }
        for (String name : base.query().keySet()) {
            for (String s : STRINGS) {
                Map<String, List<String>> q = new LinkedHashMap<>(base.query());
                q.put(name, List.of(s));
                out.add(new RawRequest(op, "unicode/injection", "query " + name + " = " + abbreviate(s, 30), q,
                        base.label(), bytes(base.body().toString())));
            }
        }
        if (base.label() != null) {
            for (String s : STRINGS) {
                if (s.indexOf('\u0000') >= 0 || s.contains("%") || s.contains("../")) {
                    // Jetty refuses a NUL, a malformed escape or a dot segment in the path before the
                    // API sees it; see ApiFuzzIT.requestsJettyRefusesAreAnsweredInAwsErrorFormat.
                    continue;
                }
                out.add(new RawRequest(op, "unicode/injection", "label = " + abbreviate(s, 30), base.query(), s,
                        bytes(base.body().toString())));
                out.add(new RawRequest(op, "unicode/injection", "label = arn + " + abbreviate(s, 30), base.query(),
                        base.label() + s, bytes(base.body().toString())));
            }
        }
        // Map keys (tags) with hostile text.
        if (base.skeleton().has("tags")) {
            for (String s : STRINGS) {
                ObjectNode body = base.body().deepCopy();
                body.putObject("tags").put(s, "v");
                out.add(new RawRequest(op, "unicode/injection", "tags key = " + abbreviate(s, 30), base.query(),
                        base.label(), bytes(body.toString())));
            }
        }
        return out;
    }

    // ---- deep nesting ---------------------------------------------------------------------------------

    public static List<RawRequest> deepNesting(Operation op, Base base) {
        List<RawRequest> out = new ArrayList<>();
        String firstMember = base.skeleton().size() > 0 ? base.skeleton().fieldNames().next() : "a";
        for (int depth : new int[] {62, 63, 64, 65, 5_000, 100_000}) {
            String arrays = "[".repeat(depth) + "]".repeat(depth);
            ObjectNode rest = base.body().deepCopy();
            rest.remove(firstMember);
            String text = rest.toString();
            String inner = "\"" + firstMember + "\":" + arrays;
            String body = text.equals("{}") ? "{" + inner + "}" : "{" + inner + "," + text.substring(1);
            out.add(new RawRequest(op, "deep nesting", "arrays " + depth + " deep at " + firstMember, base.query(),
                    base.label(), bytes(body)));
            text = base.body().toString();
            String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            String unknown = text.equals("{}") ? "{\"unknown\":" + objects + "}"
                    : "{\"unknown\":" + objects + "," + text.substring(1);
            out.add(new RawRequest(op, "deep nesting", "objects " + depth + " deep in an unknown member", base.query(),
                    base.label(), bytes(unknown)));
        }
        if (base.skeleton().has("tags")) {
            ObjectNode body = base.body().deepCopy();
            ObjectNode at = body.putObject("tags");
            for (int i = 0; i < 40; i++) {
                at = at.putObject("k" + i);
            }
            out.add(new RawRequest(op, "deep nesting", "tags 40 deep", base.query(), base.label(),
                    bytes(body.toString())));
        }
        return out;
    }

    // ---- oversized bodies -----------------------------------------------------------------------------

    public static List<RawRequest> oversized(Operation op, Base base) {
        List<RawRequest> out = new ArrayList<>();
        String filler = base.skeleton().size() > 0 ? base.skeleton().fieldNames().next() : "description";
        // Exactly at the limit: not refused for its size.
        out.add(new RawRequest(op, "huge body", "exactly 2 MiB", base.query(), base.label(), sized(filler, MAX_BODY)));
        // One byte over, sent whole: 413.
        out.add(new RawRequest(op, "huge body", "2 MiB + 1", base.query(), base.label(),
                sized(filler, MAX_BODY + 1)));
        return out;
    }

    /** A JSON object of exactly n bytes: one string member padded with 'a'. */
    static byte[] sized(String member, int n) {
        String head = "{\"" + member + "\":\"";
        String tail = "\"}";
        return bytes(head + "a".repeat(n - head.length() - tail.length()) + tail);
    }
}
