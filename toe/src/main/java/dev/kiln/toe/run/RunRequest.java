package dev.kiln.toe.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to run. Parameters apply in this order of precedence: {@code parameters} (the command line),
 * then {@code configParameters} (the run-config file, the document's own entry first), then the
 * document's defaults.
 *
 * @param phases the phases to run, in any order (they run in document order); empty for all
 * @param executionId null for a new random one
 * @param stateDirectory where a reboot saves the run so a later run resumes it
 */
public record RunRequest(List<DocumentInput> documents, List<String> phases, Map<String, String> parameters,
                         Map<String, String> configParameters, String executionId, Path logDirectory,
                         Path stateDirectory) {
    public RunRequest {
        documents = List.copyOf(documents);
        phases = List.copyOf(phases);
        parameters = Map.copyOf(parameters);
        configParameters = Map.copyOf(configParameters);
    }
}
