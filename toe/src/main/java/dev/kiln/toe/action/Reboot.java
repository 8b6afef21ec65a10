package dev.kiln.toe.action;

final class Reboot implements Action {
    @Override
    public ActionResult run(ActionContext context) throws StepFailedException {
        throw new StepFailedException("Reboot is not implemented yet");
    }
}
