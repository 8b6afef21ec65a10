package dev.kiln.core.arn;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A version's first three nodes, {@code major.minor.patch}, each 0 to 2^30-1; ordered numerically. */
public record SemanticVersion(int major, int minor, int patch) implements Comparable<SemanticVersion> {

    public static final int MAX_NODE = (1 << 30) - 1;
    private static final Pattern FORM = Pattern.compile("([0-9]{1,10})\\.([0-9]{1,10})\\.([0-9]{1,10})");

    public SemanticVersion {
        if (major < 0 || minor < 0 || patch < 0 || major > MAX_NODE || minor > MAX_NODE || patch > MAX_NODE) {
            throw new IllegalArgumentException("version nodes are 0 to " + MAX_NODE);
        }
    }

    /** Parses "1.2.3"; empty when the text is not a version or a node is out of range. */
    public static Optional<SemanticVersion> parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long a = Long.parseLong(m.group(1));
        long b = Long.parseLong(m.group(2));
        long c = Long.parseLong(m.group(3));
        if (a > MAX_NODE || b > MAX_NODE || c > MAX_NODE) {
            return Optional.empty();
        }
        return Optional.of(new SemanticVersion((int) a, (int) b, (int) c));
    }

    @Override
    public int compareTo(SemanticVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
