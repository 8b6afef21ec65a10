package dev.kiln.core.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A build's step-by-step log: one line per event, each with a UTC timestamp and where it came from
 * ({@code kiln}, {@code console}, {@code component/<name>}, ...). Lines are flushed as they are
 * written so that the log can be followed while the build runs.
 */
public class BuildLog implements AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ISO_INSTANT;

    private final BufferedWriter out;
    private final Clock clock;
    private final List<Consumer<String>> followers = new CopyOnWriteArrayList<>();

    private BuildLog(BufferedWriter out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    /** Appends to a log file, creating it and its folder. */
    public static BuildLog append(Path file, Clock clock) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return new BuildLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), clock);
    }

    /** A log that keeps nothing, for callers that only follow it. */
    public static BuildLog discarding(Clock clock) {
        return new BuildLog(null, clock);
    }

    /** Also hands every formatted line to a consumer (CLI progress, tests). */
    public BuildLog follow(Consumer<String> follower) {
        followers.add(follower);
        return this;
    }

    /** A line from Kiln itself. */
    public void info(String message) {
        line("kiln", message);
    }

    /** A line from a source: {@code console}, {@code component/<name>}, {@code qemu}, ... */
    public void line(String source, String text) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String formatted = STAMP.format(now) + " [" + source + "] " + text;
        synchronized (this) {
            if (out != null) {
                try {
                    out.write(formatted);
                    out.newLine();
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the build log", e);
                }
            }
        }
        for (Consumer<String> f : followers) {
            f.accept(formatted);
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // The lines were flushed one by one; nothing is lost.
            }
        }
    }
}
