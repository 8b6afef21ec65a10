package dev.kiln.cli;

import dev.kiln.toe.run.RunListener;
import java.io.PrintStream;
import java.time.Duration;

/** Shows a person the run as it goes: each step's start, its output live, and how it ended and took. */
final class LiveDisplay implements RunListener {
    private final PrintStream out;
    private final boolean verbose;

    LiveDisplay(PrintStream out, boolean verbose) {
        this.out = out;
        this.verbose = verbose;
    }

    private static String indent(int depth) {
        return "  ".repeat(depth * 2);
    }

    @Override
    public synchronized void documentStarted(String document, int depth) {
        out.println(indent(depth) + "Document " + document);
    }

    @Override
    public synchronized void phaseStarted(String phase, int depth) {
        out.println(indent(depth) + "  Phase " + phase);
    }

    @Override
    public synchronized void stepStarted(String phase, String step, String action, int attempt, int depth) {
        out.println(indent(depth) + "    > " + step + " (" + action + ")" + (attempt > 1 ? " attempt " + attempt : ""));
    }

    @Override
    public synchronized void stepOutput(String line, boolean error, int depth) {
        out.println(indent(depth) + "      " + (error ? "! " : "| ") + line);
    }

    @Override
    public synchronized void note(String message, int depth) {
        if (verbose) {
            out.println(indent(depth) + "      . " + message);
        }
    }

    @Override
    public synchronized void stepFinished(String phase, String step, String status, Duration took, String failure,
                                          int depth) {
        String mark = switch (status) {
            case "success" -> "ok";
            case "skipped" -> "skipped";
            case "IgnoredFailure" -> "failed (ignored)";
            default -> "FAILED";
        };
        out.printf("%s    %s %s (%s)%s%n", indent(depth), mark, step, seconds(took),
                failure == null || failure.isEmpty() ? "" : ": " + failure.replace("\n", "\n" + indent(depth) + "      "));
    }

    private static String seconds(Duration d) {
        return String.format("%.2f s", d.toNanos() / 1e9);
    }
}
