package dev.kiln.toe.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * detailedoutput.json in awstoe's shape, built as the run goes. It is progress state, saved with the
 * run on a reboot, so its parts are plain mutable classes that Jackson reads and writes.
 */
@JsonPropertyOrder({"executionId", "status", "startTime", "endTime", "failureMessage", "documents"})
final class DetailedOutput {
    public String executionId;
    public String status;
    public String startTime;
    public String endTime;
    public String failureMessage = "";
    public List<DocumentRecord> documents = new ArrayList<>();

    @JsonPropertyOrder({"name", "filePath", "status", "description", "startTime", "endTime", "failureMessage",
            "phases"})
    static final class DocumentRecord {
        public String name;
        public String filePath;
        public String status;
        public String description;
        public String startTime;
        public String endTime;
        public String failureMessage = "";
        public List<PhaseRecord> phases = new ArrayList<>();
    }

    @JsonPropertyOrder({"name", "status", "startTime", "endTime", "failureMessage", "steps"})
    static final class PhaseRecord {
        public String name;
        public String status;
        public String startTime;
        public String endTime;
        public String failureMessage = "";
        public List<StepRecord> steps = new ArrayList<>();
    }

    @JsonPropertyOrder({"name", "status", "failureMessage", "timeoutSeconds", "onFailure", "maxAttempts", "action",
            "startTime", "endTime", "inputs", "outputs", "loop", "detailedOutput"})
    static final class StepRecord {
        public String name;
        public String status;
        public String failureMessage = "";
        public long timeoutSeconds;
        public String onFailure;
        public int maxAttempts;
        public String action;
        public String startTime;
        public String endTime;
        /** JSON text of the resolved inputs, as awstoe writes it. */
        public String inputs;
        /** JSON text of the outputs list, e.g. [{"stdout":"Hello"}]. */
        public String outputs;
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public Map<String, Object> loop;
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public Object detailedOutput;
        /** The if decision, kept so a step re-run after a reboot does not evaluate it again. */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public String condition;
    }
}
