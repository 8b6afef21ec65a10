package dev.kiln.common.process;

import java.util.function.Consumer;

/** Receives a running program's output, line by line, as it is written. */
public interface OutputListener {
    void stdout(String line);

    void stderr(String line);

    OutputListener NONE = of(line -> { }, line -> { });

    /** A listener that sends each stream's lines to its own consumer. */
    static OutputListener of(Consumer<String> stdout, Consumer<String> stderr) {
        return new OutputListener() {
            @Override
            public void stdout(String line) {
                stdout.accept(line);
            }

            @Override
            public void stderr(String line) {
                stderr.accept(line);
            }
        };
    }

    /** A listener that keeps stdout's lines (to the consumer) and drops stderr's. */
    static OutputListener stdoutOnly(Consumer<String> line) {
        return of(line, l -> { });
    }

    /** A listener that keeps stderr's lines (to the consumer) and drops stdout's. */
    static OutputListener stderrOnly(Consumer<String> line) {
        return of(l -> { }, line);
    }

    /** A listener that sends the lines of both streams, interleaved as they come, to one consumer. */
    static OutputListener merged(Consumer<String> line) {
        return of(line, line);
    }
}
