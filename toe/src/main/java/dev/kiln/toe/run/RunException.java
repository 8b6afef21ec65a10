package dev.kiln.toe.run;

/** The run could not start: invalid documents, missing parameters, an unusable state directory. */
public final class RunException extends Exception {
    public RunException(String message) {
        super(message);
    }
}
