package dev.kiln.toe.action;

final class ExecuteDocument implements Action {
    @Override
    public ActionResult run(ActionContext context) throws StepFailedException {
        throw new StepFailedException("ExecuteDocument is not implemented yet");
    }
}
