package dev.kiln.toe.action;

import java.util.Map;

/**
 * What a successful action produced: its outputs (for chaining) and whether it asks for a reboot. A
 * reboot either re-runs the same step afterwards (exit code 194) or goes on with the next one (the
 * Reboot module).
 */
public record ActionResult(Map<String, String> outputs, Reboot reboot) {

    public enum Reboot { NONE, THEN_RERUN_STEP, THEN_NEXT_STEP }

    public ActionResult {
        outputs = Map.copyOf(outputs);
    }

    public static ActionResult of(Map<String, String> outputs) {
        return new ActionResult(outputs, Reboot.NONE);
    }

    public static ActionResult none() {
        return new ActionResult(Map.of(), Reboot.NONE);
    }
}
