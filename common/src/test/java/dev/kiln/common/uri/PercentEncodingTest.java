package dev.kiln.common.uri;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PercentEncodingTest {

    @Test
    void encodesEverythingButTheUnreservedCharactersInUpperCaseHex() {
        assertThat(PercentEncoding.encode("a-b_c.d~e", false)).isEqualTo("a-b_c.d~e");
        assertThat(PercentEncoding.encode("a b/c+d=é*", false)).isEqualTo("a%20b%2Fc%2Bd%3D%C3%A9%2A");
        assertThat(PercentEncoding.encode("logs/a b.txt", true)).isEqualTo("logs/a%20b.txt");
        assertThat(PercentEncoding.encode(new byte[] {(byte) 0xFF, '%'}, true)).isEqualTo("%FF%25");
    }

    @Test
    void decodingLeavesPlainTextAlone() {
        assertThat(PercentEncoding.decode("plain")).isEqualTo("plain");
        assertThat(PercentEncoding.decode("%41%42")).isEqualTo("AB");
        assertThat(PercentEncoding.decode("a+b")).isEqualTo("a+b");
    }

    @Test
    void decodingKeepsMalformedEscapesAsWritten() {
        assertThat(PercentEncoding.decode("%\u0663\u0663")).isEqualTo("%\u0663\u0663");
        assertThat(PercentEncoding.decode("100%")).isEqualTo("100%");
        assertThat(PercentEncoding.decode("%4")).isEqualTo("%4");
        assertThat(PercentEncoding.decode("%zz%41")).isEqualTo("%zzA");
    }

    @Test
    void decodesUtf8AndReplacesWhatIsNotUtf8() {
        assertThat(PercentEncoding.decode("caf%C3%A9 é")).isEqualTo("café é");
        assertThat(PercentEncoding.decode("a%FFb")).isEqualTo("a\uFFFDb");
    }

    @Test
    void decodesToTheBytesWrittenSoThatEncodingGivesThemBack() {
        assertThat(PercentEncoding.decodeToBytes("%FF%c3%a9")).containsExactly(0xFF, 0xC3, 0xA9);
        assertThat(PercentEncoding.encode(PercentEncoding.decodeToBytes("%ff%7E"), false)).isEqualTo("%FF~");
        assertThat(PercentEncoding.decodeToBytes("é")).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
    }
}
