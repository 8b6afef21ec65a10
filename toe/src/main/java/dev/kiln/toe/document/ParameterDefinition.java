package dev.kiln.toe.document;

import java.util.List;

/** A document parameter; {@code defaultValue} is null when the caller must supply one. */
public record ParameterDefinition(String name, String type, String defaultValue, String description,
                                  List<String> allowedValues) {
    public ParameterDefinition {
        allowedValues = List.copyOf(allowedValues);
    }
}
