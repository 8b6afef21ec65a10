package dev.kiln.toe.action;

import dev.kiln.toe.target.LocalTarget;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An action context for unit tests of action modules: runs on the local host, records the output
 * and engine notes, and takes the step's inputs as plain values (maps, lists, strings).
 */
public final class TestContext implements ActionContext {
    public final List<String> stdout = new ArrayList<>();
    public final List<String> stderr = new ArrayList<>();
    public final List<String> notes = new ArrayList<>();
    public final Map<String, String> environment = new HashMap<>();
    private final Object rawInputs;
    private final Target target;
    private Duration remaining;
    private NestedRun nested = (d, p, params) -> {
        throw new StepFailedException("no nested runs in this test");
    };

    public TestContext(Object rawInputs, Path workFolder) {
        this(rawInputs, new LocalTarget(workFolder));
    }

    public TestContext(Object rawInputs, Target target) {
        this.rawInputs = rawInputs;
        this.target = target;
    }

    public TestContext withTimeout(Duration remaining) {
        this.remaining = remaining;
        return this;
    }

    public TestContext withNested(NestedRun nested) {
        this.nested = nested;
        return this;
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public Inputs inputs() throws StepFailedException {
        return Inputs.single(rawInputs);
    }

    @Override
    public List<Inputs> inputList() throws StepFailedException {
        return Inputs.list(rawInputs);
    }

    @Override
    public Object rawInputs() {
        return rawInputs;
    }

    @Override
    public OutputListener output() {
        return new OutputListener() {
            @Override
            public void stdout(String line) {
                stdout.add(line);
            }

            @Override
            public void stderr(String line) {
                stderr.add(line);
            }
        };
    }

    @Override
    public void log(String message) {
        notes.add(message);
    }

    @Override
    public Duration remaining() {
        return remaining;
    }

    @Override
    public Map<String, String> environment() {
        return environment;
    }

    @Override
    public NestedRun nested() {
        return nested;
    }
}
