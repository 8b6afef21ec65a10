package dev.kiln.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignaturesTest {
    private static final byte[] BODY = "{\"arn\":\"x\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsAsHexHmacSha256WithPrefix() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assertThat(Signatures.sign("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void verifiesItsOwnSignatureOnly() {
        String header = Signatures.sign("secret", BODY);

        assertThat(Signatures.verify("secret", BODY, header)).isTrue();
        assertThat(Signatures.verify("other", BODY, header)).isFalse();
        assertThat(Signatures.verify("secret", "{}".getBytes(StandardCharsets.UTF_8), header)).isFalse();
        assertThat(Signatures.verify("secret", BODY, null)).isFalse();
    }
}
