package dev.kiln.toe.action.s3;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where an S3-compatible endpoint is and how to sign for it, from the variables the AWS CLI and SDKs
 * read. Kiln has no AWS access of its own, so the endpoint must be named.
 */
public record S3Config(URI endpoint, Credentials credentials, String region) {

    public static S3Config fromEnvironment(Map<String, String> env) throws S3Exception {
        String endpoint = first(env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
        String keyId = first(env, "AWS_ACCESS_KEY_ID");
        String secret = first(env, "AWS_SECRET_ACCESS_KEY");
        List<String> missing = new ArrayList<>();
        if (endpoint == null) {
            missing.add("AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL)");
        }
        if (keyId == null) {
            missing.add("AWS_ACCESS_KEY_ID");
        }
        if (secret == null) {
            missing.add("AWS_SECRET_ACCESS_KEY");
        }
        if (!missing.isEmpty()) {
            throw new S3Exception("no S3-compatible endpoint is configured: set " + String.join(", ", missing)
                    + " in the engine's environment (Kiln has no AWS access of its own)");
        }
        String region = first(env, "AWS_REGION", "AWS_DEFAULT_REGION");
        return new S3Config(endpointUri(endpoint),
                new Credentials(keyId, secret, first(env, "AWS_SESSION_TOKEN")),
                region == null ? "us-east-1" : region);
    }

    /**
     * The endpoint without a trailing slash and without a port that is the scheme's default, so the
     * host we sign is the Host header the HTTP client sends.
     */
    private static URI endpointUri(String text) throws S3Exception {
        URI uri;
        try {
            uri = URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw new S3Exception("the S3 endpoint '" + text + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new S3Exception("the S3 endpoint '" + text + "' is not an http or https URL");
        }
        int port = uri.getPort();
        boolean defaultPort = port == (scheme.equals("https") ? 443 : 80);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return URI.create(scheme + "://" + uri.getHost() + (port == -1 || defaultPort ? "" : ":" + port) + path);
    }

    private static String first(Map<String, String> env, String... names) {
        for (String name : names) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
