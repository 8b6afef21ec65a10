package dev.kiln.toe.document;

import java.util.List;
import java.util.Optional;

/**
 * A component document that passed validation: what its author wrote, with defaults applied.
 * {@code file} is the path it was read from (for messages and for ExecuteDocument's relative paths)
 * and {@code text} the document as written.
 */
public record ComponentDocument(String file, String text, String name, String description,
                                List<ParameterDefinition> parameters, List<ConstantDefinition> constants,
                                List<Phase> phases) {
    public ComponentDocument {
        parameters = List.copyOf(parameters);
        constants = List.copyOf(constants);
        phases = List.copyOf(phases);
    }

    public Optional<Phase> phase(String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public int stepCount() {
        return phases.stream().mapToInt(p -> p.steps().size()).sum();
    }
}
