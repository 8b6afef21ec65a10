package dev.kiln.toe.action;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One mapping of a step's inputs after every {{ }} reference was resolved: scalars are strings,
 * lists are lists, mappings are maps. Typed getters fail the step with a message naming the input.
 */
public final class Inputs {
    private final Map<String, Object> values;
    private final String where;

    /** @param where how messages name this mapping, e.g. "inputs[1]" */
    public Inputs(Map<String, Object> values, String where) {
        this.values = new LinkedHashMap<>(values);
        this.where = where;
    }

    /** The inputs of a map-shaped module: one mapping, or none. */
    @SuppressWarnings("unchecked")
    public static Inputs single(Object raw) throws StepFailedException {
        if (raw == null) {
            return new Inputs(Map.of(), "inputs");
        }
        if (!(raw instanceof Map<?, ?> m)) {
            throw new StepFailedException("inputs must be a mapping");
        }
        return new Inputs((Map<String, Object>) m, "inputs");
    }

    /** The inputs of a list-shaped module: one mapping per operation. */
    @SuppressWarnings("unchecked")
    public static List<Inputs> list(Object raw) throws StepFailedException {
        if (!(raw instanceof List<?> l)) {
            throw new StepFailedException("inputs must be a list of mappings");
        }
        List<Inputs> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof Map<?, ?> m)) {
                throw new StepFailedException("inputs[" + i + "] must be a mapping");
            }
            out.add(new Inputs((Map<String, Object>) m, "inputs[" + i + "]"));
        }
        return out;
    }

    public Map<String, Object> asMap() {
        return java.util.Collections.unmodifiableMap(values);
    }

    public boolean has(String name) {
        return values.get(name) != null;
    }

    public String string(String name) throws StepFailedException {
        Object v = values.get(name);
        if (v == null) {
            throw new StepFailedException(where + "." + name + " is required");
        }
        if (!(v instanceof String s)) {
            throw new StepFailedException(where + "." + name + " must be a string");
        }
        return s;
    }

    public String string(String name, String fallback) throws StepFailedException {
        return has(name) ? string(name) : fallback;
    }

    public boolean bool(String name, boolean fallback) throws StepFailedException {
        if (!has(name)) {
            return fallback;
        }
        String s = string(name).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new StepFailedException(where + "." + name + " must be true or false, not '" + s + "'");
        };
    }

    public long integer(String name, long fallback) throws StepFailedException {
        if (!has(name)) {
            return fallback;
        }
        String s = string(name).trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new StepFailedException(where + "." + name + " must be an integer, not '" + s + "'");
        }
    }

    /** An octal file mode: "0755", "755" or "0o755". */
    public int permissions(String name, int fallback) throws StepFailedException {
        if (!has(name)) {
            return fallback;
        }
        String s = string(name).trim();
        Integer mode = parseMode(s);
        if (mode == null) {
            throw new StepFailedException(where + "." + name + " must be an octal mode such as 0755, not '" + s + "'");
        }
        return mode;
    }

    /** Parses an octal file mode, or answers null when the text is not one. */
    public static Integer parseMode(String s) {
        String t = s.startsWith("0o") ? s.substring(2) : s;
        if (!t.matches("[0-7]{1,4}")) {
            return null;
        }
        return Integer.parseInt(t, 8);
    }

    public List<String> strings(String name) throws StepFailedException {
        Object v = values.get(name);
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (!(v instanceof List<?> list)) {
            throw new StepFailedException(where + "." + name + " must be a list of strings");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new StepFailedException(where + "." + name + " must be a list of strings");
            }
            out.add(s);
        }
        return out;
    }

    public Object raw(String name) {
        return values.get(name);
    }

    public String where() {
        return where;
    }
}
