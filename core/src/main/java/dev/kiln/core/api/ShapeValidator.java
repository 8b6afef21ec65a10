package dev.kiln.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks an input against its shape and reports every violation at once, each naming the member
 * path ({@code components[0].parameters[1].value}), in the wording AWS services use:
 * <ul>
 *   <li>required: {@code Value null at 'name' failed to satisfy constraint: Member must not be null}
 *       (a JSON {@code null} counts as absent, as it does in AWS's deserializers);</li>
 *   <li>type: {@code Member must be of type list} (the model's type names);</li>
 *   <li>string length (in Unicode code points, as Smithy counts), list and map size:
 *       {@code Member must have length greater than or equal to 1} / {@code less than or equal to};</li>
 *   <li>numbers: {@code Member must have value greater than or equal to 1} / {@code less than or equal to};</li>
 *   <li>patterns: {@code Member must satisfy regular expression pattern: <the model's pattern>}, matched
 *       against the whole value (see {@link Patterns}); skipped for a string already longer than its
 *       maximum, so that no pattern ever runs over a huge value;</li>
 *   <li>enums: {@code Member must satisfy enum value set: [Windows, Linux, macOS]};</li>
 *   <li>map keys and scalar map values, as AWS words them: {@code Value 'aws:x' at 'tags' failed to
 *       satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression
 *       pattern: ...]} and {@code Value '...' at 'tags.Name' failed to satisfy constraint: Map value
 *       must satisfy constraint: [Member must have length less than or equal to 256]};</li>
 *   <li>timestamps: epoch seconds within 0001-01-01 .. 9999-12-31 (a Kiln rule: anything outside
 *       cannot become an {@link java.time.Instant}).</li>
 * </ul>
 * Members the model does not define are ignored, as AWS services ignore them.
 *
 * <p>The error type is {@code InvalidRequestException}, the model's error for a request that breaks
 * its constraints, when the operation declares it, which 72 of the 77 operations do; the tag trio
 * declares {@code InvalidParameterException} instead and ImportVmImage/ImportDiskImage only
 * {@code ClientException}, so those get the error they declare and every SDK maps the answer to a
 * modeled exception of that operation.
 */
public final class ShapeValidator {
    static final BigDecimal MIN_EPOCH_SECONDS = BigDecimal.valueOf(-62135596800L); // 0001-01-01T00:00:00Z
    static final BigDecimal MAX_EPOCH_SECONDS = BigDecimal.valueOf(253402300799L); // 9999-12-31T23:59:59Z

    private final ServiceModel model;

    public ShapeValidator(ServiceModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * Validates an operation's input; throws one {@link ApiException} listing every violation, of the
     * validation error type the operation declares. An operation without input accepts anything.
     */
    public void validate(Operation operation, JsonNode input) {
        if (operation.inputShape() == null) {
            return;
        }
        List<String> found = violations(operation.inputShape(), input);
        if (!found.isEmpty()) {
            throw new ApiException(errorTypeFor(operation), Violations.message(found));
        }
    }

    /** Validates a value against a named shape; throws one {@code InvalidRequestException} listing every violation. */
    public void validate(String shapeName, JsonNode value) {
        List<String> found = violations(shapeName, value);
        if (!found.isEmpty()) {
            throw new ApiException(ErrorType.InvalidRequestException, Violations.message(found));
        }
    }

    /**
     * Every violation of a value against a named shape, each a sentence such as {@code Value null at
     * 'name' failed to satisfy constraint: Member must not be null}; empty when the value is valid.
     */
    public List<String> violations(String shapeName, JsonNode value) {
        Shape shape = model.shape(shapeName);
        Violations out = new Violations();
        check(shape, value, "", out);
        return out.list();
    }

    /** The error an operation answers a validation failure with: the first of these it declares. */
    static ErrorType errorTypeFor(Operation operation) {
        for (ErrorType t : new ErrorType[] {ErrorType.InvalidRequestException, ErrorType.InvalidParameterException,
                ErrorType.InvalidParameterValueException, ErrorType.ClientException}) {
            if (operation.declares(t.name())) {
                return t;
            }
        }
        return ErrorType.InvalidRequestException;
    }

    private void check(Shape shape, JsonNode node, String path, Violations out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.add(path.isEmpty() ? shape.name() : path, (JsonNode) null, "Member must not be null");
            return;
        }
        if (!shape.accepts(node)) {
            out.add(path.isEmpty() ? shape.name() : path, node, typeConstraint(shape));
            return;
        }
        switch (shape.type()) {
            case STRUCTURE -> structure(shape, node, path, out);
            case LIST -> list(shape, node, path, out);
            case MAP -> map(shape, node, path, out);
            default -> {
                for (String c : scalarConstraints(shape, node)) {
                    out.add(path, node, c);
                }
            }
        }
    }

    static String typeConstraint(Shape shape) {
        return "Member must be of type " + shape.type().modelName();
    }

    private void structure(Shape shape, JsonNode node, String path, Violations out) {
        for (Member m : shape.members().values()) {
            JsonNode v = node.get(m.name());
            String p = Violations.child(path, m.name());
            if (v == null || v.isNull()) {
                if (shape.required().contains(m.name())) {
                    out.add(p, (JsonNode) null, "Member must not be null");
                }
                continue;
            }
            check(model.target(m), v, p, out);
        }
    }

    private void list(Shape shape, JsonNode node, String path, Violations out) {
        for (String c : sizeConstraints(shape, node.size())) {
            out.add(path, node, c);
        }
        Shape element = model.target(shape.member());
        for (int i = 0; i < node.size(); i++) {
            check(element, node.get(i), Violations.index(path, i), out);
        }
    }

    private void map(Shape shape, JsonNode node, String path, Violations out) {
        for (String c : sizeConstraints(shape, node.size())) {
            out.add(path, node, c);
        }
        Shape keyShape = model.target(shape.key());
        Shape valueShape = model.target(shape.value());
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> keyProblems = scalarConstraints(keyShape,
                    TextNode.valueOf(e.getKey()));
            if (!keyProblems.isEmpty()) {
                out.add(path, e.getKey(), "Map keys must satisfy constraint: [" + String.join(", ", keyProblems) + "]");
            }
            String p = Violations.child(path, e.getKey());
            JsonNode v = e.getValue();
            if (v != null && !v.isNull() && valueShape.type().scalar() && valueShape.accepts(v)) {
                List<String> valueProblems = scalarConstraints(valueShape, v);
                if (!valueProblems.isEmpty()) {
                    out.add(p, v, "Map value must satisfy constraint: [" + String.join(", ", valueProblems) + "]");
                }
            } else {
                check(valueShape, v, p, out);
            }
        }
    }

    /** The constraints a scalar of the right JSON type breaks, as "Member must ..." phrases. */
    static List<String> scalarConstraints(Shape shape, JsonNode node) {
        List<String> problems = new ArrayList<>(0);
        switch (shape.type()) {
            case STRING, BLOB -> {
                String text = node.textValue();
                int length = text.codePointCount(0, text.length());
                problems.addAll(lengthConstraints(shape, length));
                boolean tooLong = shape.max() != null && BigDecimal.valueOf(length).compareTo(shape.max()) > 0;
                if (shape.compiled() != null && !tooLong && !Patterns.matches(shape.compiled(), text)) {
                    problems.add("Member must satisfy regular expression pattern: " + shape.pattern());
                }
                if (!shape.enumValues().isEmpty() && !shape.enumValues().contains(text)) {
                    problems.add("Member must satisfy enum value set: [" + String.join(", ", shape.enumValues()) + "]");
                }
            }
            case INTEGER, LONG, FLOAT, DOUBLE -> {
                BigDecimal value = finite(node);
                if (value != null) {
                    if (shape.min() != null && value.compareTo(shape.min()) < 0) {
                        problems.add("Member must have value greater than or equal to " + shape.min().toPlainString());
                    }
                    if (shape.max() != null && value.compareTo(shape.max()) > 0) {
                        problems.add("Member must have value less than or equal to " + shape.max().toPlainString());
                    }
                }
            }
            case TIMESTAMP -> {
                BigDecimal value = finite(node);
                if (value == null || value.compareTo(MIN_EPOCH_SECONDS) < 0 || value.compareTo(MAX_EPOCH_SECONDS) > 0) {
                    problems.add("Member must be a timestamp between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
                }
            }
            default -> {
            }
        }
        return problems;
    }

    /** A number's exact value, or {@code null} for text ({@code NaN}) and non-finite doubles. */
    private static BigDecimal finite(JsonNode node) {
        if (!node.isNumber()) {
            return null;
        }
        if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
            return null;
        }
        return node.decimalValue();
    }

    private static List<String> sizeConstraints(Shape shape, int size) {
        return lengthConstraints(shape, size);
    }

    private static List<String> lengthConstraints(Shape shape, int length) {
        List<String> problems = new ArrayList<>(0);
        BigDecimal n = BigDecimal.valueOf(length);
        if (shape.min() != null && n.compareTo(shape.min()) < 0) {
            problems.add("Member must have length greater than or equal to " + shape.min().toPlainString());
        }
        if (shape.max() != null && n.compareTo(shape.max()) > 0) {
            problems.add("Member must have length less than or equal to " + shape.max().toPlainString());
        }
        return problems;
    }
}
