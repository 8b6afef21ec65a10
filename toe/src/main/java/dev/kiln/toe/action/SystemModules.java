package dev.kiln.toe.action;

import static dev.kiln.toe.action.InputField.optional;

import dev.kiln.toe.target.Platform;
import java.util.List;
import java.util.Set;

/** Operating-system updates: UpdateOS. */
final class SystemModules {
    private SystemModules() {
    }

    static List<ModuleSpec> specs() {
        return List.of(new ModuleSpec("UpdateOS", Set.of(Platform.LINUX, Platform.WINDOWS), InputShape.OPTIONAL_MAP,
                List.of(optional("include", InputType.STRING_LIST), optional("exclude", InputType.STRING_LIST)),
                List.of(), new UpdateOS()));
    }
}
