package dev.kiln.toe.action;

final class Assert implements Action {
    @Override
    public ActionResult run(ActionContext context) throws StepFailedException {
        throw new StepFailedException("Assert is not implemented yet");
    }
}
