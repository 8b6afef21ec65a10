package dev.kiln.common.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SigV4Test {

    static List<AwsSigV4TestSuite.Case> suite() {
        return AwsSigV4TestSuite.cases();
    }

    @Test
    void derivesTheSigningKeyOfAwsDocumentationExample() {
        // "Examples of how to derive a signing key for Signature Version 4" (AWS General Reference).
        byte[] key = SigV4.signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");

        assertThat(SigV4.hex(key)).isEqualTo("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }

    @Test
    void hashesTheEmptyPayload() {
        assertThat(SigV4.sha256Hex(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
                .isEqualTo(SigV4.EMPTY_SHA256);
    }

    @Test
    void writesTheScopeAndTheRequestTimeOfAwsSuite() {
        assertThat(SigV4.scope("20150830", "us-east-1", "service")).isEqualTo("20150830/us-east-1/service/aws4_request");
        assertThat(SigV4.amzDate(AwsSigV4TestSuite.SIGNED_AT)).isEqualTo("20150830T123600Z");
    }

    @Test
    void buildsTheStringToSignOfGetVanilla() {
        AwsSigV4TestSuite.Case vanilla = AwsSigV4TestSuite.named("get-vanilla");

        String stringToSign = SigV4.stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request",
                vanilla.canonicalRequest());

        assertThat(stringToSign).isEqualTo("AWS4-HMAC-SHA256\n20150830T123600Z\n"
                + "20150830/us-east-1/service/aws4_request\n"
                + "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suite")
    void signsEachCanonicalRequestOfAwsSuiteAsAwsPublished(AwsSigV4TestSuite.Case c) {
        byte[] key = SigV4.signingKey(AwsSigV4TestSuite.SECRET, "20150830", AwsSigV4TestSuite.REGION,
                AwsSigV4TestSuite.SERVICE);
        String stringToSign = SigV4.stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request",
                c.canonicalRequest());

        assertThat(SigV4.signature(key, stringToSign)).isEqualTo(c.signature());
    }

    @Test
    void comparesSignaturesExactly() {
        String signature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

        assertThat(SigV4.sameSignature(signature, signature)).isTrue();
        assertThat(SigV4.sameSignature(signature, signature.replace('f', 'e'))).isFalse();
        assertThat(SigV4.sameSignature(signature, signature.toUpperCase())).isFalse();
        assertThat(SigV4.sameSignature(signature, signature.substring(1))).isFalse();
        assertThat(SigV4.sameSignature(signature, "")).isFalse();
    }

    @Test
    void hmacMatchesRfc4231TestCase2() {
        byte[] mac = SigV4.hmac("Jefe".getBytes(StandardCharsets.US_ASCII), "what do ya want for nothing?");

        assertThat(SigV4.hex(mac)).isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
