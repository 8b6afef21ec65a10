package dev.kiln.toe.action;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.process.Tail;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Running a program for ExecuteBash and ExecuteBinary: output, exit codes, reboots, diagnostics. */
final class Programs {
    /** The exit code by which a program asks AWSTOE to reboot and run the step again. */
    static final int REBOOT_EXIT_CODE = 194;
    private static final int STDERR_LINES_KEPT = 10;

    private Programs() {
    }

    static ActionResult run(String module, List<String> command, ActionContext context)
            throws StepFailedException, InterruptedException {
        StringBuilder stdout = new StringBuilder();
        Tail lastErrors = new Tail(STDERR_LINES_KEPT);
        OutputListener out = context.output();
        ExecResult result;
        try {
            result = context.target().exec(new ExecRequest(command, Map.of(), null, context.remaining()),
                    OutputListener.of(line -> {
                        synchronized (stdout) {
                            stdout.append(line).append('\n');
                        }
                        out.stdout(line);
                    }, line -> {
                        lastErrors.add(line);
                        out.stderr(line);
                    }));
        } catch (IOException e) {
            throw new StepFailedException(module + ": cannot run " + command.get(0) + " on "
                    + context.target().description() + ": " + e.getMessage());
        }
        if (result.timedOut()) {
            throw new StepFailedException(module + ": timed out; the process tree was killed" + tail(lastErrors));
        }
        context.log("ExitCode " + result.exitCode());
        if (result.exitCode() == REBOOT_EXIT_CODE) {
            return new ActionResult(Map.of(), ActionResult.Reboot.THEN_RERUN_STEP);
        }
        if (result.exitCode() != 0) {
            throw new StepFailedException(module + ": exit code " + result.exitCode() + tail(lastErrors));
        }
        String text = stdout.toString();
        return ActionResult.of(Map.of("stdout", text.endsWith("\n") ? text.substring(0, text.length() - 1) : text));
    }

    private static String tail(Tail lines) {
        return lines.isEmpty() ? "" : "; last lines of stderr:\n" + lines.text();
    }

    static String workFolder(ActionContext context) throws StepFailedException {
        try {
            return context.target().workFolder();
        } catch (IOException e) {
            throw new StepFailedException("cannot create the work folder on " + context.target().description()
                    + ": " + e.getMessage());
        }
    }

    static void deleteQuietly(ActionContext context, String path) {
        try {
            context.target().delete(path, false);
        } catch (IOException e) {
            context.log("Could not delete " + path + ": " + e.getMessage());
        }
    }
}
