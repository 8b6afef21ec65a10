package dev.kiln.common.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.uri.PercentEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For S3: the examples of the S3 guide's "Signature Calculations for the Authorization Header:
 * Transferring Payload in a Single Chunk (AWS Signature Version 4)", whose signatures are published
 * there. For other services: AWS's SigV4 test suite ({@link AwsSigV4TestSuite}).
 */
class SignerTest {
    private static final Signer EXAMPLE = Signer.forS3("AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null, "us-east-1");
    private static final Instant TIME = Instant.parse("2013-05-24T00:00:00Z");
    private static final String HOST = "examplebucket.s3.amazonaws.com";

    @Test
    void signsTheGetObjectExample() {
        Map<String, String> headers = EXAMPLE.sign("GET", "/test.txt", null,
                Map.of("Host", HOST, "Range", "bytes=0-9"), SigV4.EMPTY_SHA256, TIME);

        assertThat(headers.get("authorization")).isEqualTo("AWS4-HMAC-SHA256 "
                + "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
        assertThat(headers).containsEntry("x-amz-date", "20130524T000000Z")
                .containsEntry("x-amz-content-sha256",
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void signsThePutObjectExampleWithAnEncodedPathAndAPayload() {
        byte[] payload = "Welcome to Amazon S3.".getBytes(StandardCharsets.UTF_8);
        String path = "/" + PercentEncoding.encode("test$file.text", true);

        Map<String, String> headers = EXAMPLE.sign("PUT", path, null,
                Map.of("Host", HOST, "Date", "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class",
                        "REDUCED_REDUNDANCY"), SigV4.sha256Hex(payload), TIME);

        assertThat(path).isEqualTo("/test%24file.text");
        assertThat(headers.get("x-amz-content-sha256"))
                .isEqualTo("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
        assertThat(headers.get("authorization")).isEqualTo("AWS4-HMAC-SHA256 "
                + "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    }

    @Test
    void signsTheListObjectsExampleWithItsQuerySorted() {
        Map<String, String> headers = EXAMPLE.sign("GET", "/", "prefix=J&max-keys=2", Map.of("Host", HOST),
                SigV4.EMPTY_SHA256, TIME);

        assertThat(headers.get("authorization"))
                .endsWith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    }

    @Test
    void signsTheGetBucketLifecycleExampleWithANameWithoutValue() {
        Map<String, String> headers = EXAMPLE.sign("GET", "/", "lifecycle", Map.of("Host", HOST),
                SigV4.EMPTY_SHA256, TIME);

        assertThat(headers.get("authorization"))
                .endsWith("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
    }

    @Test
    void signsTheSessionTokenOfTemporaryCredentials() {
        Signer temporary = Signer.forS3("AKID", "secret", "the-token", "us-east-1");

        Map<String, String> headers = temporary.sign("GET", "/b/k", null, Map.of("host", "h"),
                SigV4.EMPTY_SHA256, TIME);

        assertThat(headers).containsEntry("x-amz-security-token", "the-token");
        assertThat(headers.get("authorization"))
                .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,");
    }

    @Test
    void trimsHeaderValuesAndCollapsesTheirInnerSpaces() {
        Map<String, String> a = EXAMPLE.sign("GET", "/", null, Map.of("Host", HOST, "X-Note", "  a   b "),
                SigV4.EMPTY_SHA256, TIME);
        Map<String, String> b = EXAMPLE.sign("GET", "/", null, Map.of("host", HOST, "x-note", "a b"),
                SigV4.EMPTY_SHA256, TIME);

        assertThat(a.get("authorization")).isEqualTo(b.get("authorization"));
    }

    @Test
    void signsGetVanillaOfAwsSuiteForAServiceOtherThanS3() {
        Signer signer = Signer.forService(AwsSigV4TestSuite.ACCESS_KEY_ID, AwsSigV4TestSuite.SECRET, null,
                AwsSigV4TestSuite.REGION, AwsSigV4TestSuite.SERVICE);

        Map<String, String> headers = signer.sign("GET", "/", null, Map.of("Host", "example.amazonaws.com"),
                SigV4.EMPTY_SHA256, AwsSigV4TestSuite.SIGNED_AT);

        assertThat(headers).containsOnlyKeys("host", "x-amz-date", "authorization")
                .containsEntry("x-amz-date", "20150830T123600Z");
        assertThat(headers.get("authorization")).isEqualTo("AWS4-HMAC-SHA256 "
                + "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,"
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }

    static List<AwsSigV4TestSuite.Case> suite() {
        return AwsSigV4TestSuite.cases();
    }

    /**
     * Every request of AWS's suite, the headers AWS signed given to the signer (X-Amz-Date as the
     * time, a session token as the signer's), signed as AWS published.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("suite")
    void signsEachRequestOfAwsSuiteAsAwsPublished(AwsSigV4TestSuite.Case c) {
        Map<String, String> headers = new LinkedHashMap<>();
        String token = null;
        for (Map.Entry<String, List<String>> header : c.headers().entrySet()) {
            String name = header.getKey();
            if (name.equalsIgnoreCase("X-Amz-Security-Token")) {
                token = header.getValue().get(0);
            } else if (!name.equalsIgnoreCase("X-Amz-Date")
                    && c.signedHeaders().contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, String.join(",", header.getValue()));
            }
        }
        Signer signer = Signer.forService(AwsSigV4TestSuite.ACCESS_KEY_ID, AwsSigV4TestSuite.SECRET, token,
                AwsSigV4TestSuite.REGION, AwsSigV4TestSuite.SERVICE);

        String authorization = signer.sign(c.method(), c.rawPath(), c.rawQuery(), headers,
                SigV4.sha256Hex(c.body()), AwsSigV4TestSuite.SIGNED_AT).get("authorization");

        assertThat(authorization).isEqualTo(c.authorization().replace(", ", ","));
    }
}
