package dev.kiln.common.s3;

/**
 * An S3 request that did not succeed, or S3 access that is not configured. For errors the server
 * answered, {@code status} is the HTTP status and {@code code} the S3 error code (NoSuchKey,
 * AccessDenied, ...); both are 0 and null otherwise.
 */
public final class S3Exception extends Exception {
    private final int status;
    private final String code;

    public S3Exception(String message) {
        this(message, 0, null);
    }

    public S3Exception(String message, int status, String code) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
