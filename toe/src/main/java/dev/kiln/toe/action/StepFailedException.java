package dev.kiln.toe.action;

/** A step did not do what it should; the message says why, for the run summary and logs. */
public final class StepFailedException extends Exception {
    public StepFailedException(String message) {
        super(message);
    }

    public StepFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
