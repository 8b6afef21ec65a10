package dev.kiln.core.recipe;

import dev.kiln.core.arn.SemanticVersion;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recipe's {@code semanticVersion} as the caller gives it: a plain version ({@code 1.2.3}) names
 * itself; a version with {@code x} nodes asks for the next free version (auto-versioning, Image
 * Builder's November 2025 release).
 *
 * <p>The rule, taken from AWS's statements ("include an x in your recipe version which will
 * automatically increment the version number"; "x's ... indicating to increment off the latest matching
 * version"; "with a wildcard version such as 1.0.x, Image Builder automatically increments the version:
 * 1.0.1, 1.0.2, 1.0.3") and made definite where AWS says nothing:
 * <ul>
 *   <li>The existing versions that match are those equal to the request on every numeric node
 *       ({@code 1.x.0} matches 1.0.0 and 1.4.0, not 1.4.2).</li>
 *   <li>The first {@code x} becomes one more than the largest value that node has among them, or 0
 *       when none match; any later {@code x} becomes 0; numeric nodes stay. So with 1.0.0 and 1.0.3,
 *       {@code 1.0.x} gives 1.0.4; with 1.2.5, {@code 1.x.x} gives 1.3.0; with nothing,
 *       {@code 1.0.x} gives 1.0.0, {@code 1.x.x} 1.0.0 and {@code x.x.x} 0.0.0.</li>
 *   <li>Unlike wildcards that select versions, an {@code x} may stand before a number ({@code 1.x.0},
 *       which AWS's own examples use). The chosen version is always free: every existing version that
 *       agrees with it on the numeric nodes was among those that matched.</li>
 * </ul>
 */
final class RecipeVersions {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,10}|x)\\.([0-9]{1,10}|x)\\.([0-9]{1,10}|x)");

    private RecipeVersions() {
    }

    /**
     * A request: its text, and its nodes (null for {@code x}). A plain version keeps its text as given
     * ({@code 2019.12.03} stays so in the ARN, as AWS's examples show).
     */
    record Request(String text, Integer[] nodes) {
        boolean isAuto() {
            for (Integer n : nodes) {
                if (n == null) {
                    return true;
                }
            }
            return false;
        }

        boolean matches(SemanticVersion v) {
            int[] have = {v.major(), v.minor(), v.patch()};
            for (int i = 0; i < 3; i++) {
                if (nodes[i] != null && nodes[i] != have[i]) {
                    return false;
                }
            }
            return true;
        }

        /** The version to create, given the versions that exist under the recipe's name. */
        String choose(Collection<SemanticVersion> existing) {
            return isAuto() ? next(existing).toString() : text;
        }

        /** The next free version for an automatic version (for a plain one, that version). */
        SemanticVersion next(Collection<SemanticVersion> existing) {
            int[] chosen = new int[3];
            int first = -1;
            for (int i = 0; i < 3; i++) {
                if (nodes[i] == null) {
                    if (first < 0) {
                        first = i;
                    }
                } else {
                    chosen[i] = nodes[i];
                }
            }
            if (first < 0) {
                return new SemanticVersion(chosen[0], chosen[1], chosen[2]);
            }
            int at = first;
            long highest = existing.stream().filter(this::matches)
                    .mapToLong(v -> new int[] {v.major(), v.minor(), v.patch()}[at]).max().orElse(-1);
            if (highest + 1 > SemanticVersion.MAX_NODE) {
                throw new ApiException(ErrorType.InvalidVersionNumberException, "semanticVersion '" + this
                        + "': no version is left to take; node " + (at + 1) + " is already at "
                        + SemanticVersion.MAX_NODE);
            }
            chosen[at] = (int) (highest + 1);
            return new SemanticVersion(chosen[0], chosen[1], chosen[2]);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Parses a recipe's semanticVersion, or answers InvalidVersionNumberException. */
    static Request parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw invalid(text);
        }
        Integer[] nodes = new Integer[3];
        for (int i = 0; i < 3; i++) {
            String node = m.group(i + 1);
            if (!node.equals("x")) {
                long value = Long.parseLong(node);
                if (value > SemanticVersion.MAX_NODE) {
                    throw invalid(text);
                }
                nodes[i] = (int) value;
            }
        }
        return new Request(text, nodes);
    }

    private static ApiException invalid(String text) {
        return new ApiException(ErrorType.InvalidVersionNumberException, "semanticVersion '" + text
                + "' must be major.minor.patch, each node 0 to " + SemanticVersion.MAX_NODE
                + " or x for the next free version (1.0.x)");
    }
}
