package dev.kiln.toe.document;

import dev.kiln.toe.yaml.Mark;
import dev.kiln.toe.yaml.YNode;

/**
 * One step of a phase. {@code condition}, {@code loop} and {@code inputs} keep their YAML form, with
 * positions, because their {{ }} references are resolved only when the step runs.
 *
 * @param timeoutSeconds -1 for no limit
 * @param condition the {@code if} expression, or null
 * @param loop the loop, or null
 * @param inputs the inputs as written, or null when the step has none
 */
public record Step(String name, String action, long timeoutSeconds, OnFailure onFailure, int maxAttempts,
                   YNode condition, Loop loop, YNode inputs, Mark mark) {

    public static final long DEFAULT_TIMEOUT_SECONDS = 7200;
}
