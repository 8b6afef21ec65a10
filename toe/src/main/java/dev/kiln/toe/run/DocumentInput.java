package dev.kiln.toe.run;

import java.util.Map;

/**
 * A document to run: where it came from, its text, and the parameters given for it alone (from the
 * run-config file's {@code documents[].parameters}).
 */
public record DocumentInput(String path, String text, Map<String, String> parameters) {
    public DocumentInput {
        parameters = Map.copyOf(parameters);
    }
}
