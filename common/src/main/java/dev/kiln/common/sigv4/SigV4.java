package dev.kiln.common.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cryptographic steps of AWS Signature Version 4: the payload hash, the credential scope, the
 * string to sign, the signing key and the signature. {@link CanonicalRequest} builds what is signed;
 * {@link Signer} signs a request with both; the server's verifier recomputes a request's signature
 * with both.
 */
public final class SigV4 {
    /** The algorithm name, first word of the Authorization header and first line of the string to sign. */
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** The last element of every credential scope. */
    public static final String TERMINATOR = "aws4_request";
    /** The hex SHA-256 of an empty payload. */
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    /** The request time as SigV4 writes it (ISO-8601 basic, UTC): {@code 20150830T123600Z}. */
    public static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SigV4() {
    }

    /** {@link #AMZ_DATE} of the time. */
    public static String amzDate(Instant time) {
        return AMZ_DATE.format(time);
    }

    /** Lower-case hex SHA-256 of the bytes. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return hex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The credential scope {@code date/region/service/aws4_request}; {@code date} is {@code yyyyMMdd}. */
    public static String scope(String date, String region, String service) {
        return date + "/" + region + "/" + service + "/" + TERMINATOR;
    }

    /**
     * The string to sign: algorithm, request timestamp (ISO-8601 basic), credential scope, and the hex
     * SHA-256 of the canonical request, one per line.
     */
    public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    /** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
    public static byte[] signingKey(String secretAccessKey, String date, String region, String service) {
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        return hmac(key, TERMINATOR);
    }

    /** Lower-case hex HMAC-SHA256 of the string to sign under the signing key. */
    public static String signature(byte[] signingKey, String stringToSign) {
        return hex(hmac(signingKey, stringToSign));
    }

    /** Compares two signatures in time independent of where they differ. */
    public static boolean sameSignature(String expected, String provided) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                provided.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }
}
