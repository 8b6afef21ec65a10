package dev.kiln.common.process;

/** How a program ended: its exit code, or that it was killed because its time ran out. */
public record ExecResult(int exitCode, boolean timedOut) {
    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }
}
