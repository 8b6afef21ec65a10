package dev.kiln.toe.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.CharacterCodingException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TextEncodingTest {
    @Test
    void acceptsEverySpellingAwstoeDocumentsInAnyCase() {
        List<String> spellings = List.of("utf8", "utf-8", "utf16", "utf-16", "utf16-LE", "utf-16-LE", "utf16-BE",
                "utf-16-BE", "utf32", "utf-32", "utf32-LE", "utf-32-LE", "utf32-BE", "utf-32-BE", "UTF-8", "Utf16-le");

        assertThat(spellings).allSatisfy(s -> assertThat(TextEncoding.parse(s)).as(s).isPresent());
    }

    @Test
    void utf16AndUtf32WithoutAByteOrderAreLittleEndian() {
        assertThat(name("utf16")).isEqualTo("UTF-16LE");
        assertThat(name("UTF-32")).isEqualTo("UTF-32LE");
        assertThat(name("utf-16-be")).isEqualTo("UTF-16BE");
        assertThat(name("utf8")).isEqualTo("UTF-8");
    }

    @Test
    void rejectsOtherEncodings() {
        assertThat(TextEncoding.parse("latin1")).isEmpty();
        assertThat(TextEncoding.parse("utf8-LE")).isEmpty();
        assertThat(TextEncoding.parse("utf7")).isEmpty();
    }

    @Test
    void encodesWithoutAByteOrderMark() {
        assertThat(TextEncoding.parse("utf16").orElseThrow().encode("A")).containsExactly(0x41, 0x00);
        assertThat(TextEncoding.UTF8.encode("é")).containsExactly(0xC3, 0xA9);
    }

    @Test
    void decodingDropsALeadingByteOrderMark() throws Exception {
        byte[] marked = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'h', 'i'};

        assertThat(TextEncoding.UTF8.decode(marked)).isEqualTo("hi");
    }

    @Test
    void decodingFailsOnBytesThatAreNotText() {
        assertThatThrownBy(() -> TextEncoding.UTF8.decode(new byte[] {(byte) 0xFF}))
                .isInstanceOf(CharacterCodingException.class);
        assertThatThrownBy(() -> TextEncoding.parse("utf16").orElseThrow().decode(new byte[] {0x41}))
                .isInstanceOf(CharacterCodingException.class);
    }

    private static String name(String spelling) {
        Optional<TextEncoding> e = TextEncoding.parse(spelling);
        return e.orElseThrow().displayName();
    }
}
