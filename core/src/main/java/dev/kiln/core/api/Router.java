package dev.kiln.core.api;

import dev.kiln.common.uri.PercentEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves an HTTP method and raw path to an operation, from the operations' URI templates.
 *
 * <p>Fixed paths ({@code /CreateComponent}) are looked up exactly. A path with labels is matched
 * segment by segment on the <em>raw</em> path, before percent-decoding, so that an encoded
 * {@code %2F} inside a label never splits it. A label that is the last segment of its template
 * takes the whole rest of the path: the model writes the tag trio as {@code /tags/{resourceArn}}
 * (not greedy), SDKs percent-encode the ARN's {@code :} and {@code /}, and a hand-written
 * {@code curl} with a literal ARN should work too. Labels must not be empty. Each label value is
 * then percent-decoded as UTF-8; a malformed escape is kept as written and an invalid UTF-8
 * sequence becomes U+FFFD, so that the value fails the member's pattern with a validation error
 * naming the member instead of failing routing.
 */
final class Router {
    private final Map<String, Map<String, Operation>> fixed = new HashMap<>();
    private final List<Template> templates = new ArrayList<>();

    Router(Collection<Operation> operations) {
        for (Operation op : operations) {
            String path = withoutQuery(op.requestUri());
            if (path.indexOf('{') >= 0) {
                templates.add(Template.parse(op, path));
            } else {
                Operation previous = fixed.computeIfAbsent(op.method(), m -> new HashMap<>()).put(path, op);
                if (previous != null) {
                    throw new IllegalStateException(op.method() + " " + path + " is the path of both "
                            + previous.name() + " and " + op.name());
                }
            }
        }
    }

    Optional<Route> route(String method, String rawPath) {
        if (method == null || rawPath == null) {
            return Optional.empty();
        }
        String m = method.toUpperCase(Locale.ROOT);
        String path = withoutQuery(rawPath);
        Operation op = fixed.getOrDefault(m, Map.of()).get(path);
        if (op != null) {
            return Optional.of(new Route(op, Map.of()));
        }
        for (Template t : templates) {
            if (t.op.method().equals(m)) {
                Map<String, String> labels = t.match(path);
                if (labels != null) {
                    return Optional.of(new Route(t.op, labels));
                }
            }
        }
        return Optional.empty();
    }

    private static String withoutQuery(String path) {
        int q = path.indexOf('?');
        return q >= 0 ? path.substring(0, q) : path;
    }

    /** A URI template split on {@code /}: literal segments and {@code {label}} segments. */
    private record Template(Operation op, List<String> segments) {
        static Template parse(Operation op, String path) {
            List<String> segments = Arrays.asList(path.split("/", -1));
            for (int i = 0; i < segments.size(); i++) {
                String seg = segments.get(i);
                if (seg.indexOf('{') >= 0 || seg.indexOf('}') >= 0) {
                    boolean label = seg.startsWith("{") && seg.endsWith("}") && seg.length() > 2
                            && seg.indexOf('{', 1) < 0 && seg.indexOf('}') == seg.length() - 1;
                    if (!label) {
                        throw new IllegalStateException(op.name() + ": unsupported URI template " + path);
                    }
                    if (seg.endsWith("+}") && i != segments.size() - 1) {
                        throw new IllegalStateException(op.name() + ": greedy label before the end of " + path);
                    }
                }
            }
            return new Template(op, List.copyOf(segments));
        }

        static boolean isLabel(String segment) {
            return segment.startsWith("{");
        }

        static String labelName(String segment) {
            String inner = segment.substring(1, segment.length() - 1);
            return inner.endsWith("+") ? inner.substring(0, inner.length() - 1) : inner;
        }

        /** The decoded labels when the raw path matches, else {@code null}. */
        Map<String, String> match(String rawPath) {
            String[] parts = rawPath.split("/", -1);
            Map<String, String> labels = new LinkedHashMap<>();
            int last = segments.size() - 1;
            for (int i = 0; i <= last; i++) {
                String seg = segments.get(i);
                if (i >= parts.length) {
                    return null;
                }
                if (!isLabel(seg)) {
                    if (!seg.equals(parts[i])) {
                        return null;
                    }
                    continue;
                }
                String raw = i == last ? String.join("/", Arrays.copyOfRange(parts, i, parts.length)) : parts[i];
                if (raw.isEmpty()) {
                    return null;
                }
                labels.put(labelName(seg), PercentEncoding.decode(raw));
                if (i == last) {
                    return labels;
                }
            }
            return parts.length == segments.size() ? labels : null;
        }
    }
}
