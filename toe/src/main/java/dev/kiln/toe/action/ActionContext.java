package dev.kiln.toe.action;

import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a running action module can see and use. */
public interface ActionContext {

    Target target();

    /** The step's inputs when they are one mapping (an empty mapping when the step has none). */
    Inputs inputs() throws StepFailedException;

    /** The step's inputs when they are a list of mappings, one operation each. */
    List<Inputs> inputList() throws StepFailedException;

    /** The step's inputs as resolved plain values (maps, lists, strings). */
    Object rawInputs();

    /** Where the step's output goes: the console, console.log and the live display. */
    OutputListener output();

    /** A note from the engine about what the step is doing, for the logs (not the step's stdout). */
    void log(String message);

    /** Time left before the step's timeout, or null when it has none. */
    Duration remaining();

    /** The engine's own environment (S3 endpoint and credentials, proxies). */
    Map<String, String> environment();

    /** Runs another component document, for ExecuteDocument. */
    NestedRun nested();

    /** Runs a nested document and answers its summary. */
    interface NestedRun {
        /**
         * @param document a path on the target, relative paths meaning next to the calling document
         * @return the nested run's summary, as the JSON object ExecuteDocument outputs
         */
        NestedResult run(String document, List<String> phases, Map<String, String> parameters)
                throws StepFailedException, InterruptedException;
    }

    /**
     * A nested run's outcome: whether it succeeded, its summary (the JSON ExecuteDocument outputs), its
     * detailed output, and whether it stopped because one of its steps asked for a reboot.
     */
    record NestedResult(boolean succeeded, boolean rebootRequested, Map<String, Object> summary,
                        Object detailedOutput, String failureMessage) {
    }
}
