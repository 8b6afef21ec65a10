package dev.kiln.toe.run;

import dev.kiln.common.wait.Deadline;
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
    private final Deadline deadline;
    private final Map<String, String> environment;
    private final NestedRun nested;

    /** @param deadline when the step's time is up ({@link Deadline#never()} without a timeout) */
    StepContext(Target target, Object inputs, RunListener listener, int depth, Deadline deadline,
                Map<String, String> environment, NestedRun nested) {
        this.target = target;
        this.inputs = inputs;
        this.listener = listener;
        this.depth = depth;
        this.deadline = deadline;
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
        return OutputListener.of(line -> listener.stepOutput(line, false, depth),
                line -> listener.stepOutput(line, true, depth));
    }

    @Override
    public void log(String message) {
        listener.note(message, depth);
    }

    @Override
    public Duration remaining() {
        return deadline.remainingOrNull();
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
