package dev.kiln.toe.action;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text encoding AWSTOE accepts, in any of its spellings (utf8, UTF-16, utf-32-BE, ...). UTF-16 and
 * UTF-32 without a byte order are little-endian, as the AWSTOE docs say. Nothing is written with a
 * byte-order mark, since the docs name none and "utf16-LE" in .NET and Go means no mark either.
 */
record TextEncoding(Charset charset) {
    static final TextEncoding UTF8 = new TextEncoding(StandardCharsets.UTF_8);
    static final String ACCEPTED = "utf8, utf16, utf16-LE, utf16-BE, utf32, utf32-LE or utf32-BE "
            + "(also with a dash after utf, in any case)";

    private static final Pattern SPELLING = Pattern.compile("utf-?(8|16|32)(?:-(le|be))?", Pattern.CASE_INSENSITIVE);
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    static Optional<TextEncoding> parse(String spelling) {
        Matcher m = SPELLING.matcher(spelling.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String bits = m.group(1);
        String order = m.group(2);
        if (bits.equals("8")) {
            return order == null ? Optional.of(UTF8) : Optional.empty();
        }
        String charset = "UTF-" + bits + (order == null ? "LE" : order.toUpperCase(Locale.ROOT));
        return Optional.of(new TextEncoding(Charset.forName(charset)));
    }

    /** For messages: UTF-8, UTF-16LE, ... */
    String displayName() {
        return charset.name();
    }

    byte[] encode(String text) {
        return text.getBytes(charset);
    }

    /** Decodes strictly, so a file in another encoding fails instead of turning into replacement characters. */
    String decode(byte[] data) throws CharacterCodingException {
        String text = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(data))
                .toString();
        // Files written by Windows tools often start with a mark; it is not part of the content.
        return !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
    }
}
