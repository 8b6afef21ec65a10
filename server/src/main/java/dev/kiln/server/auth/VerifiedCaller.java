package dev.kiln.server.auth;

/**
 * Who sent a request whose SigV4 signature verified, and where it is addressed.
 *
 * @param accountId   the 12-digit account that owns the access key
 * @param accessKeyId the access key that signed the request
 * @param region      the region of the credential scope: the region the request acts in
 * @param service     the service of the credential scope ({@code imagebuilder})
 */
public record VerifiedCaller(String accountId, String accessKeyId, String region, String service) {
}
