package dev.kiln.common.uri;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding of URI paths and query parameters (RFC 3986 §2.1), the one way Kiln reads and
 * writes it: routing decodes path labels with it, SigV4 canonicalises paths and queries with it, the
 * S3 client builds its URIs with it.
 *
 * <p>Decoding is not {@link java.net.URLDecoder}: that decodes forms, turning {@code +} into a space,
 * while in a path or a SigV4 query {@code +} is itself (a space is {@code %20}). A {@code %} not
 * followed by two hex digits is kept as written.
 */
public final class PercentEncoding {
    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

    private PercentEncoding() {
    }

    /**
     * The bytes a string stands for: each {@code %XX} escape as its byte, everything else as its UTF-8
     * bytes. Working on bytes keeps an escape that is not UTF-8 ({@code %FF}) as it was written.
     */
    public static byte[] decodeToBytes(String s) {
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        if (s.indexOf('%') < 0) {
            return in;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && hexValue(in[i + 1]) >= 0 && hexValue(in[i + 2]) >= 0) {
                out.write(hexValue(in[i + 1]) << 4 | hexValue(in[i + 2]));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toByteArray();
    }

    /**
     * A string percent-decoded as UTF-8: {@code +} stays {@code +}, a malformed escape is kept as
     * written, and a byte sequence that is not UTF-8 becomes U+FFFD.
     */
    public static String decode(String s) {
        return s.indexOf('%') < 0 ? s : new String(decodeToBytes(s), StandardCharsets.UTF_8);
    }

    /** {@link #encode(byte[], boolean)} of the string's UTF-8 bytes. */
    public static String encode(String s, boolean keepSlash) {
        return encode(s.getBytes(StandardCharsets.UTF_8), keepSlash);
    }

    /**
     * AWS's UriEncode: the unreserved characters {@code A-Z a-z 0-9 - _ . ~} as they are, and
     * {@code /} too when {@code keepSlash}; every other byte as {@code %XX} with upper-case hex.
     */
    public static String encode(byte[] bytes, boolean keepSlash) {
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/')) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX_UPPER[c >> 4]).append(HEX_UPPER[c & 0xF]);
            }
        }
        return out.toString();
    }

    /** The value of an ASCII hex digit, or -1 ({@link Character#digit} would accept other scripts' digits). */
    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }
}
