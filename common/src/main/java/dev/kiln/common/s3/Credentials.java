package dev.kiln.common.s3;

/** An access key, its secret and, for temporary credentials, the session token (else null). */
public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    @Override
    public String toString() {
        // Never print the secret: these records end up in logs and test failures.
        return "Credentials[" + accessKeyId + "]";
    }
}
