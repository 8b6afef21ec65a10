package dev.kiln.toe.action;

import dev.kiln.toe.expr.Condition;
import dev.kiln.toe.expr.Conditions;
import dev.kiln.toe.validate.Problems;
import dev.kiln.toe.yaml.YNode;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/** Succeeds when its comparison or logical expression is true. */
final class Assert implements Action {

    @Override
    public ActionResult run(ActionContext context) throws StepFailedException, InterruptedException {
        Problems problems = new Problems();
        Optional<Condition> condition = Conditions.parseExpression(YNode.fromPlain(context.rawInputs()), "inputs",
                problems);
        if (condition.isEmpty()) {
            throw new StepFailedException("Assert: " + problems.all().get(0).message());
        }
        boolean value;
        try {
            value = Conditions.evaluate(condition.get(), context.target());
        } catch (IOException e) {
            throw new StepFailedException("Assert: " + e.getMessage());
        } catch (PatternSyntaxException e) {
            throw new StepFailedException("Assert: not a valid regular expression: " + e.getDescription());
        }
        context.log("Assertion is " + value);
        if (!value) {
            throw new StepFailedException("Assert: the expression is false: " + describe(condition.get()));
        }
        return ActionResult.none();
    }

    private static String describe(Condition c) {
        if (c instanceof Condition.Compare cmp) {
            return "'" + cmp.value() + "' " + cmp.operator() + " '" + cmp.baseline() + "'";
        }
        if (c instanceof Condition.Test t) {
            return t.operator() + " '" + t.argument() + "'";
        }
        return c.toString();
    }
}
