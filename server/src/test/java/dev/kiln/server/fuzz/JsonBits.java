package dev.kiln.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/** Small tools the generators and mutators share: JSON nodes, bytes, seeded picks. */
public final class JsonBits {
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonBits() {
    }

    public static ObjectNode obj() {
        return NODES.objectNode();
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public static List<String> concat(List<String> list, String more) {
        List<String> out = new ArrayList<>(list);
        out.add(more);
        return out;
    }

    /** The text with control characters escaped, cut to {@code max} characters. */
    public static String abbreviate(String s, int max) {
        String clean = s.chars().mapToObj(c -> c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c))
                .collect(Collectors.joining());
        return clean.length() <= max ? clean : clean.substring(0, max) + "...(" + s.length() + " chars)";
    }

    public static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** All of the list when it has at most {@code max} elements, else {@code max} of them picked at random. */
    public static <T> List<T> sample(Random random, List<T> all, int max) {
        if (all.size() <= max) {
            return all;
        }
        List<T> copy = new ArrayList<>(all);
        Collections.shuffle(copy, random);
        return copy.subList(0, max);
    }

    /** Sets the value at a path of member names and list indexes, creating nothing. */
    public static void set(ObjectNode root, String[] path, JsonNode value) {
        JsonNode at = root;
        for (int i = 0; i < path.length - 1; i++) {
            at = at.isArray() ? at.get(Integer.parseInt(path[i])) : at.get(path[i]);
        }
        String last = path[path.length - 1];
        if (at.isArray()) {
            ((ArrayNode) at).set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) at).set(last, value);
        }
    }
}
