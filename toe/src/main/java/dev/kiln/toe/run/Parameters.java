package dev.kiln.toe.run;

import dev.kiln.toe.document.ComponentDocument;
import dev.kiln.toe.document.ConstantDefinition;
import dev.kiln.toe.document.ParameterDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The values of a document's parameters and constants for one run. */
final class Parameters {
    private Parameters() {
    }

    /**
     * Command line over config file over the document's default. Names the document does not define
     * are ignored, as awstoe does.
     *
     * @throws RunException naming every parameter without a value or with a value not allowed
     */
    static Map<String, String> resolve(ComponentDocument doc, Map<String, String> given,
                                       Map<String, String> fromConfig) throws RunException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (ParameterDefinition p : doc.parameters()) {
            String v = given.containsKey(p.name()) ? given.get(p.name())
                    : fromConfig.containsKey(p.name()) ? fromConfig.get(p.name()) : p.defaultValue();
            if (v == null) {
                problems.add("parameter '" + p.name() + "' has no default; give it with --parameters "
                        + p.name() + "=VALUE");
                continue;
            }
            if (!p.allowedValues().isEmpty() && !p.allowedValues().contains(v)) {
                problems.add("parameter '" + p.name() + "' is '" + v + "', which is not one of "
                        + p.allowedValues());
            }
            values.put(p.name(), v);
        }
        for (ConstantDefinition c : doc.constants()) {
            values.put(c.name(), c.value());
        }
        if (!problems.isEmpty()) {
            throw new RunException(doc.file() + ": " + String.join("; ", problems));
        }
        return values;
    }
}
