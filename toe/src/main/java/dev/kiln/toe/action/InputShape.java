package dev.kiln.toe.action;

/**
 * How a module's {@code inputs} is written. It matters for chaining: list-shaped inputs are indexed,
 * {@code {{ build.Step.inputs[0].destination }}}.
 */
public enum InputShape {
    /** A single mapping. */
    MAP,
    /** A single mapping that may be left out. */
    OPTIONAL_MAP,
    /** A list of mappings, one operation each. */
    LIST,
    /** A condition expression (Assert). */
    EXPRESSION
}
