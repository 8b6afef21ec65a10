package dev.kiln.toe.action;

final class ExecuteBash implements Action {
    @Override
    public ActionResult run(ActionContext context) throws StepFailedException {
        throw new StepFailedException("ExecuteBash is not implemented yet");
    }
}
