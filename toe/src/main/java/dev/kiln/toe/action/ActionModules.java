package dev.kiln.toe.action;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Every action module AWSTOE documents, by name. */
public final class ActionModules {

    private static final Map<String, ModuleSpec> MODULES = load();

    private ActionModules() {
    }

    private static Map<String, ModuleSpec> load() {
        Map<String, ModuleSpec> m = new LinkedHashMap<>();
        for (List<ModuleSpec> group : List.of(CoreModules.specs(), FileModules.specs(), NetworkModules.specs(),
                SystemModules.specs())) {
            for (ModuleSpec spec : group) {
                m.put(spec.name(), spec);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    public static Optional<ModuleSpec> get(String name) {
        return Optional.ofNullable(MODULES.get(name));
    }

    public static Set<String> names() {
        return new TreeSet<>(MODULES.keySet());
    }
}
