package dev.kiln.toe.run;

import dev.kiln.toe.action.ActionContext.NestedResult;
import dev.kiln.toe.action.StepFailedException;
import dev.kiln.toe.document.ComponentDocument;
import dev.kiln.toe.document.DocumentReader;
import dev.kiln.toe.target.Target;
import dev.kiln.toe.validate.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every document run of one execution shares: the target, the listener and the chaining log. */
final class Engine {
    /** ExecuteDocument may nest this deep: four documents in all. */
    static final int MAX_NESTING = 3;

    private final Target target;
    private final RunListener listener;
    private final Map<String, String> environment;
    private final Map<String, String> chaining = new LinkedHashMap<>();

    Engine(Target target, RunListener listener, Map<String, String> environment) {
        this.target = target;
        this.listener = listener;
        this.environment = Map.copyOf(environment);
    }

    Target target() {
        return target;
    }

    RunListener listener() {
        return listener;
    }

    Map<String, String> environment() {
        return environment;
    }

    /** Resolved chaining expressions, for chaining.json. */
    Map<String, String> chaining() {
        return chaining;
    }

    NestedResult runNested(String path, String parentFile, List<String> phases, Map<String, String> parameters,
                           int depth, List<String> ancestry) throws StepFailedException, InterruptedException {
        if (path.startsWith("s3://") || path.startsWith("arn:")) {
            throw new StepFailedException("ExecuteDocument: " + path + " can't be read here: kiln toe runs local"
                    + " documents; component ARNs and S3 documents are resolved by a Kiln server build");
        }
        String resolvedPath = resolvePath(path, parentFile);
        List<String> chain = new ArrayList<>(ancestry);
        chain.add(parentFile);
        if (chain.contains(resolvedPath)) {
            chain.add(resolvedPath);
            throw new StepFailedException("ExecuteDocument: documents call each other in a cycle: "
                    + String.join(" -> ", chain));
        }
        if (depth > MAX_NESTING) {
            throw new StepFailedException("ExecuteDocument: documents nest at most " + MAX_NESTING
                    + " levels deep: " + String.join(" -> ", chain) + " -> " + resolvedPath);
        }
        String text;
        try {
            text = new String(target.read(resolvedPath), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StepFailedException("ExecuteDocument: cannot read " + resolvedPath + " on "
                    + target.description() + ": " + e.getMessage());
        }
        DocumentReader.Result read = DocumentReader.read(resolvedPath, text);
        if (!read.valid()) {
            throw new StepFailedException("ExecuteDocument: " + resolvedPath + " is not valid: "
                    + String.join("; ", read.errors().stream().map(Problem::toString).toList()));
        }
        ComponentDocument doc = read.document();
        Map<String, String> variables;
        try {
            variables = Parameters.resolve(doc, parameters, Map.of());
        } catch (RunException e) {
            throw new StepFailedException("ExecuteDocument: " + e.getMessage());
        }
        DetailedOutput.DocumentRecord record = new DetailedOutput.DocumentRecord();
        record.name = doc.name();
        record.filePath = resolvedPath;
        record.description = doc.description();
        Counters counters = new Counters();
        DocumentRun.Outcome outcome = new DocumentRun(this, doc, variables, record, new Chaining(), depth, chain, counters)
                .run(phases, 0, 0, false);
        boolean ok = outcome.status() != null && !DocumentRun.FAILED.equals(outcome.status());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("executedStepCount", counters.executed);
        summary.put("failedStepCount", counters.failed);
        summary.put("ignoredFailedStepCount", counters.ignored);
        summary.put("failureMessage", record.failureMessage == null ? "" : record.failureMessage);
        summary.put("status", ok ? RunSummary.SUCCESS : outcome.rebootRequested() ? "rebootRequested"
                : RunSummary.FAILED);
        return new NestedResult(ok, outcome.rebootRequested(), summary, record, record.failureMessage);
    }

    /** A relative path means next to the calling document. */
    private static String resolvePath(String path, String parentFile) {
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            return p.normalize().toString();
        }
        Path parent = Path.of(parentFile).toAbsolutePath().getParent();
        return (parent == null ? p.toAbsolutePath() : parent.resolve(p)).normalize().toString();
    }
}
