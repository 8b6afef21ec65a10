package dev.kiln.toe.run;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes a run's console.log (what awstoe writes: documents, phases, steps and their output) and
 * application.log (that and the engine's own notes, timings and failures) as the run goes.
 */
final class RunLogs implements RunListener, Closeable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final BufferedWriter console;
    private final BufferedWriter application;

    RunLogs(Path folder) throws IOException {
        console = open(folder.resolve("console.log"));
        application = open(folder.resolve("application.log"));
    }

    private static BufferedWriter open(Path p) throws IOException {
        return Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void documentStarted(String document, int depth) {
        both("Info", "Document " + document);
    }

    @Override
    public synchronized void phaseStarted(String phase, int depth) {
        both("Info", "Phase " + phase);
    }

    @Override
    public synchronized void stepStarted(String phase, String step, String action, int attempt, int depth) {
        both("Info", "Step " + step);
        app("Debug", "Running step " + phase + "/" + step + " (" + action + "), attempt " + attempt);
    }

    @Override
    public synchronized void stepOutput(String line, boolean error, int depth) {
        both("Info", (error ? "Stderr: " : "Stdout: ") + line);
    }

    @Override
    public synchronized void note(String message, int depth) {
        both("Info", message);
    }

    @Override
    public synchronized void stepFinished(String phase, String step, String status, Duration took, String failure,
                                          int depth) {
        app(failure == null || failure.isEmpty() ? "Info" : "Error", "Step " + phase + "/" + step + " " + status
                + " in " + took.toMillis() + " ms" + (failure == null || failure.isEmpty() ? "" : ": " + failure));
        flush();
    }

    @Override
    public synchronized void documentFinished(String document, String status, int depth) {
        app("Info", "Document " + document + " " + status);
    }

    synchronized void finished(RunSummary summary) {
        String line = summary.rebootPending() ? "TOE stopped for a reboot; run it again to resume"
                : summary.succeeded() ? "TOE has completed execution successfully"
                : "TOE has completed execution with failure - " + summary.failureMessage();
        both("Info", line);
        flush();
    }

    /** A line for application.log only. */
    synchronized void debug(String message) {
        app("Debug", message);
    }

    private void both(String level, String message) {
        String line = LocalDateTime.now(ZoneOffset.UTC).format(TIME) + " " + level + " " + message + "\n";
        write(console, line);
        write(application, line);
    }

    private void app(String level, String message) {
        write(application, LocalDateTime.now(ZoneOffset.UTC).format(TIME) + " " + level + " " + message + "\n");
    }

    private static void write(BufferedWriter w, String s) {
        try {
            w.write(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flush() {
        try {
            console.flush();
            application.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        try (console; application) {
            flush();
        }
    }
}
