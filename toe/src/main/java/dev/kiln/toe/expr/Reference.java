package dev.kiln.toe.expr;

/**
 * One {@code {{ ... }}} reference found in a string: a parameter or constant, a chained input or output
 * of an earlier step, or a loop variable.
 */
public sealed interface Reference {

    /** The text between the braces, trimmed. */
    String expression();

    /** The whole {@code {{ ... }}} as written, to replace. */
    String raw();

    /** {@code {{ Name }}}: a parameter or constant. */
    record Variable(String raw, String expression, String name) implements Reference {
    }

    /** {@code {{ phase.step.inputs[i].name }}} ({@code index} -1 when not written). */
    record StepInput(String raw, String expression, String phase, String step, int index, String name)
            implements Reference {
    }

    /** {@code {{ phase.step.outputs.name }}}. */
    record StepOutput(String raw, String expression, String phase, String step, String name) implements Reference {
    }

    /** {@code {{ loop.index }}}, {@code {{ myLoop.value }}}. */
    record LoopVariable(String raw, String expression, String loop, String property) implements Reference {
    }

    /** Looks like a reference but fits none of the forms, e.g. {@code {{ build.Step.output.stdout }}}. */
    record Malformed(String raw, String expression) implements Reference {
    }
}
