package dev.kiln.common.process;

/** Receives a running program's output, line by line, as it is written. */
public interface OutputListener {
    void stdout(String line);

    void stderr(String line);

    OutputListener NONE = new OutputListener() {
        @Override
        public void stdout(String line) {
        }

        @Override
        public void stderr(String line) {
        }
    };
}
