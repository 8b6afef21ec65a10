package dev.kiln.core.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Small helpers for building answers. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** AWS's DateTime strings: {@code 2020-02-19T18:34:39.000Z}. */
    public static String date(Instant instant) {
        return DATE.format(instant);
    }

    /** Copies the named members that are present from one object to another. */
    public static void copy(JsonNode from, ObjectNode to, String... members) {
        for (String m : members) {
            JsonNode v = from.get(m);
            if (v != null && !v.isNull()) {
                to.set(m, v.deepCopy());
            }
        }
    }

    public static String text(JsonNode node, String member) {
        JsonNode v = node.get(member);
        return v == null || v.isNull() ? null : v.asText();
    }
}
