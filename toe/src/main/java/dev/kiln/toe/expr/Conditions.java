package dev.kiln.toe.expr;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.toe.target.FileInfo;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Target;
import dev.kiln.toe.validate.Problems;
import dev.kiln.toe.validate.Suggestions;
import dev.kiln.toe.yaml.YNode;
import dev.kiln.toe.yaml.YNode.YList;
import dev.kiln.toe.yaml.YNode.YMap;
import dev.kiln.toe.yaml.YNode.YScalar;
import java.io.IOException;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and evaluates AWSTOE's comparison and logical operators. Two-value operators compare the
 * {@code value} against the operator's baseline ({@code stringGreaterThan: 'a'} with {@code value: 'b'}
 * is true), as every example in the AWS documentation does. String comparisons ignore case and keep
 * spaces; numeric ones read both sides as decimals and are false when one is not a number.
 */
public final class Conditions {

    /** Logical operators nest at most this deep. */
    public static final int MAX_DEPTH = 4;

    private static final Set<String> TESTS = Set.of("stringIsEmpty", "stringIsWhitespace", "binaryExists",
            "fileExists", "folderExists");
    private static final Set<String> COMPARISONS = Set.of("stringEquals", "stringLessThan", "stringLessThanEquals",
            "stringGreaterThan", "stringGreaterThanEquals", "patternMatches", "numberEquals", "numberLessThan",
            "numberLessThanEquals", "numberGreaterThan", "numberGreaterThanEquals");
    private static final Map<String, String> HASHES = Map.of("fileMD5Equals", "MD5", "fileSHA1Equals", "SHA-1",
            "fileSHA256Equals", "SHA-256", "fileSHA512Equals", "SHA-512");
    private static final Set<String> LOGICAL = Set.of("and", "or", "not");
    private static final Set<String> BRANCH_KEYS = Set.of("then", "else");
    /** A decimal; the exponent is bounded so that no number is too large for BigDecimal to read quickly. */
    private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+[.])?[0-9]+([eE][-+]?[0-9]{1,4})?");

    private Conditions() {
    }

    public static Set<String> operators() {
        Set<String> all = new TreeSet<>(TESTS);
        all.addAll(COMPARISONS);
        all.addAll(HASHES.keySet());
        all.addAll(LOGICAL);
        return all;
    }

    /** Reads a step's {@code if}; reports problems and answers empty when it is not valid. */
    public static Optional<StepCondition> parseIf(YNode node, Problems problems) {
        YNode form = node;
        if (node instanceof YList list) {
            if (list.items().size() != 1) {
                problems.error(node, "if", "'if' holds exactly one expression; combine several with and/or");
                return Optional.empty();
            }
            form = list.items().get(0);
        }
        if (!(form instanceof YMap map)) {
            problems.error(node, "if", "'if' must be a mapping such as {stringEquals: 'x', value: '{{ ... }}'}, not "
                    + form.kind());
            return Optional.empty();
        }
        StepCondition.Branch then = branch(map, "then", StepCondition.Branch.Execute, problems);
        StepCondition.Branch otherwise = branch(map, "else", StepCondition.Branch.Skip, problems);
        Optional<Condition> expr = parse(map, "if", 1, BRANCH_KEYS, problems);
        if (expr.isEmpty() || then == null || otherwise == null) {
            return Optional.empty();
        }
        return Optional.of(new StepCondition(expr.get(), then, otherwise));
    }

    /** Reads the expression of an Assert step's inputs. */
    public static Optional<Condition> parseExpression(YNode node, String field, Problems problems) {
        if (!(node instanceof YMap map)) {
            problems.error(node, field, "expected a comparison or logical expression, not " + node.kind());
            return Optional.empty();
        }
        return parse(map, field, 1, Set.of(), problems);
    }

    private static StepCondition.Branch branch(YMap map, String key, StepCondition.Branch fallback,
                                               Problems problems) {
        Optional<YNode> v = map.get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        if (v.get() instanceof YScalar s) {
            for (StepCondition.Branch b : StepCondition.Branch.values()) {
                if (b.name().equals(s.text())) {
                    return b;
                }
            }
            problems.error(s, "if." + key, "'" + s.text() + "' is not Abort, Execute or Skip"
                    + Suggestions.didYouMean(s.text(), List.of("Abort", "Execute", "Skip")));
        } else {
            problems.error(v.get(), "if." + key, "must be Abort, Execute or Skip");
        }
        return null;
    }

    private static Optional<Condition> parse(YMap map, String field, int depth, Set<String> extraKeys,
                                             Problems problems) {
        List<String> operators = new ArrayList<>();
        for (String key : map.keys()) {
            if (!key.equals("value") && !key.equals("path") && !extraKeys.contains(key)) {
                operators.add(key);
            }
        }
        if (operators.size() > 1 && !operators().containsAll(operators)) {
            List<String> fields = new ArrayList<>(operators());
            fields.add("value");
            fields.add("path");
            for (String key : operators) {
                if (!operators().contains(key)) {
                    problems.error(map.entry(key).orElseThrow().key(), field, "unknown operator or field '" + key + "'"
                            + Suggestions.didYouMean(key, fields));
                }
            }
            return Optional.empty();
        }
        if (operators.size() != 1) {
            problems.error(map, field, operators.isEmpty()
                    ? "no operator: expected one of " + String.join(", ", operators())
                    : "one operator per expression, found " + String.join(", ", operators)
                      + "; combine several with and/or");
            return Optional.empty();
        }
        String op = operators.get(0);
        YNode arg = map.get(op).orElseThrow();
        String where = field + "." + op;
        if (LOGICAL.contains(op)) {
            return parseLogical(map, op, arg, where, depth, problems);
        }
        if (!(arg instanceof YScalar a)) {
            problems.error(arg, where, "must be a single value, not " + arg.kind());
            return Optional.empty();
        }
        if (TESTS.contains(op)) {
            forbid(map, "value", where, problems);
            forbid(map, "path", where, problems);
            return Optional.of(new Condition.Test(op, a.text()));
        }
        if (COMPARISONS.contains(op)) {
            forbid(map, "path", where, problems);
            Optional<YScalar> value = secondValue(map, "value", op, field, problems);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (op.startsWith("number") && !Templates.mayContain(a.text()) && !isNumber(a.text())) {
                problems.error(a, where, "'" + a.text() + "' is not a number");
                return Optional.empty();
            }
            if (op.equals("patternMatches") && !Templates.mayContain(a.text())) {
                try {
                    Pattern.compile(a.text());
                } catch (PatternSyntaxException e) {
                    problems.error(a, where, "not a valid regular expression: " + e.getDescription());
                    return Optional.empty();
                }
            }
            return Optional.of(new Condition.Compare(op, a.text(), value.get().text()));
        }
        if (HASHES.containsKey(op)) {
            forbid(map, "value", where, problems);
            Optional<YScalar> path = secondValue(map, "path", op, field, problems);
            return path.map(p -> new Condition.FileHash(HASHES.get(op), a.text(), p.text()));
        }
        problems.error(map.entry(op).orElseThrow().key(), field,
                "unknown operator '" + op + "'" + Suggestions.didYouMean(op, operators()));
        return Optional.empty();
    }

    private static Optional<Condition> parseLogical(YMap map, String op, YNode arg, String where, int depth,
                                                    Problems problems) {
        if (depth > MAX_DEPTH) {
            problems.error(arg, where, "logical operators nest at most " + MAX_DEPTH + " levels deep");
            return Optional.empty();
        }
        forbid(map, "value", where, problems);
        forbid(map, "path", where, problems);
        List<YNode> items;
        if (arg instanceof YList l) {
            items = l.items();
        } else if (op.equals("not") && arg instanceof YMap) {
            items = List.of(arg);
        } else {
            problems.error(arg, where, op.equals("not") ? "must be one expression" : "must be a list of expressions");
            return Optional.empty();
        }
        if (items.isEmpty() || (op.equals("not") && items.size() != 1)) {
            problems.error(arg, where, op.equals("not") ? "must hold exactly one expression"
                    : "must hold at least one expression");
            return Optional.empty();
        }
        List<Condition> parsed = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            YNode item = items.get(i);
            String itemField = where + (arg instanceof YList ? "[" + i + "]" : "");
            if (!(item instanceof YMap m)) {
                problems.error(item, itemField, "expected an expression, not " + item.kind());
                ok = false;
                continue;
            }
            Optional<Condition> c = parse(m, itemField, depth + 1, Set.of(), problems);
            ok &= c.isPresent();
            c.ifPresent(parsed::add);
        }
        if (!ok) {
            return Optional.empty();
        }
        return Optional.of(switch (op) {
            case "and" -> new Condition.And(parsed);
            case "or" -> new Condition.Or(parsed);
            default -> new Condition.Not(parsed.get(0));
        });
    }

    private static Optional<YScalar> secondValue(YMap map, String key, String op, String field, Problems problems) {
        Optional<YNode> v = map.get(key);
        if (v.isEmpty()) {
            problems.error(map, field, op + " needs '" + key + ":' beside it, the value to compare");
            return Optional.empty();
        }
        if (!(v.get() instanceof YScalar s)) {
            problems.error(v.get(), field + "." + key, "must be a single value, not " + v.get().kind());
            return Optional.empty();
        }
        return Optional.of(s);
    }

    private static void forbid(YMap map, String key, String where, Problems problems) {
        map.entry(key).ifPresent(e -> problems.error(e.key(), where, "'" + key + ":' does not belong with this operator"));
    }

    static boolean isNumber(String s) {
        return NUMBER.matcher(s.trim()).matches();
    }

    /** Evaluates an expression, checking binaries and files on the target. */
    public static boolean evaluate(Condition c, Target target) throws IOException, InterruptedException {
        if (c instanceof Condition.And and) {
            for (Condition x : and.conditions()) {
                if (!evaluate(x, target)) {
                    return false;
                }
            }
            return true;
        }
        if (c instanceof Condition.Or or) {
            for (Condition x : or.conditions()) {
                if (evaluate(x, target)) {
                    return true;
                }
            }
            return false;
        }
        if (c instanceof Condition.Not not) {
            return !evaluate(not.condition(), target);
        }
        if (c instanceof Condition.Test t) {
            return test(t, target);
        }
        if (c instanceof Condition.Compare cmp) {
            return compare(cmp);
        }
        Condition.FileHash h = (Condition.FileHash) c;
        Optional<FileInfo> info = target.stat(h.path());
        if (info.isEmpty() || !info.get().isFile()) {
            return false;
        }
        try {
            byte[] digest = MessageDigest.getInstance(h.algorithm()).digest(target.read(h.path()));
            return HexFormat.of().formatHex(digest).equalsIgnoreCase(h.expected().trim());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean test(Condition.Test t, Target target) throws IOException, InterruptedException {
        String a = t.argument();
        return switch (t.operator()) {
            case "stringIsEmpty" -> a.isEmpty();
            case "stringIsWhitespace" -> !a.isEmpty() && a.isBlank();
            case "fileExists" -> target.stat(a).map(FileInfo::isFile).orElse(false);
            case "folderExists" -> target.stat(a).map(FileInfo::isFolder).orElse(false);
            case "binaryExists" -> target.exec(new ExecRequest(List.of("sh", "-c", "command -v \"$1\"", "sh", a),
                    Map.of(), null, Duration.ofSeconds(30)), OutputListener.NONE).succeeded();
            default -> throw new IllegalArgumentException(t.operator());
        };
    }

    static boolean compare(Condition.Compare c) {
        String op = c.operator();
        if (op.equals("patternMatches")) {
            return Pattern.compile(c.baseline()).matcher(c.value()).find();
        }
        int cmp;
        if (op.startsWith("number")) {
            if (!isNumber(c.value()) || !isNumber(c.baseline())) {
                return false;
            }
            cmp = new BigDecimal(c.value().trim()).compareTo(new BigDecimal(c.baseline().trim()));
        } else {
            cmp = c.value().toLowerCase(Locale.ROOT).compareTo(c.baseline().toLowerCase(Locale.ROOT));
        }
        String relation = op.startsWith("number") ? op.substring("number".length()) : op.substring("string".length());
        return switch (relation) {
            case "Equals" -> cmp == 0;
            case "LessThan" -> cmp < 0;
            case "LessThanEquals" -> cmp <= 0;
            case "GreaterThan" -> cmp > 0;
            case "GreaterThanEquals" -> cmp >= 0;
            default -> throw new IllegalArgumentException(op);
        };
    }
}
