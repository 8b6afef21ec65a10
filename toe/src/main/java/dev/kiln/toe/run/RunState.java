package dev.kiln.toe.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a run stands, saved to the state directory when a document asks for a reboot, so that the
 * next run with the same state directory resumes at the same step.
 */
final class RunState {
    static final String FILE = "execution-state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public String executionId;
    public String logFolder;
    public List<String> phases = new ArrayList<>();
    public List<SavedDocument> documents = new ArrayList<>();
    public DetailedOutput detailed = new DetailedOutput();
    public int executed;
    public int failed;
    public int ignored;
    /** Where to resume: document, phase and step indexes, and what the reboot asked for. */
    public Cursor cursor;

    static final class SavedDocument {
        public String path;
        public String text;
        public Map<String, String> parameters = new LinkedHashMap<>();
        public Chaining chaining = new Chaining();
    }

    static final class Cursor {
        public int document;
        public int phase;
        public int step;
        /** THEN_RERUN_STEP or THEN_NEXT_STEP. */
        public String reboot;
        public int reboots;
    }

    void save(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path tmp = directory.resolve(FILE + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, directory.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static RunState load(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        return JSON.readValue(file.toFile(), RunState.class);
    }

    static void clear(Path directory) throws IOException {
        Files.deleteIfExists(directory.resolve(FILE));
    }
}
