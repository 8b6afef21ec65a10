package dev.kiln.toe.action;

import java.util.ArrayList;
import java.util.List;

/** Runs a program with an argument list; exit code 194 asks for a reboot and a re-run of the step. */
final class ExecuteBinary implements Action {

    @Override
    public ActionResult run(ActionContext context) throws StepFailedException, InterruptedException {
        Inputs in = context.inputs();
        List<String> command = new ArrayList<>();
        command.add(in.string("path"));
        command.addAll(in.strings("arguments"));
        return Programs.run("ExecuteBinary", command, context);
    }
}
