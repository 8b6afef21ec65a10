package dev.kiln.core.arn;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Function;

/**
 * A version with {@code x} wildcards, {@code 1.x.x}: each {@code x} selects the newest version of that
 * node. Once a node is {@code x}, every node to its right must be too ({@code x.2.x} is not valid).
 * Null nodes are wildcards.
 */
public record VersionPattern(Integer major, Integer minor, Integer patch) {

    public static Optional<VersionPattern> parse(String text) {
        String[] parts = text == null ? new String[0] : text.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        Integer[] nodes = new Integer[3];
        boolean wild = false;
        for (int i = 0; i < 3; i++) {
            if (parts[i].equals("x")) {
                wild = true;
            } else if (wild || !parts[i].matches("[0-9]{1,10}") || Long.parseLong(parts[i]) > SemanticVersion.MAX_NODE) {
                return Optional.empty();
            } else {
                nodes[i] = Integer.parseInt(parts[i]);
            }
        }
        return Optional.of(new VersionPattern(nodes[0], nodes[1], nodes[2]));
    }

    public boolean isExact() {
        return patch != null;
    }

    public boolean matches(SemanticVersion v) {
        return (major == null || major == v.major()) && (minor == null || minor == v.minor())
                && (patch == null || patch == v.patch());
    }

    /** The newest of the candidates that match. */
    public <T> Optional<T> newest(Collection<T> candidates, Function<T, SemanticVersion> version) {
        return candidates.stream().filter(c -> matches(version.apply(c))).max(Comparator.comparing(version));
    }

    @Override
    public String toString() {
        return node(major) + "." + node(minor) + "." + node(patch);
    }

    private static String node(Integer n) {
        return n == null ? "x" : n.toString();
    }
}
