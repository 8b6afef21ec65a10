package dev.kiln.toe.action;

/** What one action module does when its step runs. */
@FunctionalInterface
public interface Action {
    ActionResult run(ActionContext context) throws StepFailedException, InterruptedException;
}
