package dev.kiln.server.fuzz;

import static dev.kiln.server.fuzz.JsonBits.NODES;
import static dev.kiln.server.fuzz.JsonBits.bytes;
import static dev.kiln.server.fuzz.JsonBits.concat;
import static dev.kiln.server.fuzz.JsonBits.obj;
import static dev.kiln.server.fuzz.JsonBits.pick;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.Operation;
import dev.kiln.server.fuzz.ValidInputs.Base;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The seeded random mutator: one to three changes at a time to a valid request: members dropped,
 * replaced by random values (at any depth) or added, query parameters replaced, dropped or repeated,
 * the URI label extended, and the body's bytes truncated, changed, inserted or removed.
 */
public final class RandomMutations {
    static final String PUNCTUATION = "-_./:{}\"'\\ %$x";

    private RandomMutations() {
    }

    public static List<RawRequest> mutations(Operation op, Base base, Random random, int count) {
        List<RawRequest> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode body = base.body().deepCopy();
            Map<String, List<String>> query = new LinkedHashMap<>(base.query());
            String label = base.label();
            List<String> applied = new ArrayList<>();
            byte[] bytes = null;
            int changes = 1 + random.nextInt(3);
            for (int k = 0; k < changes; k++) {
                int kind = random.nextInt(10);
                switch (kind) {
                    case 0 -> applied.add("drop " + dropRandom(body, random));
                    case 1, 2 -> applied.add("replace " + replaceRandom(body, random));
                    case 3 -> {
                        String name = "unknown" + random.nextInt(100);
                        body.set(name, randomValue(random, 0));
                        applied.add("add " + name);
                    }
                    case 4 -> {
                        if (!query.isEmpty()) {
                            String name = pick(random, new ArrayList<>(query.keySet()));
                            query.put(name, List.of(randomString(random)));
                            applied.add("query " + name + " replaced");
                        } else if (label != null) {
                            label = label + randomString(random).replace("\u0000", "").replace("%", "")
                                    .replace("..", "");
                            applied.add("label extended");
                        }
                    }
                    case 5 -> {
                        if (!query.isEmpty()) {
                            String name = pick(random, new ArrayList<>(query.keySet()));
                            if (random.nextBoolean()) {
                                query.remove(name);
                                applied.add("query " + name + " dropped");
                            } else {
                                query.put(name, List.of(query.get(name).get(0), randomString(random)));
                                applied.add("query " + name + " repeated");
                            }
                        }
                    }
                    default -> {
                        byte[] b = bytes != null ? bytes : bytes(body.toString());
                        bytes = mutateBytes(b, random);
                        applied.add("bytes mutated");
                    }
                }
            }
            out.add(new RawRequest(op, "mutation", "#" + i + " " + applied, query, label,
                    bytes != null ? bytes : bytes(body.toString())));
        }
        return out;
    }

    static String dropRandom(ObjectNode body, Random random) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            return "nothing";
        }
        String name = pick(random, names);
        body.remove(name);
        return name;
    }

    static String replaceRandom(ObjectNode body, Random random) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            body.set("x", randomValue(random, 0));
            return "x";
        }
        String name = pick(random, names);
        JsonNode target = body.get(name);
        if (target.isObject() && target.size() > 0 && random.nextBoolean()) {
            return name + "." + replaceRandom((ObjectNode) target, random);
        }
        if (target.isArray() && target.size() > 0 && target.get(0).isObject() && random.nextBoolean()) {
            return name + "[0]." + replaceRandom((ObjectNode) target.get(0), random);
        }
        body.set(name, randomValue(random, 0));
        return name;
    }

    static JsonNode randomValue(Random random, int depth) {
        return switch (random.nextInt(depth > 2 ? 7 : 9)) {
            case 0 -> NODES.textNode(randomString(random));
            case 1 -> NODES.numberNode(random.nextLong());
            case 2 -> NODES.numberNode(random.nextInt(100) - 50);
            case 3 -> NODES.numberNode(random.nextDouble() * 1e6);
            case 4 -> NODES.booleanNode(random.nextBoolean());
            case 5 -> NODES.nullNode();
            case 6 -> NODES.textNode(pick(random, Mutators.STRINGS));
            case 7 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomValue(random, depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = obj();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set(randomString(random), randomValue(random, depth + 1));
                }
                yield o;
            }
        };
    }

    static String randomString(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(24); i > 0; i--) {
            int kind = random.nextInt(6);
            s.appendCodePoint(switch (kind) {
                case 0 -> 'a' + random.nextInt(26);
                case 1 -> '0' + random.nextInt(10);
                case 2 -> PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length()));
                case 3 -> random.nextInt(0x20);
                case 4 -> 0x80 + random.nextInt(0x800);
                default -> 0x1F300 + random.nextInt(0x300);
            });
        }
        return s.toString();
    }

    static byte[] mutateBytes(byte[] in, Random random) {
        if (in.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        byte[] special = {'{', '}', '[', ']', '"', '\\', ',', ':', 0, (byte) 0xff, (byte) 0xc3, '\n'};
        int at = random.nextInt(in.length);
        return switch (random.nextInt(4)) {
            case 0 -> Arrays.copyOf(in, at); // truncated
            case 1 -> {
                byte[] out = in.clone();
                out[at] = special[random.nextInt(special.length)];
                yield out;
            }
            case 2 -> concat(Arrays.copyOf(in, at), concat(new byte[] {special[random.nextInt(special.length)]},
                    Arrays.copyOfRange(in, at, in.length)));
            default -> concat(Arrays.copyOf(in, at), Arrays.copyOfRange(in, Math.min(in.length, at + 1 + random.nextInt(8)),
                    in.length)); // bytes removed
        };
    }
}
