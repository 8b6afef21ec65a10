package dev.kiln.toe.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and replaces {@code {{ }}} references in strings. Braces whose content cannot be a reference
 * (Go templates such as {@code {{.Names}}}, text with spaces) are left alone: AWSTOE documents
 * often carry other tools' templates inside scripts.
 */
public final class Templates {

    private static final Pattern BRACES = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");
    private static final Pattern REFERENCE_LIKE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.\\[\\]-]*");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern INPUT = Pattern.compile(
            "([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+)\\.inputs(?:\\[(\\d{1,9})])?\\.([A-Za-z0-9_-]+)");
    private static final Pattern OUTPUT = Pattern.compile(
            "([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+)\\.outputs\\.([A-Za-z0-9_-]+)");
    private static final Pattern LOOP = Pattern.compile("([A-Za-z0-9_-]+)\\.(index|value)");

    private Templates() {
    }

    /** Fast check that avoids regex work on the many strings that hold no reference. */
    public static boolean mayContain(String s) {
        return s.contains("{{");
    }

    public static List<Reference> references(String s) {
        if (!mayContain(s)) {
            return List.of();
        }
        List<Reference> out = new ArrayList<>();
        Matcher m = BRACES.matcher(s);
        while (m.find()) {
            Reference r = classify(m.group(), m.group(1));
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** A reference, or null when the braces hold something that is not meant as one. */
    static Reference classify(String raw, String expr) {
        if (!REFERENCE_LIKE.matcher(expr).matches()) {
            return null;
        }
        Matcher m;
        if (VARIABLE.matcher(expr).matches()) {
            return new Reference.Variable(raw, expr, expr);
        }
        if ((m = INPUT.matcher(expr)).matches()) {
            int index = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
            return new Reference.StepInput(raw, expr, m.group(1), m.group(2), index, m.group(4));
        }
        if ((m = OUTPUT.matcher(expr)).matches()) {
            return new Reference.StepOutput(raw, expr, m.group(1), m.group(2), m.group(3));
        }
        if ((m = LOOP.matcher(expr)).matches()) {
            return new Reference.LoopVariable(raw, expr, m.group(1), m.group(2));
        }
        return new Reference.Malformed(raw, expr);
    }

    /** Looks up the value of a reference; null means it has none. */
    @FunctionalInterface
    public interface Resolver {
        String valueOf(Reference reference) throws UnresolvedReferenceException;
    }

    /** Replaces every reference in {@code s}; references the resolver answers null for stay as written. */
    public static String resolve(String s, Resolver resolver) throws UnresolvedReferenceException {
        if (!mayContain(s)) {
            return s;
        }
        Matcher m = BRACES.matcher(s);
        StringBuilder sb = new StringBuilder(s.length());
        int last = 0;
        while (m.find()) {
            Reference r = classify(m.group(), m.group(1));
            String value = r == null ? null : resolver.valueOf(r);
            sb.append(s, last, m.start()).append(value == null ? m.group() : value);
            last = m.end();
        }
        return sb.append(s, last, s.length()).toString();
    }

    /** A reference that has no value when the step runs. */
    public static final class UnresolvedReferenceException extends Exception {
        public UnresolvedReferenceException(String message) {
            super(message);
        }
    }
}
