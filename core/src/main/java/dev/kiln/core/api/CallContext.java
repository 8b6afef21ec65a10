package dev.kiln.core.api;

/**
 * Who is calling and where: the caller's account (from its verified access key), the region (from the
 * request's SigV4 credential scope) and the request id answered in x-amzn-RequestId.
 */
public record CallContext(String accountId, String region, String requestId) {
}
