package dev.kiln.toe.action;

import dev.kiln.toe.target.Platform;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An action module: its name, the platforms it runs on, its inputs and outputs (which validation
 * checks) and what it does (absent for modules that only run on Windows).
 */
public record ModuleSpec(String name, Set<Platform> platforms, InputShape shape, List<InputField> fields,
                         List<String> outputs, Action action) {
    public ModuleSpec {
        platforms = Set.copyOf(platforms);
        fields = List.copyOf(fields);
        outputs = List.copyOf(outputs);
    }

    public Optional<InputField> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public boolean runsOn(Platform platform) {
        return platforms.contains(platform) && action != null;
    }
}
