package dev.kiln.common.process;

import java.util.function.Consumer;

/** Receives a running program's output, line by line, as it is written. */
public interface OutputListener {
    void stdout(String line);

    void stderr(String line);

    /** A listener that keeps stdout's lines (to the consumer) and drops stderr's. */
    static OutputListener stdoutOnly(Consumer<String> line) {
        return new OutputListener() {
            @Override
            public void stdout(String l) {
                line.accept(l);
            }

            @Override
            public void stderr(String l) {
            }
        };
    }

    /** A listener that keeps stderr's lines (to the consumer) and drops stdout's. */
    static OutputListener stderrOnly(Consumer<String> line) {
        return new OutputListener() {
            @Override
            public void stdout(String l) {
            }

            @Override
            public void stderr(String l) {
                line.accept(l);
            }
        };
    }

    /** A listener that sends the lines of both streams, interleaved as they come, to one consumer. */
    static OutputListener merged(Consumer<String> line) {
        return new OutputListener() {
            @Override
            public void stdout(String l) {
                line.accept(l);
            }

            @Override
            public void stderr(String l) {
                line.accept(l);
            }
        };
    }

    OutputListener NONE = new OutputListener() {
        @Override
        public void stdout(String line) {
        }

        @Override
        public void stderr(String line) {
        }
    };
}
