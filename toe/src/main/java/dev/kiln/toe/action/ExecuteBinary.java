package dev.kiln.toe.action;

final class ExecuteBinary implements Action {
    @Override
    public ActionResult run(ActionContext context) throws StepFailedException {
        throw new StepFailedException("ExecuteBinary is not implemented yet");
    }
}
