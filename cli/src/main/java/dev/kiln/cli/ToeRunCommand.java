package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.toe.run.DocumentInput;
import dev.kiln.toe.run.RunException;
import dev.kiln.toe.run.RunRequest;
import dev.kiln.toe.run.RunSummary;
import dev.kiln.toe.run.ToeRunner;
import dev.kiln.toe.target.LocalTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln toe run}: run component documents on this machine, like {@code awstoe run}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run component documents on this machine, like awstoe run.",
                "Prints the run summary JSON on stdout; progress and step output go to stderr.",
                "Exit status: 0 success, 1 the run failed, 2 bad input, 194 stopped for a reboot"
                        + " (run the same command again to resume)."})
final class ToeRunCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = {"-d", "--documents"}, paramLabel = "a.yaml,b.yaml", description = "Comma-separated documents.")
    String documents;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "An awstoe run-config JSON file.")
    Path config;

    @Option(names = {"-p", "--phases"}, paramLabel = "build,validate", description = "Phases to run (default: all).")
    String phases;

    @Option(names = "--parameters", paramLabel = "n1=v1,n2=v2", description = "Parameter values.")
    String parameters;

    @Option(names = {"-i", "--execution-id"}, paramLabel = "ID", description = "Execution id (default: a new UUID).")
    String executionId;

    @Option(names = {"-l", "--log-directory"}, paramLabel = "DIR",
            description = "Where the TOE_<date>_UTC-0_<id> log folder goes (default: the current folder).")
    Path logDirectory;

    @Option(names = {"-s", "--state-directory"}, paramLabel = "DIR",
            description = "Where a reboot saves the run to resume (default: <log-directory>/.toe-state).")
    Path stateDirectory;

    @Option(names = {"-t", "--trace"}, description = "Show the engine's notes and stack traces of internal errors.")
    boolean trace;

    @Option(names = {"-q", "--quiet"}, description = "Show no progress; print only the summary.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        Map<String, String> configParameters = new LinkedHashMap<>();
        List<DocumentInput> inputs = new ArrayList<>();
        String phaseList = phases;
        if (config != null) {
            JsonNode c = readConfig();
            if (documents != null && c.has("documents")) {
                throw new UserError("give the documents either with --documents or in " + config + ", not both");
            }
            for (JsonNode d : c.path("documents")) {
                String path = d.path("path").asText(null);
                if (path == null) {
                    throw new UserError(config + ": each entry of documents needs a path");
                }
                inputs.add(new DocumentInput(path, DocumentFiles.read(path), nameValues(d.path("parameters"))));
            }
            configParameters.putAll(nameValues(c.path("parameters")));
            if (phaseList == null && c.hasNonNull("phases")) {
                phaseList = c.get("phases").isArray() ? String.join(",", textList(c.get("phases")))
                        : c.get("phases").asText();
            }
            executionId = executionId != null ? executionId : text(c, "executionId", text(c, "executonId", null));
            logDirectory = logDirectory != null ? logDirectory : pathOrNull(text(c, "logDirectory", null));
            stateDirectory = stateDirectory != null ? stateDirectory : pathOrNull(text(c, "stateDirectory", null));
            trace |= c.path("trace").asBoolean(false);
        }
        if (documents != null) {
            for (String path : DocumentFiles.split(documents)) {
                inputs.add(new DocumentInput(path, DocumentFiles.read(path), Map.of()));
            }
        }
        if (inputs.isEmpty()) {
            throw new UserError("name the documents to run with --documents or --config");
        }
        Path logs = logDirectory != null ? logDirectory : Path.of(".");
        Path state = stateDirectory != null ? stateDirectory : logs.resolve(".toe-state");
        RunRequest request = new RunRequest(inputs, phaseList == null ? List.of() : DocumentFiles.split(phaseList),
                parseParameters(parameters), configParameters, executionId, logs, state);
        ToeRunner runner = new ToeRunner(new LocalTarget(state.resolve("work").toAbsolutePath()),
                quiet ? dev.kiln.toe.run.RunListener.NONE : new LiveDisplay(System.err, trace), System.getenv());
        RunSummary summary;
        try {
            summary = runner.run(request);
        } catch (RunException e) {
            throw new UserError(e.getMessage());
        }
        System.out.println(JSON.writeValueAsString(summary));
        if (summary.rebootPending()) {
            System.err.println("The document asked for a reboot. Kiln does not reboot the machine it runs on:"
                    + " reboot it if the step needs one, then run the same command again to resume"
                    + " (state in " + state.toAbsolutePath() + ").");
            return ExitCodes.REBOOT;
        }
        return summary.succeeded() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private JsonNode readConfig() {
        try {
            return new ObjectMapper().readTree(Files.readString(config));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(config + ": no such file");
        } catch (IOException e) {
            throw new UserError(config + ": not a valid run-config JSON file: " + e.getMessage().lines().findFirst()
                    .orElse(""));
        }
    }

    private static String text(JsonNode n, String field, String fallback) {
        return n.hasNonNull(field) ? n.get(field).asText() : fallback;
    }

    private static Path pathOrNull(String s) {
        return s == null ? null : Path.of(s);
    }

    private static List<String> textList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private Map<String, String> nameValues(JsonNode list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode p : list) {
            if (!p.hasNonNull("name") || !p.has("value")) {
                throw new UserError(config + ": each parameter needs a name and a value");
            }
            JsonNode v = p.get("value");
            out.put(p.get("name").asText(), v.isArray() ? String.join(",", textList(v)) : v.asText());
        }
        return out;
    }

    static Map<String, String> parseParameters(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new UserError("--parameters takes name=value pairs separated by commas; '" + pair
                        + "' has no " + (eq <= 0 ? "name" : "value"));
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        return out;
    }
}
