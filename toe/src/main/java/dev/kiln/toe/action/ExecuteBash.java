package dev.kiln.toe.action;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Writes the commands into one script and runs it with bash, so a variable set by one command is
 * seen by the next; the script's exit code is the step's. Exit code 194 asks for a reboot, after which
 * the step runs again.
 */
final class ExecuteBash implements Action {

    @Override
    public ActionResult run(ActionContext context) throws StepFailedException, InterruptedException {
        List<String> commands = context.inputs().strings("commands");
        String script = String.join("\n", commands) + "\n";
        String folder = Programs.workFolder(context);
        String path = folder + "/script-" + UUID.randomUUID() + ".sh";
        try {
            context.target().write(path, script.getBytes(StandardCharsets.UTF_8), false);
        } catch (java.io.IOException e) {
            throw new StepFailedException("ExecuteBash: cannot write the script to " + path + " on "
                    + context.target().description() + ": " + e.getMessage());
        }
        try {
            return Programs.run("ExecuteBash", List.of("bash", path), context);
        } finally {
            Programs.deleteQuietly(context, path);
        }
    }
}
