package dev.kiln.core.api;

import java.util.Map;
import java.util.Objects;

/**
 * The operation an HTTP request is for, with the values of its URI labels (percent-decoded), keyed
 * by label name (e.g. {@code resourceArn} for the tag operations).
 */
public record Route(Operation operation, Map<String, String> labels) {
    public Route {
        Objects.requireNonNull(operation, "operation");
        labels = Map.copyOf(labels);
    }
}
