package dev.kiln.common.sigv4;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Signs requests with an {@code Authorization} header, as the client side of SigV4: the S3 client
 * signs with it, written here because module {@code toe} takes no AWS SDK.
 *
 * <p>Two flavours, as AWS has them. {@link #forS3} signs the path as sent and adds
 * {@code x-amz-content-sha256} (the S3 guide's "Signature Calculations for the Authorization
 * Header"); {@link #forService} normalises the path and encodes it a second time, and sends no
 * payload header (the AWS General Reference's SigV4, as Image Builder and EC2 verify it).
 */
public final class Signer {
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final String region;
    private final String service;
    private final boolean s3;

    private Signer(String accessKeyId, String secretAccessKey, String sessionToken, String region, String service,
                   boolean s3) {
        this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
        this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        this.sessionToken = sessionToken;
        this.region = Objects.requireNonNull(region, "region");
        this.service = Objects.requireNonNull(service, "service");
        this.s3 = s3;
    }

    /** A signer for S3 (service {@code s3}). {@code sessionToken} is null for long-term credentials. */
    public static Signer forS3(String accessKeyId, String secretAccessKey, String sessionToken, String region) {
        return new Signer(accessKeyId, secretAccessKey, sessionToken, region, "s3", true);
    }

    /** A signer for a service other than S3. {@code sessionToken} is null for long-term credentials. */
    public static Signer forService(String accessKeyId, String secretAccessKey, String sessionToken, String region,
                                    String service) {
        return new Signer(accessKeyId, secretAccessKey, sessionToken, region, service, false);
    }

    /**
     * Signs a request.
     *
     * @param rawPath     the path as sent, already percent-encoded
     * @param rawQuery    the query as sent, percent-encoded, or null
     * @param headers     the headers to sign, including {@code host}; names in any case; a header sent
     *                    more than once is one entry with its values joined by commas
     * @param payloadHash hex SHA-256 of the body, or (S3 only) {@code UNSIGNED-PAYLOAD}
     * @return the headers to send: the given ones (values trimmed) plus x-amz-date, for S3
     *     x-amz-content-sha256, the session token when there is one, and authorization; all with
     *     lower-case names
     */
    public Map<String, String> sign(String method, String rawPath, String rawQuery, Map<String, String> headers,
                                    String payloadHash, Instant time) {
        String amzDate = SigV4.amzDate(time);
        String day = amzDate.substring(0, 8);
        TreeMap<String, String> signed = new TreeMap<>();
        headers.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), CanonicalRequest.trimAll(value)));
        signed.put("x-amz-date", amzDate);
        if (s3) {
            signed.put("x-amz-content-sha256", payloadHash);
        }
        if (sessionToken != null) {
            signed.put("x-amz-security-token", sessionToken);
        }
        List<String> names = List.copyOf(signed.keySet());

        String canonicalRequest = CanonicalRequest.of(method,
                s3 ? CanonicalRequest.s3CanonicalUri(rawPath) : CanonicalRequest.canonicalUri(rawPath),
                CanonicalRequest.canonicalQuery(rawQuery),
                CanonicalRequest.canonicalHeaders(names, name -> List.of(signed.get(name))),
                names, payloadHash);
        String scope = SigV4.scope(day, region, service);
        String signature = SigV4.signature(SigV4.signingKey(secretAccessKey, day, region, service),
                SigV4.stringToSign(amzDate, scope, canonicalRequest));

        Map<String, String> out = new LinkedHashMap<>(signed);
        out.put("authorization", SigV4.ALGORITHM + " Credential=" + accessKeyId + "/" + scope
                + ",SignedHeaders=" + String.join(";", names) + ",Signature=" + signature);
        return out;
    }
}
