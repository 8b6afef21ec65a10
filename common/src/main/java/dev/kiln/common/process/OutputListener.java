package dev.kiln.common.process;

import java.util.function.Consumer;

/** Receives a running program's output, line by line, as it is written. */
public interface OutputListener {
    void stdout(String line);

    void stderr(String line);

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
