package dev.kiln.toe.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.toe.action.ActionResult;
import dev.kiln.toe.document.ComponentDocument;
import dev.kiln.toe.document.DocumentReader;
import dev.kiln.toe.target.Target;
import dev.kiln.toe.validate.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Runs component documents on a target, as {@code awstoe run} does: validates them all first, runs the
 * selected phases of each in order, writes the log folder and answers the run summary. A document
 * that asks for a reboot the target cannot survive stops the run with its state saved; running the
 * same request again with the same state directory resumes it at that step.
 */
public final class ToeRunner {
    private static final DateTimeFormatter FOLDER_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** A step that asks for a reboot more often than this is stuck in a loop. */
    private static final int MAX_REBOOTS_PER_STEP = 10;

    private final Target target;
    private final RunListener listener;
    private final Map<String, String> environment;

    public ToeRunner(Target target, RunListener listener, Map<String, String> environment) {
        this.target = target;
        this.listener = listener;
        this.environment = Map.copyOf(environment);
    }

    public RunSummary run(RunRequest request) throws RunException, IOException, InterruptedException {
        List<ComponentDocument> documents = validate(request.documents());
        RunState state = request.stateDirectory() == null ? null : RunState.load(request.stateDirectory());
        if (state != null) {
            checkResumable(state, request);
        } else {
            state = newState(request, documents);
        }
        Path logFolder = Path.of(state.logFolder);
        Files.createDirectories(logFolder);
        writeDocuments(logFolder, request.documents());
        try (RunLogs logs = new RunLogs(logFolder)) {
            Engine engine = new Engine(target, RunListener.all(logs, listener), environment);
            RunSummary summary = execute(state, documents, engine, request, logs);
            writeOutputs(logFolder, state, engine, summary);
            logs.finished(summary);
            return summary;
        }
    }

    private RunSummary execute(RunState state, List<ComponentDocument> documents, Engine engine, RunRequest request,
                               RunLogs logs) throws IOException, InterruptedException {
        Counters counters = new Counters();
        counters.executed = state.executed;
        counters.failed = state.failed;
        counters.ignored = state.ignored;
        String failure = "";
        boolean failed = false;
        RunState.Cursor cursor = state.cursor;
        int firstDocument = cursor == null ? 0 : cursor.document;
        for (int d = firstDocument; d < documents.size() && !failed; d++) {
            ComponentDocument doc = documents.get(d);
            RunState.SavedDocument saved = state.documents.get(d);
            DetailedOutput.DocumentRecord record = state.detailed.documents.get(d);
            DocumentRun run = new DocumentRun(engine, doc, saved.parameters, record, saved.chaining, 0, List.of(),
                    counters);
            int phase = 0;
            int step = 0;
            boolean skipFirst = false;
            if (cursor != null && cursor.document == d) {
                phase = cursor.phase;
                step = cursor.step;
                skipFirst = ActionResult.Reboot.THEN_NEXT_STEP.name().equals(cursor.reboot);
            }
            while (true) {
                DocumentRun.Outcome outcome = run.run(state.phases, phase, step, skipFirst);
                if (!outcome.rebootRequested()) {
                    if (DocumentRun.FAILED.equals(outcome.status())) {
                        failed = true;
                        failure = record.failureMessage;
                    }
                    break;
                }
                int reboots = cursor != null && cursor.document == d && cursor.phase == outcome.phase()
                        && cursor.step == outcome.step() ? cursor.reboots + 1 : 1;
                cursor = new RunState.Cursor();
                cursor.document = d;
                cursor.phase = outcome.phase();
                cursor.step = outcome.step();
                cursor.reboot = outcome.reboot().name();
                cursor.reboots = reboots;
                if (reboots > MAX_REBOOTS_PER_STEP) {
                    failed = true;
                    failure = "Document " + doc.file() + " failed! Step " + doc.phases().get(outcome.phase()).steps()
                            .get(outcome.step()).name() + " asked for a reboot " + reboots + " times in a row";
                    record.status = DocumentRun.FAILED;
                    record.failureMessage = failure;
                    counters.failed++;
                    break;
                }
                state.cursor = cursor;
                saveCounters(state, counters);
                if (request.stateDirectory() != null) {
                    state.save(request.stateDirectory());
                }
                listener.note("Rebooting " + target.description(), 0);
                if (target.reboot(Duration.ZERO) == Target.RebootOutcome.STOPPED) {
                    logs.debug("State saved to " + request.stateDirectory() + "; waiting for the run to be resumed");
                    return summary(state, counters, failure, true);
                }
                phase = cursor.phase;
                step = cursor.step;
                skipFirst = ActionResult.Reboot.THEN_NEXT_STEP.name().equals(cursor.reboot);
            }
            cursor = null;
        }
        state.cursor = null;
        saveCounters(state, counters);
        if (request.stateDirectory() != null) {
            RunState.clear(request.stateDirectory());
        }
        state.detailed.status = failed ? RunSummary.FAILED : RunSummary.SUCCESS;
        state.detailed.failureMessage = failure;
        state.detailed.endTime = Clock.now();
        return summary(state, counters, failure, false);
    }

    private static void saveCounters(RunState state, Counters counters) {
        state.executed = counters.executed;
        state.failed = counters.failed;
        state.ignored = counters.ignored;
    }

    private static RunSummary summary(RunState state, Counters c, String failure, boolean rebootPending) {
        return new RunSummary(state.executionId, failure.isEmpty() ? RunSummary.SUCCESS : RunSummary.FAILED,
                c.failed, c.executed, c.ignored, failure, state.logFolder, rebootPending);
    }

    private static List<ComponentDocument> validate(List<DocumentInput> inputs) throws RunException {
        List<ComponentDocument> docs = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (DocumentInput in : inputs) {
            DocumentReader.Result r = DocumentReader.read(in.path(), in.text());
            if (r.valid()) {
                docs.add(r.document());
            } else {
                r.errors().stream().map(Problem::toString).forEach(errors::add);
            }
        }
        if (!errors.isEmpty()) {
            throw new RunException("the documents are not valid:\n" + String.join("\n", errors));
        }
        if (docs.isEmpty()) {
            throw new RunException("no documents to run");
        }
        return docs;
    }

    private RunState newState(RunRequest request, List<ComponentDocument> documents) throws RunException {
        RunState state = new RunState();
        state.executionId = request.executionId() != null ? request.executionId() : UUID.randomUUID().toString();
        String folder = "TOE_" + LocalDateTime.now(ZoneOffset.UTC).format(FOLDER_TIME) + "_UTC-0_" + state.executionId;
        state.logFolder = request.logDirectory().resolve(folder).toAbsolutePath().normalize().toString();
        state.phases = request.phases();
        state.detailed.executionId = state.executionId;
        state.detailed.startTime = Clock.now();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            ComponentDocument doc = documents.get(i);
            DocumentInput in = request.documents().get(i);
            Map<String, String> config = new LinkedHashMap<>(request.configParameters());
            config.putAll(in.parameters());
            RunState.SavedDocument saved = new RunState.SavedDocument();
            saved.path = in.path();
            saved.text = in.text();
            try {
                saved.parameters = Parameters.resolve(doc, request.parameters(), config);
            } catch (RunException e) {
                problems.add(e.getMessage());
            }
            state.documents.add(saved);
            DetailedOutput.DocumentRecord record = new DetailedOutput.DocumentRecord();
            record.name = doc.name();
            record.filePath = in.path();
            record.description = doc.description();
            state.detailed.documents.add(record);
        }
        if (!problems.isEmpty()) {
            throw new RunException(String.join("\n", problems));
        }
        return state;
    }

    private static void checkResumable(RunState state, RunRequest request) throws RunException {
        List<String> saved = state.documents.stream().map(d -> d.path + "\n" + d.text).toList();
        List<String> asked = request.documents().stream().map(d -> d.path() + "\n" + d.text()).toList();
        if (!saved.equals(asked) || !Objects.equals(state.phases, request.phases())) {
            throw new RunException("the state directory " + request.stateDirectory() + " holds an unfinished run ("
                    + state.executionId + ") of other documents or phases; resume it with the same"
                    + " --documents and --phases, or remove " + request.stateDirectory().resolve(RunState.FILE));
        }
    }

    private static void writeDocuments(Path folder, List<DocumentInput> documents) throws IOException {
        for (int i = 0; i < documents.size(); i++) {
            String name = i == 0 ? "document.yaml" : "document-" + (i + 1) + ".yaml";
            Files.writeString(folder.resolve(name), documents.get(i).text(), StandardCharsets.UTF_8);
        }
    }

    private static void writeOutputs(Path folder, RunState state, Engine engine, RunSummary summary)
            throws IOException {
        JSON.writeValue(folder.resolve("detailedoutput.json").toFile(), state.detailed);
        JSON.writeValue(folder.resolve("chaining.json").toFile(), engine.chaining());
        JSON.writeValue(folder.resolve("summary.json").toFile(), summary);
    }
}
