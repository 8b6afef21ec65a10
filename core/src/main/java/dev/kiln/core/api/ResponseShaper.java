package dev.kiln.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cuts what the service built down to what the model lets an answer carry, so that internal fields
 * (owner account, store ids, hashes) never leak and every answer has the model's field names.
 *
 * <p>{@link #shape} copies, recursively through structures, lists and maps, only the members the
 * model defines for the output shape, under their wire names; it drops {@code null}s, and any object
 * or array found where the model has a scalar, or a scalar where it has a structure, list or map.
 * Scalars are copied as they are: it does not convert types or check constraints, because AWS's own
 * answers break the model's input constraints (the CLI examples show {@code "tags": {}} for a map
 * of at least one entry and a {@code version} of {@code 2019.12.03/1}).
 *
 * <p>{@link #mismatches} is for tests of the code that builds answers: it names every field the
 * model does not define and every value of the wrong JSON type, which {@link #shape} would
 * silently drop or pass on.
 */
public final class ResponseShaper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private final ServiceModel model;

    public ResponseShaper(ServiceModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /** The answer of an operation: {@link #shape(String, JsonNode)} with its output shape. */
    public ObjectNode shape(Operation operation, JsonNode built) {
        if (operation.outputShape() == null) {
            return NODES.objectNode();
        }
        return shape(operation.outputShape(), built);
    }

    /**
     * A copy of {@code built} holding only the members the named structure defines, recursively.
     *
     * @throws IllegalArgumentException when the model has no structure of that name
     */
    public ObjectNode shape(String structureName, JsonNode built) {
        Shape shape = model.shape(structureName);
        if (shape.type() != Shape.Type.STRUCTURE) {
            throw new IllegalArgumentException(structureName + " is a " + shape.type().modelName() + ", not a structure");
        }
        JsonNode copy = built == null ? null : copy(shape, built);
        return copy == null ? NODES.objectNode() : (ObjectNode) copy;
    }

    /**
     * Everything in {@code built} that the named shape does not allow: members it does not define
     * ({@code image.owner_account: Image has no member 'owner_account'}) and values of the wrong JSON
     * type ({@code image.state: expected structure ImageState, got string}). Empty when the answer fits.
     */
    public List<String> mismatches(String shapeName, JsonNode built) {
        List<String> out = new ArrayList<>();
        check(model.shape(shapeName), built, "", out);
        return out;
    }

    private JsonNode copy(Shape shape, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        switch (shape.type()) {
            case STRUCTURE -> {
                if (!node.isObject()) {
                    return null;
                }
                ObjectNode copy = NODES.objectNode();
                for (Member m : shape.members().values()) {
                    JsonNode c = copy(model.target(m), node.get(m.name()));
                    if (c != null) {
                        copy.set(m.wireName(), c);
                    }
                }
                return copy;
            }
            case LIST -> {
                if (!node.isArray()) {
                    return null;
                }
                Shape element = model.target(shape.member());
                ArrayNode copy = NODES.arrayNode(node.size());
                for (JsonNode e : node) {
                    JsonNode c = copy(element, e);
                    if (c != null) {
                        copy.add(c);
                    }
                }
                return copy;
            }
            case MAP -> {
                if (!node.isObject()) {
                    return null;
                }
                Shape value = model.target(shape.value());
                ObjectNode copy = NODES.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode c = copy(value, e.getValue());
                    if (c != null) {
                        copy.set(e.getKey(), c);
                    }
                }
                return copy;
            }
            default -> {
                return node.isValueNode() ? node : null;
            }
        }
    }

    private void check(Shape shape, JsonNode node, String path, List<String> out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        String where = path.isEmpty() ? shape.name() : path;
        if (!shape.accepts(node)) {
            out.add(where + ": expected " + shape.type().modelName() + " " + shape.name() + ", got " + node.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT));
            return;
        }
        switch (shape.type()) {
            case STRUCTURE -> {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    Member m = shape.members().get(e.getKey());
                    String p = Violations.child(path, e.getKey());
                    if (m == null) {
                        out.add(p + ": " + shape.name() + " has no member '" + e.getKey() + "'");
                    } else {
                        check(model.target(m), e.getValue(), p, out);
                    }
                }
            }
            case LIST -> {
                Shape element = model.target(shape.member());
                for (int i = 0; i < node.size(); i++) {
                    check(element, node.get(i), Violations.index(path, i), out);
                }
            }
            case MAP -> {
                Shape value = model.target(shape.value());
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    check(value, e.getValue(), Violations.child(path, e.getKey()), out);
                }
            }
            default -> {
            }
        }
    }
}
