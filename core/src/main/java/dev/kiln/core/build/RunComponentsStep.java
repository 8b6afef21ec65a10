package dev.kiln.core.build;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.common.process.Tail;
import dev.kiln.common.s3.S3Config;
import dev.kiln.toe.run.DocumentInput;
import dev.kiln.toe.run.RunException;
import dev.kiln.toe.run.RunListener;
import dev.kiln.toe.run.RunRequest;
import dev.kiln.toe.run.RunSummary;
import dev.kiln.toe.run.ToeRunner;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs phases of the plan's components, in recipe order, on an instance or in a container with Kiln's
 * component engine: the engine runs on the Kiln host and acts on the instance through its target. Every step's output
 * goes to the build log; a failure becomes a reason that names the component, phase, step and its
 * last output lines. The engine's S3 actions (S3Download, S3Upload) reach Kiln's S3-compatible endpoint,
 * when it has one, as they would reach S3 through an instance profile.
 */
final class RunComponentsStep {
    private static final int TAIL_LINES = 15;

    /** The engine's environment: where its S3 actions go and how they sign. */
    private final Map<String, String> engineEnvironment;

    /** @param s3 Kiln's S3-compatible endpoint, or null when it has none */
    RunComponentsStep(S3Config s3) {
        this.engineEnvironment = s3 == null ? Map.of() : Map.copyOf(s3.environment());
    }

    /**
     * @param phases e.g. build and validate, or test
     * @param logFolder where the engine writes its logs (document copies, detailed output)
     */
    void run(BuildPlan plan, Target instance, List<String> phases, Path logFolder, BuildLog log)
            throws IOException, InterruptedException {
        if (plan.components().isEmpty()) {
            log.info("no components to run for " + String.join(", ", phases));
            return;
        }
        Target target = plan.recipe().workingDirectory() == null ? instance
                : new WorkingDirectoryTarget(instance, plan.recipe().workingDirectory());
        List<DocumentInput> documents = plan.components().stream()
                .map(c -> new DocumentInput(c.name(), c.document(), c.parameters()))
                .toList();
        Failures failures = new Failures(log);
        ToeRunner runner = new ToeRunner(target, failures, engineEnvironment);
        RunSummary summary;
        try {
            summary = runner.run(new RunRequest(documents, phases, Map.of(), Map.of(), null, logFolder,
                    logFolder.resolve("state-" + String.join("-", phases))));
        } catch (RunException e) {
            throw new BuildFailure("the components could not run: " + e.getMessage(), e);
        }
        if (!summary.succeeded()) {
            throw new BuildFailure(failures.reason(summary));
        }
        log.info(String.join(" and ", phases) + " finished: " + summary.executedStepCount() + " step(s) ran"
                + (summary.ignoredFailedStepCount() > 0 ? ", " + summary.ignoredFailedStepCount()
                + " failure(s) ignored" : ""));
    }

    /** Writes the run to the build log and remembers the first failed step and the output before it. */
    private static final class Failures implements RunListener {
        private final BuildLog log;
        private final Tail tail = new Tail(TAIL_LINES);
        private String document = "";
        private String failedStep;
        private String failure;
        private List<String> failedTail = List.of();

        Failures(BuildLog log) {
            this.log = log;
        }

        @Override
        public void documentStarted(String name, int depth) {
            if (depth == 0) {
                document = name;
            }
            log.line("component/" + document, "started" + (depth > 0 ? " (nested document " + name + ")" : ""));
        }

        @Override
        public void stepStarted(String phase, String step, String action, int attempt, int depth) {
            log.line("component/" + document, phase + "/" + step + " (" + action + ")"
                    + (attempt > 1 ? " attempt " + attempt : ""));
        }

        @Override
        public void stepOutput(String line, boolean error, int depth) {
            log.line("component/" + document, (error ? "stderr: " : "") + line);
            tail.add(line);
        }

        @Override
        public void note(String message, int depth) {
            log.line("component/" + document, message);
        }

        @Override
        public void stepFinished(String phase, String step, String status, Duration took, String failure, int depth) {
            log.line("component/" + document, phase + "/" + step + " " + status + " in " + took.toMillis() + " ms"
                    + (failure == null || failure.isEmpty() ? "" : ": " + failure));
            if (failedStep == null && "Failed".equalsIgnoreCase(status)) {
                failedStep = "component " + document + ", phase " + phase + ", step " + step;
                this.failure = failure;
                failedTail = tail.lines();
            }
        }

        String reason(RunSummary summary) {
            StringBuilder reason = new StringBuilder();
            if (failedStep != null) {
                reason.append(failedStep).append(" failed");
                if (failure != null && !failure.isBlank()) {
                    reason.append(": ").append(failure);
                }
            } else {
                reason.append("the components failed: ").append(summary.failureMessage());
            }
            if (!failedTail.isEmpty()) {
                reason.append("\nLast output:\n").append(String.join("\n", failedTail));
            }
            return reason.toString();
        }
    }
}
