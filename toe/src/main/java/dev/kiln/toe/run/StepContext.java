package dev.kiln.toe.run;

import dev.kiln.toe.action.ActionContext;
import dev.kiln.toe.action.Inputs;
import dev.kiln.toe.action.StepFailedException;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What one iteration of a running step hands its action module. */
final class StepContext implements ActionContext {
    private final Target target;
    private final Object inputs;
    private final RunListener listener;
    private final int depth;
    private final long deadlineNanos;
    private final Map<String, String> environment;
    private final NestedRun nested;

    /** @param deadlineNanos System.nanoTime() when the step's time is up, or Long.MAX_VALUE */
    StepContext(Target target, Object inputs, RunListener listener, int depth, long deadlineNanos,
                Map<String, String> environment, NestedRun nested) {
        this.target = target;
        this.inputs = inputs;
        this.listener = listener;
        this.depth = depth;
        this.deadlineNanos = deadlineNanos;
        this.environment = environment;
        this.nested = nested;
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public Inputs inputs() throws StepFailedException {
        return Inputs.single(inputs);
    }

    @Override
    public List<Inputs> inputList() throws StepFailedException {
        // A single mapping given to a list-shaped module is a list of one, as validation warned.
        return Inputs.list(inputs instanceof Map<?, ?> ? List.of(inputs) : inputs);
    }

    @Override
    public Object rawInputs() {
        return inputs;
    }

    @Override
    public OutputListener output() {
        return new OutputListener() {
            @Override
            public void stdout(String line) {
                listener.stepOutput(line, false, depth);
            }

            @Override
            public void stderr(String line) {
                listener.stepOutput(line, true, depth);
            }
        };
    }

    @Override
    public void log(String message) {
        listener.note(message, depth);
    }

    @Override
    public Duration remaining() {
        if (deadlineNanos == Long.MAX_VALUE) {
            return null;
        }
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
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
