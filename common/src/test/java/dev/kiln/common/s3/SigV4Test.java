package dev.kiln.common.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The examples of the S3 guide's "Signature Calculations for the Authorization Header: Transferring
 * Payload in a Single Chunk (AWS Signature Version 4)", whose signatures are published there.
 */
class SigV4Test {
    private static final SigV4 EXAMPLE = new SigV4(
            new Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null),
            "us-east-1", "s3");
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
        String path = "/" + SigV4.uriEncode("test$file.text", false);

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
        SigV4 temporary = new SigV4(new Credentials("AKID", "secret", "the-token"), "us-east-1", "s3");

        Map<String, String> headers = temporary.sign("GET", "/b/k", null, Map.of("host", "h"),
                SigV4.EMPTY_SHA256, TIME);

        assertThat(headers).containsEntry("x-amz-security-token", "the-token");
        assertThat(headers.get("authorization"))
                .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,");
    }

    @Test
    void encodesEverythingButTheUnreservedCharactersInUpperCaseHex() {
        assertThat(SigV4.uriEncode("a-b_c.d~e", true)).isEqualTo("a-b_c.d~e");
        assertThat(SigV4.uriEncode("a b/c+d=é*", true)).isEqualTo("a%20b%2Fc%2Bd%3D%C3%A9%2A");
        assertThat(SigV4.uriEncode("logs/a b.txt", false)).isEqualTo("logs/a%20b.txt");
    }

    @Test
    void canonicalQueryDecodesThenEncodesAndSortsByNameThenValue() {
        assertThat(SigV4.canonicalQuery("prefix=a%2Fb&list-type=2&b=2&b=1&flag"))
                .isEqualTo("b=1&b=2&flag=&list-type=2&prefix=a%2Fb");
        assertThat(SigV4.canonicalQuery("k=a+b")).isEqualTo("k=a%2Bb");
        assertThat(SigV4.canonicalQuery("a-b=1&a=2&a.c=3")).isEqualTo("a=2&a-b=1&a.c=3");
        assertThat(SigV4.canonicalQuery(null)).isEmpty();
    }

    @Test
    void trimsHeaderValuesAndCollapsesTheirInnerSpaces() {
        Map<String, String> a = EXAMPLE.sign("GET", "/", null, Map.of("Host", HOST, "X-Note", "  a   b "),
                SigV4.EMPTY_SHA256, TIME);
        Map<String, String> b = EXAMPLE.sign("GET", "/", null, Map.of("host", HOST, "x-note", "a b"),
                SigV4.EMPTY_SHA256, TIME);

        assertThat(a.get("authorization")).isEqualTo(b.get("authorization"));
    }
}
