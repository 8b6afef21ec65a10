package dev.kiln.core.build;

import java.util.Map;

/** One component of a recipe, resolved to the version a build runs, with the recipe's parameters for it. */
public record ComponentRun(String name, String arn, String document, Map<String, String> parameters) {
    public ComponentRun {
        parameters = Map.copyOf(parameters);
    }
}
