package dev.kiln.core.api;

import java.util.regex.Pattern;

/**
 * The model's {@code pattern} constraints, which are ECMAScript regular expressions (Smithy's
 * {@code @pattern}), translated to {@link java.util.regex.Pattern}.
 *
 * <p>The two dialects agree on everything the Image Builder model uses; the translation only
 * rewrites the constructs where Java would read an ECMAScript pattern differently or refuse it:
 * <ul>
 *   <li>inside a character class, {@code [} is a literal in ECMAScript but opens a nested class in
 *       Java, and {@code &&} is an intersection in Java: both are escaped;</li>
 *   <li>the empty class {@code []} (matches nothing) and {@code [^]} (matches anything);</li>
 *   <li>a {@code {} that does not start a quantifier is a literal in ECMAScript (Annex B) and an
 *       error in Java: it is escaped.</li>
 * </ul>
 *
 * <p><b>Anchoring.</b> Smithy says patterns are not implicitly anchored, but AWS's own services
 * (Coral, in Java) test the whole value: DynamoDB refuses the table name {@code "my table"} with
 * "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+". Kiln does the same
 * ({@link #matches}): a value satisfies a pattern when the pattern matches all of it. This also
 * makes the model's unanchored patterns strict ({@code Timezone},
 * {@code [a-zA-Z0-9]{2,}(?:\/[a-zA-Z0-9-_+]+)*}, would otherwise accept {@code "UTC; rm -rf /"}) and
 * reads the misplaced anchors of {@code ^String|Integer|Boolean|StringList$} as intended.
 */
final class Patterns {
    private Patterns() {
    }

    /** Compiles an ECMAScript pattern from the model; throws {@link java.util.regex.PatternSyntaxException}. */
    static Pattern compile(String ecmaScript) {
        return Pattern.compile(toJava(ecmaScript));
    }

    /** Whether the pattern matches the whole value. */
    static boolean matches(Pattern pattern, CharSequence value) {
        return pattern.matcher(value).matches();
    }

    /** Rewrites an ECMAScript pattern so that Java reads it the same way. */
    static String toJava(String ecma) {
        StringBuilder out = new StringBuilder(ecma.length() + 8);
        boolean inClass = false;
        int n = ecma.length();
        for (int i = 0; i < n; i++) {
            char c = ecma.charAt(i);
            if (c == '\\') {
                out.append(c);
                if (i + 1 < n) {
                    out.append(ecma.charAt(++i));
                }
                continue;
            }
            if (inClass) {
                if (c == ']') {
                    inClass = false;
                    out.append(c);
                } else if (c == '[') {
                    out.append("\\[");
                } else if (c == '&' && i + 1 < n && ecma.charAt(i + 1) == '&') {
                    out.append("&\\&");
                    i++;
                } else {
                    out.append(c);
                }
                continue;
            }
            if (c == '[') {
                if (ecma.startsWith("[]", i)) {
                    out.append("(?!)");
                    i += 1;
                } else if (ecma.startsWith("[^]", i)) {
                    out.append("[\\s\\S]");
                    i += 2;
                } else {
                    inClass = true;
                    out.append(c);
                    if (i + 1 < n && ecma.charAt(i + 1) == '^') {
                        out.append('^');
                        i++;
                    }
                }
                continue;
            }
            if (c == '{' && !startsQuantifier(ecma, i)) {
                out.append("\\{");
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Whether the {@code {} at {@code at} opens a quantifier {@code {n}}, {@code {n,}} or {@code {n,m}}. */
    private static boolean startsQuantifier(String s, int at) {
        int i = at + 1;
        int digits = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0 || i >= s.length()) {
            return false;
        }
        if (s.charAt(i) == '}') {
            return true;
        }
        if (s.charAt(i) != ',') {
            return false;
        }
        i++;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        return i < s.length() && s.charAt(i) == '}';
    }
}
