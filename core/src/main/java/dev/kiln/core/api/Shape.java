package dev.kiln.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One shape of the service model with the constraints the model states for it. Immutable; members
 * refer to other shapes by name, resolved through the {@link ServiceModel}.
 *
 * @param name          the shape's name in the model
 * @param type          its type
 * @param members       a structure's members in model order (empty for other types)
 * @param required      the names of a structure's required members
 * @param member        a list's element ({@code null} for other types)
 * @param key           a map's key ({@code null} for other types)
 * @param value         a map's value ({@code null} for other types)
 * @param min           the model's {@code min}: length of strings, size of lists and maps, value of
 *                      numbers; {@code null} when absent
 * @param max           the model's {@code max}, likewise
 * @param pattern       the model's regular expression, as written there; {@code null} when absent
 * @param compiled      {@link #pattern} compiled for Java (see {@link Patterns})
 * @param enumValues    a string's allowed values in model order (empty when unrestricted)
 * @param exception     whether the shape is an error shape
 * @param httpStatus    an error shape's HTTP status (0 when not an error shape)
 */
record Shape(
        String name,
        Type type,
        Map<String, Member> members,
        Set<String> required,
        Member member,
        Member key,
        Member value,
        BigDecimal min,
        BigDecimal max,
        String pattern,
        Pattern compiled,
        List<String> enumValues,
        boolean exception,
        int httpStatus) {

    /** The shape types of botocore models that a restJson1 service can carry. */
    enum Type {
        STRUCTURE, LIST, MAP, STRING, BOOLEAN, INTEGER, LONG, FLOAT, DOUBLE, TIMESTAMP, BLOB;

        static Type of(String modelName) {
            return switch (modelName) {
                case "structure" -> STRUCTURE;
                case "list" -> LIST;
                case "map" -> MAP;
                case "string" -> STRING;
                case "boolean" -> BOOLEAN;
                case "integer" -> INTEGER;
                case "long" -> LONG;
                case "float" -> FLOAT;
                case "double" -> DOUBLE;
                case "timestamp" -> TIMESTAMP;
                case "blob" -> BLOB;
                default -> throw new IllegalStateException("unsupported shape type '" + modelName + "'");
            };
        }

        /** The model's name for the type, as used in messages ("Member must be of type list"). */
        String modelName() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean scalar() {
            return this != STRUCTURE && this != LIST && this != MAP;
        }

        boolean numeric() {
            return this == INTEGER || this == LONG || this == FLOAT || this == DOUBLE;
        }
    }

    Shape {
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        required = Set.copyOf(required);
        enumValues = List.copyOf(enumValues);
    }

    /**
     * Whether a JSON value has the JSON type restJson1 uses for this shape: strings (and blobs, as
     * base64) are strings, integers and longs are integral numbers in range, floats and doubles are
     * numbers or the strings {@code NaN}, {@code Infinity} and {@code -Infinity}, timestamps are epoch
     * seconds (numbers), lists are arrays, structures and maps are objects.
     */
    boolean accepts(JsonNode node) {
        return switch (type) {
            case STRING, BLOB -> node.isTextual();
            case BOOLEAN -> node.isBoolean();
            case INTEGER -> node.isIntegralNumber() && node.canConvertToInt();
            case LONG -> node.isIntegralNumber() && node.canConvertToLong();
            case FLOAT, DOUBLE -> node.isNumber() || node.isTextual() && isNonFinite(node.textValue());
            case TIMESTAMP -> node.isNumber();
            case LIST -> node.isArray();
            case STRUCTURE, MAP -> node.isObject();
        };
    }

    static boolean isNonFinite(String text) {
        return "NaN".equals(text) || "Infinity".equals(text) || "-Infinity".equals(text);
    }

    /** The idempotency-token member of a structure, or {@code null}. */
    Member idempotencyTokenMember() {
        for (Member m : members.values()) {
            if (m.idempotencyToken()) {
                return m;
            }
        }
        return null;
    }
}
