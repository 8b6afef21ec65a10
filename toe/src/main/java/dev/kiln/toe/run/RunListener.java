package dev.kiln.toe.run;

import java.time.Duration;

/**
 * Follows a run as it happens: for the live display, the log files and, later, build events. Each
 * method has a default so a listener implements only what it needs.
 */
public interface RunListener {

    default void documentStarted(String document, int depth) {
    }

    default void phaseStarted(String phase, int depth) {
    }

    default void stepStarted(String phase, String step, String action, int attempt, int depth) {
    }

    /** A line the step's program wrote; {@code error} for stderr. */
    default void stepOutput(String line, boolean error, int depth) {
    }

    /** A note from the engine or a module about what it is doing. */
    default void note(String message, int depth) {
    }

    default void stepFinished(String phase, String step, String status, Duration took, String failure, int depth) {
    }

    default void documentFinished(String document, String status, int depth) {
    }

    RunListener NONE = new RunListener() {
    };

    /** Sends every event to each listener in turn. */
    static RunListener all(RunListener... listeners) {
        return new RunListener() {
            @Override
            public void documentStarted(String document, int depth) {
                for (RunListener l : listeners) {
                    l.documentStarted(document, depth);
                }
            }

            @Override
            public void phaseStarted(String phase, int depth) {
                for (RunListener l : listeners) {
                    l.phaseStarted(phase, depth);
                }
            }

            @Override
            public void stepStarted(String phase, String step, String action, int attempt, int depth) {
                for (RunListener l : listeners) {
                    l.stepStarted(phase, step, action, attempt, depth);
                }
            }

            @Override
            public void stepOutput(String line, boolean error, int depth) {
                for (RunListener l : listeners) {
                    l.stepOutput(line, error, depth);
                }
            }

            @Override
            public void note(String message, int depth) {
                for (RunListener l : listeners) {
                    l.note(message, depth);
                }
            }

            @Override
            public void stepFinished(String phase, String step, String status, Duration took, String failure,
                                     int depth) {
                for (RunListener l : listeners) {
                    l.stepFinished(phase, step, status, took, failure, depth);
                }
            }

            @Override
            public void documentFinished(String document, String status, int depth) {
                for (RunListener l : listeners) {
                    l.documentFinished(document, status, depth);
                }
            }
        };
    }
}
