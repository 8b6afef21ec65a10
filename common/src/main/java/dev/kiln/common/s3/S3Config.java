package dev.kiln.common.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        return of(endpoint, new Credentials(keyId, secret, first(env, "AWS_SESSION_TOKEN")),
                first(env, "AWS_REGION", "AWS_DEFAULT_REGION"));
    }

    /**
     * An endpoint named by URL with its keys and signing region (null for us-east-1).
     *
     * @throws S3Exception when the endpoint is not an http or https URL
     */
    public static S3Config of(String endpoint, Credentials credentials, String region) throws S3Exception {
        return new S3Config(endpointUri(endpoint), credentials, region == null ? "us-east-1" : region);
    }

    /**
     * An endpoint named by URL, its keys in the URL's user info ({@code http://KEY:SECRET@host:9000},
     * percent-encoded) or else in the environment's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
     * AWS_SESSION_TOKEN; the signing region from AWS_REGION or AWS_DEFAULT_REGION (else us-east-1).
     *
     * @throws S3Exception naming what is wrong: not a URL, or no keys in either place
     */
    public static S3Config fromUrl(String url, Map<String, String> env) throws S3Exception {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            // Not the input itself: it may hold a secret.
            throw new S3Exception("the S3 endpoint is not a URL: " + e.getReason() + " at character " + e.getIndex());
        }
        String userInfo = uri.getUserInfo();
        // Checked before the keys: a bad URL is the first thing to say.
        URI endpoint = endpointUri(userInfo == null ? url : url.replace(uri.getRawUserInfo() + "@", ""));
        String region = first(env, "AWS_REGION", "AWS_DEFAULT_REGION");
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon <= 0 || colon == userInfo.length() - 1) {
                throw new S3Exception("the S3 endpoint's user info must be ACCESS_KEY_ID:SECRET_ACCESS_KEY");
            }
            return of(endpoint.toString(), new Credentials(userInfo.substring(0, colon),
                    userInfo.substring(colon + 1), null), region);
        }
        String keyId = first(env, "AWS_ACCESS_KEY_ID");
        String secret = first(env, "AWS_SECRET_ACCESS_KEY");
        if (keyId == null || secret == null) {
            throw new S3Exception("no keys for the S3 endpoint " + endpoint + ": put them in its URL"
                    + " (http://KEY:SECRET@host:port) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        }
        return of(endpoint.toString(), new Credentials(keyId, secret, first(env, "AWS_SESSION_TOKEN")), region);
    }

    /** The variables {@link #fromEnvironment} reads this configuration back from, for an engine's environment. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL_S3", endpoint.toString());
        env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
        if (credentials.sessionToken() != null) {
            env.put("AWS_SESSION_TOKEN", credentials.sessionToken());
        }
        env.put("AWS_REGION", region);
        return env;
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
