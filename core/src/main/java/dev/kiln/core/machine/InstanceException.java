package dev.kiln.core.machine;

/** An instance could not be launched, reached or captured; the message says why, for a person. */
public class InstanceException extends RuntimeException {
    public InstanceException(String message) {
        super(message);
    }

    public InstanceException(String message, Throwable cause) {
        super(message, cause);
    }
}
