package dev.kiln.toe.yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML value that remembers where it was written. Scalars keep their source text: the meaning of
 * {@code 0700} or {@code 1.0} depends on the field that holds it, not on a YAML schema.
 */
public sealed interface YNode permits YNode.YMap, YNode.YList, YNode.YScalar {

    Mark mark();

    /** What the value is, in words for error messages. */
    String kind();

    /** A mapping; keys are scalars, kept in document order. */
    record YMap(Mark mark, List<Entry> entries) implements YNode {
        public YMap {
            entries = List.copyOf(entries);
        }

        public Optional<Entry> entry(String key) {
            for (Entry e : entries) {
                if (e.key().text().equals(key)) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }

        public Optional<YNode> get(String key) {
            return entry(key).map(Entry::value);
        }

        public List<String> keys() {
            List<String> keys = new ArrayList<>(entries.size());
            for (Entry e : entries) {
                keys.add(e.key().text());
            }
            return keys;
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    record Entry(YScalar key, YNode value) {
    }

    record YList(Mark mark, List<YNode> items) implements YNode {
        public YList {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /**
     * A scalar. {@code plain} is true when it was written without quotes or block indicators, which
     * is when YAML would give it a type (null, bool, int, float) instead of string.
     */
    record YScalar(Mark mark, String text, boolean plain) implements YNode {

        /** True for an empty plain scalar, {@code ~} or {@code null}: YAML 1.2 core null. */
        public boolean isNull() {
            return plain && (text.isEmpty() || text.equals("~") || text.equals("null")
                    || text.equals("Null") || text.equals("NULL"));
        }

        /** A YAML 1.2 core-schema boolean (only when plain). */
        public Optional<Boolean> asBoolean() {
            return switch (text) {
                case "true", "True", "TRUE" -> Optional.of(true);
                case "false", "False", "FALSE" -> Optional.of(false);
                default -> Optional.empty();
            };
        }

        /** A YAML 1.2 core-schema integer, decimal, {@code 0o} octal or {@code 0x} hex. */
        public Optional<Long> asLong() {
            String t = text.trim();
            try {
                if (t.startsWith("0o")) {
                    return Optional.of(Long.parseLong(t.substring(2), 8));
                }
                if (t.startsWith("0x")) {
                    return Optional.of(Long.parseLong(t.substring(2), 16));
                }
                if (t.matches("[-+]?[0-9]+")) {
                    return Optional.of(Long.parseLong(t));
                }
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            return Optional.empty();
        }

        @Override
        public String kind() {
            if (isNull()) {
                return "null";
            }
            if (plain && asBoolean().isPresent()) {
                return "a boolean";
            }
            if (plain && asLong().isPresent()) {
                return "an integer";
            }
            return "a string";
        }
    }

    /** Converts plain Java values (maps, lists, scalars, null) back to nodes, without positions. */
    static YNode fromPlain(Object value) {
        if (value instanceof Map<?, ?> m) {
            List<Entry> entries = new ArrayList<>(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                entries.add(new Entry(new YScalar(Mark.UNKNOWN, String.valueOf(e.getKey()), true),
                        fromPlain(e.getValue())));
            }
            return new YMap(Mark.UNKNOWN, entries);
        }
        if (value instanceof List<?> l) {
            List<YNode> items = new ArrayList<>(l.size());
            for (Object o : l) {
                items.add(fromPlain(o));
            }
            return new YList(Mark.UNKNOWN, items);
        }
        return value == null ? new YScalar(Mark.UNKNOWN, "", true) : new YScalar(Mark.UNKNOWN, value.toString(), false);
    }

    /** Converts to plain Java values: maps, lists, strings (scalars' text) and null. */
    static Object toPlain(YNode node) {
        if (node instanceof YScalar s) {
            return s.isNull() ? null : s.text();
        }
        if (node instanceof YList l) {
            List<Object> out = new ArrayList<>(l.items().size());
            for (YNode item : l.items()) {
                out.add(toPlain(item));
            }
            return out;
        }
        YMap m = (YMap) node;
        Map<String, Object> out = new LinkedHashMap<>();
        for (Entry e : m.entries()) {
            out.put(e.key().text(), toPlain(e.value()));
        }
        return out;
    }
}
