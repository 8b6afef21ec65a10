package dev.kiln.toe.action;

import java.time.Duration;

/** Reboots the machine after {@code delaySeconds}; the run goes on with the next step afterwards. */
final class Reboot implements Action {

    @Override
    public ActionResult run(ActionContext context) throws StepFailedException, InterruptedException {
        long delay = context.inputs().integer("delaySeconds", 0);
        if (delay < 0) {
            throw new StepFailedException("Reboot: delaySeconds must not be negative");
        }
        if (delay > 0) {
            context.log("Rebooting in " + delay + " s");
            Thread.sleep(Duration.ofSeconds(delay).toMillis());
        }
        context.log("Rebooting the system now");
        return new ActionResult(java.util.Map.of(), ActionResult.Reboot.THEN_NEXT_STEP);
    }
}
