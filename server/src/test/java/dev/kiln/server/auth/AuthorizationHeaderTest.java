package dev.kiln.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class AuthorizationHeaderTest {
    private static final String SIGNATURE = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    private static final String HEADER = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/imagebuilder/"
            + "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + SIGNATURE;

    @Test
    void parsesTheHeaderThatSdksSend() {
        AuthorizationHeader header = AuthorizationHeader.parse(HEADER, true);

        assertThat(header.accessKeyId()).isEqualTo("AKIDEXAMPLE");
        assertThat(header.date()).isEqualTo("20150830");
        assertThat(header.region()).isEqualTo("us-east-1");
        assertThat(header.service()).isEqualTo("imagebuilder");
        assertThat(header.terminator()).isEqualTo("aws4_request");
        assertThat(header.signedHeaders()).containsExactly("host", "x-amz-date");
        assertThat(header.signature()).isEqualTo(SIGNATURE);
        assertThat(header.scope()).isEqualTo("20150830/us-east-1/imagebuilder/aws4_request");
    }

    @Test
    void acceptsParametersInAnyOrderWithoutSpacesAfterCommas() {
        AuthorizationHeader header = AuthorizationHeader.parse("AWS4-HMAC-SHA256 Signature=" + SIGNATURE
                + ",SignedHeaders=host,Credential=AKID/20150830/us-east-1/imagebuilder/aws4_request", true);

        assertThat(header.accessKeyId()).isEqualTo("AKID");
        assertThat(header.signedHeaders()).containsExactly("host");
        assertThat(header.signature()).isEqualTo(SIGNATURE);
    }

    @Test
    void namesEveryMissingPartAndEchoesTheHeaderLikeAws() {
        assertIncomplete(() -> AuthorizationHeader.parse("Bearer eyJhbGciOiJIUzI1NiJ9", false)).hasMessage(
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
                        + "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header "
                        + "requires existence of either a 'X-Amz-Date' or a 'Date' header. "
                        + "Authorization=Bearer eyJhbGciOiJIUzI1NiJ9");
    }

    @Test
    void namesOnlyThePartsThatAreMissing() {
        String header = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/imagebuilder/aws4_request";

        assertIncomplete(() -> AuthorizationHeader.parse(header, true)).hasMessage(
                "Authorization header requires 'Signature' parameter. Authorization header requires "
                        + "'SignedHeaders' parameter. Authorization=" + header);
    }

    @Test
    void refusesAPartWithoutEqualSign() {
        String header = "AWS4-HMAC-SHA256 Credential=AKID /20150830/us-east-1/imagebuilder/aws4_request, "
                + "SignedHeaders=host, Signature=" + SIGNATURE;

        assertIncomplete(() -> AuthorizationHeader.parse(header.replace("AKID /", "AKID, /"), true)).hasMessage(
                "'/20150830/us-east-1/imagebuilder/aws4_request' not a valid key=value pair (missing equal-sign) in "
                        + "Authorization header: '" + header.replace("AKID /", "AKID, /") + "'.");
    }

    @Test
    void refusesACredentialWithoutFiveParts() {
        assertIncomplete(() -> AuthorizationHeader.parse(HEADER.replace("/aws4_request", ""), true)).hasMessage(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
                        + "got 'AKIDEXAMPLE/20150830/us-east-1/imagebuilder'");
    }

    @Test
    void refusesOtherAlgorithms() {
        assertIncomplete(() -> AuthorizationHeader.parse(HEADER.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"),
                true)).hasMessageStartingWith("Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'.");
        assertIncomplete(() -> AuthorizationHeader.parse("AWS AKID:c2lnbmF0dXJl", true))
                .hasMessageStartingWith("Authorization header requires 'Credential' parameter.");
    }

    @Test
    void refusesARepeatedParameter() {
        assertIncomplete(() -> AuthorizationHeader.parse(HEADER + ", Signature=" + SIGNATURE, true))
                .hasMessageStartingWith("Authorization header has 'Signature' more than once");
    }

    @Test
    void refusesAnEmptySignedHeaderName() {
        assertIncomplete(() -> AuthorizationHeader.parse(HEADER.replace("host;x-amz-date", "host;;x-amz-date"), true))
                .hasMessage("SignedHeaders must be header names separated by ';', got 'host;;x-amz-date'.");
    }

    @Test
    void boundsTheNumberOfSignedHeaders() {
        String many = "host" + ";x-h".repeat(AuthorizationHeader.MAX_SIGNED_HEADERS);

        assertIncomplete(() -> AuthorizationHeader.parse(HEADER.replace("host;x-amz-date", many), true))
                .hasMessageContaining("at most " + AuthorizationHeader.MAX_SIGNED_HEADERS);
    }

    @Test
    void refusesAnOverlongHeaderWithoutEchoingIt() {
        String header = HEADER + ", Padding=" + "x".repeat(AuthorizationHeader.MAX_LENGTH);

        assertIncomplete(() -> AuthorizationHeader.parse(header, true))
                .hasMessage("The Authorization header is longer than 4096 characters.");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertIncomplete(Runnable parse) {
        return assertThatThrownBy(parse::run)
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).type()).isEqualTo(ErrorType.IncompleteSignatureException));
    }
}
