package dev.kiln.toe.run;

import dev.kiln.common.wait.Deadline;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.toe.action.ActionContext;
import dev.kiln.toe.action.ActionModules;
import dev.kiln.toe.action.ActionResult;
import dev.kiln.toe.action.ModuleSpec;
import dev.kiln.toe.action.StepFailedException;
import dev.kiln.toe.document.ComponentDocument;
import dev.kiln.toe.document.Loop;
import dev.kiln.toe.document.OnFailure;
import dev.kiln.toe.document.Phase;
import dev.kiln.toe.document.Step;
import dev.kiln.toe.expr.Conditions;
import dev.kiln.toe.expr.StepCondition;
import dev.kiln.toe.expr.Templates;
import dev.kiln.toe.expr.Templates.UnresolvedReferenceException;
import dev.kiln.toe.validate.Problems;
import dev.kiln.toe.yaml.YNode;
import dev.kiln.toe.yaml.YNode.YScalar;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Runs the selected phases of one document, step by step, with AWSTOE's semantics: {@code if}
 * evaluated once, loops, retries, timeouts, onFailure, and reboots that stop the run at a step so it
 * can resume there.
 */
final class DocumentRun {

    static final String SUCCESS = "success";
    static final String FAILED = "failed";
    static final String SKIPPED = "skipped";
    static final String IGNORED_FAILURE = "IgnoredFailure";
    static final String SUCCESS_WITH_IGNORED = "SuccessWithIgnoredFailure";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a document run ended; for REBOOT, where it stopped. */
    record Outcome(String status, int phase, int step, ActionResult.Reboot reboot) {
        boolean rebootRequested() {
            return reboot != null && reboot != ActionResult.Reboot.NONE;
        }
    }

    /** How one step ended. */
    private enum StepEnd { SUCCEEDED, SKIPPED, FAILED, ABORTED, IGNORED, REBOOT_RERUN, REBOOT_NEXT }

    private final Engine engine;
    private final ComponentDocument document;
    private final Map<String, String> variables;
    private final DetailedOutput.DocumentRecord record;
    private final Chaining chaining;
    private final int depth;
    private final List<String> ancestry;
    private final Counters counters;

    /**
     * @param ancestry the documents that led to this one through ExecuteDocument, outermost first
     */
    DocumentRun(Engine engine, ComponentDocument document, Map<String, String> variables,
                DetailedOutput.DocumentRecord record, Chaining chaining, int depth, List<String> ancestry,
                Counters counters) {
        this.engine = engine;
        this.document = document;
        this.variables = variables;
        this.record = record;
        this.chaining = chaining;
        this.depth = depth;
        this.ancestry = List.copyOf(ancestry);
        this.counters = counters;
    }

    /**
     * Runs from the given phase and step (0, 0 for a fresh run). After a reboot that asked to go on,
     * {@code skipFirst} marks the step at the cursor as done.
     */
    Outcome run(List<String> phases, int fromPhase, int fromStep, boolean skipFirst) throws InterruptedException {
        if (record.startTime == null) {
            record.startTime = Clock.now();
            engine.listener().documentStarted(document.file(), depth);
        }
        boolean ignoredSome = false;
        List<Phase> all = document.phases();
        for (int pi = fromPhase; pi < all.size(); pi++) {
            Phase phase = all.get(pi);
            if (!phases.isEmpty() && !phases.contains(phase.name())) {
                continue;
            }
            DetailedOutput.PhaseRecord pr = phaseRecord(phase);
            if (pr.startTime == null) {
                pr.startTime = Clock.now();
                engine.listener().phaseStarted(phase.name(), depth);
            }
            int first = pi == fromPhase ? fromStep : 0;
            boolean phaseFailed = FAILED.equals(pr.status);
            for (int si = first; si < phase.steps().size(); si++) {
                Step step = phase.steps().get(si);
                if (pi == fromPhase && si == fromStep && skipFirst) {
                    finishRebootStep(pr, step);
                    continue;
                }
                StepEnd end = runStep(phase, step, pr);
                switch (end) {
                    case REBOOT_RERUN, REBOOT_NEXT -> {
                        return new Outcome(null, pi, si, end == StepEnd.REBOOT_RERUN
                                ? ActionResult.Reboot.THEN_RERUN_STEP : ActionResult.Reboot.THEN_NEXT_STEP);
                    }
                    case ABORTED -> {
                        String message = stepFailure(pr, step);
                        pr.status = FAILED;
                        pr.failureMessage = message;
                        pr.endTime = Clock.now();
                        return finish(FAILED, "Document " + document.file() + " failed! " + message);
                    }
                    case FAILED -> {
                        phaseFailed = true;
                        pr.failureMessage = stepFailure(pr, step);
                    }
                    case IGNORED -> ignoredSome = true;
                    default -> {
                    }
                }
            }
            pr.endTime = Clock.now();
            if (phaseFailed) {
                pr.status = FAILED;
                return finish(FAILED, "Document " + document.file() + " failed! " + pr.failureMessage);
            }
            pr.status = phaseHasIgnored(pr) ? SUCCESS_WITH_IGNORED : SUCCESS;
            ignoredSome |= phaseHasIgnored(pr);
        }
        return finish(ignoredSome ? SUCCESS_WITH_IGNORED : SUCCESS, "");
    }

    private static boolean phaseHasIgnored(DetailedOutput.PhaseRecord pr) {
        return pr.steps.stream().anyMatch(s -> IGNORED_FAILURE.equals(s.status));
    }

    private String stepFailure(DetailedOutput.PhaseRecord pr, Step step) {
        return pr.steps.stream().filter(s -> s.name.equals(step.name())).reduce((a, b) -> b)
                .map(s -> "Phase " + pr.name + ", step " + s.name + ": " + s.failureMessage).orElse("");
    }

    private Outcome finish(String status, String failure) {
        record.status = status;
        record.failureMessage = failure;
        record.endTime = Clock.now();
        engine.listener().documentFinished(document.file(), status, depth);
        return new Outcome(status, -1, -1, ActionResult.Reboot.NONE);
    }

    private DetailedOutput.PhaseRecord phaseRecord(Phase phase) {
        for (DetailedOutput.PhaseRecord pr : record.phases) {
            if (pr.name.equals(phase.name())) {
                return pr;
            }
        }
        DetailedOutput.PhaseRecord pr = new DetailedOutput.PhaseRecord();
        pr.name = phase.name();
        record.phases.add(pr);
        return pr;
    }

    /** The record of a step, reused when the step runs again after a reboot. */
    private DetailedOutput.StepRecord stepRecord(DetailedOutput.PhaseRecord pr, Step step) {
        for (DetailedOutput.StepRecord sr : pr.steps) {
            if (sr.name.equals(step.name()) && sr.endTime == null) {
                return sr;
            }
        }
        DetailedOutput.StepRecord sr = new DetailedOutput.StepRecord();
        sr.name = step.name();
        sr.action = step.action();
        sr.timeoutSeconds = step.timeoutSeconds();
        sr.onFailure = step.onFailure().name();
        sr.maxAttempts = step.maxAttempts();
        pr.steps.add(sr);
        return sr;
    }

    /** After a reboot asked for by the Reboot module, that step is done. */
    private void finishRebootStep(DetailedOutput.PhaseRecord pr, Step step) {
        DetailedOutput.StepRecord sr = stepRecord(pr, step);
        sr.status = SUCCESS;
        sr.endTime = Clock.now();
        engine.listener().note("Executor: System has rebooted successfully", depth);
        engine.listener().stepFinished(pr.name, step.name(), SUCCESS, Duration.ZERO, "", depth);
    }

    private StepEnd runStep(Phase phase, Step step, DetailedOutput.PhaseRecord pr) throws InterruptedException {
        DetailedOutput.StepRecord sr = stepRecord(pr, step);
        long started = System.nanoTime();
        if (sr.startTime == null) {
            sr.startTime = Clock.now();
        }
        Map<String, String> chainingLog = engine.chaining();
        Scope scope = new Scope(variables, chaining, chainingLog);
        engine.listener().stepStarted(phase.name(), step.name(), step.action(), 1, depth);

        StepCondition.Branch branch;
        try {
            branch = decide(step, sr, scope);
        } catch (StepFailedException e) {
            return failed(phase, step, sr, started, e.getMessage());
        }
        if (branch == StepCondition.Branch.Skip) {
            sr.status = SKIPPED;
            sr.endTime = Clock.now();
            engine.listener().stepFinished(phase.name(), step.name(), SKIPPED, since(started), "", depth);
            return StepEnd.SKIPPED;
        }
        counters.executed++;
        if (branch == StepCondition.Branch.Abort) {
            return failed(phase, step, sr, started, "the step's if condition chose Abort");
        }
        ModuleSpec spec = ActionModules.get(step.action()).orElseThrow();
        if (!spec.runsOn(engine.target().platform())) {
            return failed(phase, step, sr, started, step.action() + " runs only on "
                    + String.join(", ", spec.platforms().stream().map(p -> p.displayName()).sorted().toList())
                    + "; " + engine.target().description() + " is " + engine.target().platform().displayName());
        }
        String failure = null;
        for (int attempt = 1; attempt <= step.maxAttempts(); attempt++) {
            if (attempt > 1) {
                engine.listener().note("Retrying step " + step.name() + ": attempt " + attempt + " of "
                        + step.maxAttempts(), depth);
                engine.listener().stepStarted(phase.name(), step.name(), step.action(), attempt, depth);
            }
            Deadline deadline = step.timeoutSeconds() < 0 ? Deadline.never()
                    : Deadline.after(Duration.ofSeconds(step.timeoutSeconds()));
            try {
                Attempt result = attempt(phase, step, spec, scope, deadline);
                if (result.reboot() != ActionResult.Reboot.NONE) {
                    engine.listener().note("Getting reboot signal", depth);
                    return result.reboot() == ActionResult.Reboot.THEN_RERUN_STEP
                            ? StepEnd.REBOOT_RERUN : StepEnd.REBOOT_NEXT;
                }
                chaining.outputs.put(phase.name() + "." + step.name(), result.outputs());
                sr.outputs = json(List.of(result.outputs()));
                sr.status = SUCCESS;
                sr.failureMessage = "";
                sr.endTime = Clock.now();
                engine.listener().stepFinished(phase.name(), step.name(), SUCCESS, since(started), "", depth);
                return StepEnd.SUCCEEDED;
            } catch (StepFailedException e) {
                if (Thread.interrupted()) {
                    // The run is being stopped, and it surfaced as this step's failure (an interrupted
                    // file transfer, say): stop, rather than fail the step or try it again.
                    throw new InterruptedException("interrupted during step " + step.name() + ": " + e.getMessage());
                }
                failure = e.getMessage();
                if (deadline.expired() && !failure.contains("timed out")) {
                    failure = "timed out after " + step.timeoutSeconds() + " s: " + failure;
                }
                engine.listener().note("Step " + step.name() + " failed: " + failure, depth);
            }
        }
        return failed(phase, step, sr, started, failure);
    }

    private record Attempt(Map<String, String> outputs, ActionResult.Reboot reboot) {
    }

    /** One attempt: every iteration of the loop (one when there is none), outputs joined by newlines. */
    private Attempt attempt(Phase phase, Step step, ModuleSpec spec, Scope scope, Deadline deadline)
            throws StepFailedException, InterruptedException {
        List<String> values = loopValues(step.loop(), scope);
        Map<String, String> joined = new LinkedHashMap<>();
        List<Integer> failedIterations = new ArrayList<>();
        String lastFailure = null;
        for (int i = 0; i < values.size(); i++) {
            if (deadline.expired()) {
                throw new StepFailedException("timed out after " + step.timeoutSeconds() + " s"
                        + (step.loop() == null ? "" : "; the loop run has failed"));
            }
            Scope iterationScope = step.loop() == null ? scope
                    : scope.inLoop(step.loop().name(), i, values.get(i));
            Object inputs;
            try {
                inputs = step.inputs() == null ? null : YNode.toPlain(iterationScope.resolve(step.inputs()));
            } catch (UnresolvedReferenceException e) {
                throw new StepFailedException(e.getMessage());
            }
            chaining.inputs.put(phase.name() + "." + step.name(), inputs);
            ActionContext ctx = new StepContext(engine.target(), inputs, engine.listener(), depth, deadline,
                    engine.environment(), this::nested);
            ActionResult result;
            try {
                result = spec.action().run(ctx);
            } catch (StepFailedException e) {
                if (step.loop() == null) {
                    throw e;
                }
                failedIterations.add(i);
                lastFailure = e.getMessage();
                break;
            }
            if (result.reboot() != ActionResult.Reboot.NONE) {
                return new Attempt(Map.of(), result.reboot());
            }
            result.outputs().forEach((k, v) -> joined.merge(k, v, (a, b) -> a + "\n" + b));
        }
        if (!failedIterations.isEmpty()) {
            throw new StepFailedException("loop iteration(s) " + failedIterations + " failed: " + lastFailure);
        }
        return new Attempt(joined, ActionResult.Reboot.NONE);
    }

    /** The values a step's loop iterates over; one null value when it has no loop. */
    private static List<String> loopValues(Loop loop, Scope scope) throws StepFailedException {
        if (loop == null) {
            return java.util.Collections.singletonList(null);
        }
        try {
            if (loop instanceof Loop.For f) {
                List<String> out = new ArrayList<>();
                for (long v = f.start(); f.updateBy() > 0 ? v <= f.end() : v >= f.end(); v += f.updateBy()) {
                    out.add(Long.toString(v));
                }
                return out;
            }
            if (loop instanceof Loop.ForEachList l) {
                List<String> out = new ArrayList<>();
                for (YNode item : l.items()) {
                    out.add(Templates.resolve(((YScalar) item).text(), scope));
                }
                return out;
            }
            Loop.ForEachDelimited d = (Loop.ForEachDelimited) loop;
            String list = Templates.resolve(((YScalar) d.list()).text(), scope);
            return List.of(list.split(Pattern.quote(String.valueOf(d.delimiter())), -1));
        } catch (UnresolvedReferenceException e) {
            throw new StepFailedException("loop: " + e.getMessage());
        }
    }

    private StepCondition.Branch decide(Step step, DetailedOutput.StepRecord sr, Scope scope)
            throws StepFailedException, InterruptedException {
        if (step.condition() == null) {
            return StepCondition.Branch.Execute;
        }
        if (sr.condition != null) {
            // Evaluated before a reboot: AWSTOE evaluates if once per step.
            return StepCondition.Branch.valueOf(sr.condition);
        }
        try {
            YNode resolved = scope.resolve(step.condition());
            Problems problems = new Problems();
            Optional<StepCondition> condition = Conditions.parseIf(resolved, problems);
            if (condition.isEmpty()) {
                throw new StepFailedException("if: " + problems.all().get(0).message());
            }
            boolean value = Conditions.evaluate(condition.get().expression(), engine.target());
            StepCondition.Branch branch = condition.get().decide(value);
            sr.condition = branch.name();
            engine.listener().note("Condition is " + value + ": " + branch, depth);
            return branch;
        } catch (UnresolvedReferenceException e) {
            throw new StepFailedException("if: " + e.getMessage());
        } catch (PatternSyntaxException e) {
            throw new StepFailedException("if: not a valid regular expression: " + e.getDescription());
        } catch (IOException e) {
            throw new StepFailedException("if: " + e.getMessage());
        }
    }

    private StepEnd failed(Phase phase, Step step, DetailedOutput.StepRecord sr, long started, String message) {
        sr.failureMessage = message;
        sr.endTime = Clock.now();
        StepEnd end;
        if (step.onFailure() == OnFailure.Ignore) {
            sr.status = IGNORED_FAILURE;
            counters.ignored++;
            end = StepEnd.IGNORED;
        } else {
            sr.status = FAILED;
            counters.failed++;
            end = step.onFailure() == OnFailure.Abort ? StepEnd.ABORTED : StepEnd.FAILED;
        }
        engine.listener().stepFinished(phase.name(), step.name(), sr.status, since(started), message, depth);
        return end;
    }

    /** ExecuteDocument: runs another document on the same target, one level deeper. */
    private ActionContext.NestedResult nested(String path, List<String> phases, Map<String, String> parameters)
            throws StepFailedException, InterruptedException {
        return engine.runNested(path, document.file(), phases, parameters, depth + 1, ancestry);
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
