package dev.kiln.toe.expr;

/**
 * A step's {@code if}: the expression and what to do when it is true ({@code then}, default Execute)
 * or false ({@code else}, default Skip).
 */
public record StepCondition(Condition expression, Branch then, Branch otherwise) {

    public enum Branch { Abort, Execute, Skip }

    public Branch decide(boolean value) {
        return value ? then : otherwise;
    }
}
