package dev.kiln.core.store;

import java.time.Instant;

/** An access key of an account, for SigV4. {@code active} is false once revoked. */
public record AccessKey(String accessKeyId, String secretAccessKey, String accountId, boolean active,
                        Instant createdAt) {
}
