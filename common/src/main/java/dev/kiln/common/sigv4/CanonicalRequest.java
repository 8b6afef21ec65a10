package dev.kiln.common.sigv4;

import dev.kiln.common.uri.PercentEncoding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The SigV4 canonical request and its parts, as AWS builds them: the canonical URI (for S3 the path
 * as sent; for every other service the path normalised, dot segments and empty segments removed, and
 * encoded a second time), the query parameters decoded, encoded and sorted, the signed headers'
 * values trimmed with inner runs of white space collapsed and repeated headers joined with commas.
 */
public final class CanonicalRequest {
    private CanonicalRequest() {
    }

    /** The whole canonical request from its parts, its lines joined by {@code \n}. */
    public static String of(String method, String canonicalUri, String canonicalQuery, String canonicalHeaders,
                            List<String> signedHeaders, String payloadHash) {
        return method + "\n"
                + canonicalUri + "\n"
                + canonicalQuery + "\n"
                + canonicalHeaders + "\n"
                + String.join(";", signedHeaders) + "\n"
                + payloadHash;
    }

    /**
     * The canonical URI for services other than S3: the path as received (already percent-encoded
     * once by the client), with dot segments and repeated slashes removed, then URI-encoded again:
     * {@code %3A} becomes {@code %253A}.
     */
    public static String canonicalUri(String rawPath) {
        return PercentEncoding.encode(normalize(rawPath).getBytes(StandardCharsets.UTF_8), true);
    }

    /**
     * The canonical URI for S3: the path exactly as sent (S3 neither normalises it nor encodes it a
     * second time), {@code /} when empty.
     */
    public static String s3CanonicalUri(String rawPath) {
        return rawPath.isEmpty() ? "/" : rawPath;
    }

    /** RFC 3986 §5.2.4 dot-segment removal, also dropping empty segments, as AWS does. */
    public static String normalize(String path) {
        if (path.isEmpty()) {
            return "/";
        }
        List<String> out = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
            } else {
                out.add(segment);
            }
        }
        String first = path.startsWith("/") ? "/" : "";
        String last = path.endsWith("/") && !out.isEmpty() ? "/" : "";
        String joined = first + String.join("/", out) + last;
        return joined.isEmpty() ? "/" : joined;
    }

    /**
     * Each {@code name=value} pair percent-decoded, then encoded with the SigV4 rules (everything but
     * {@code A-Z a-z 0-9 - _ . ~} as {@code %XX}), sorted by name and then by value, joined by
     * {@code &}. A parameter without {@code =} has an empty value. Decoding works on bytes, so that a
     * value is re-encoded exactly as the client encoded it.
     *
     * @param rawQuery the query as sent, without the {@code ?}; null or empty when there is none
     */
    public static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.add(new String[] {PercentEncoding.encode(PercentEncoding.decodeToBytes(name), false),
                PercentEncoding.encode(PercentEncoding.decodeToBytes(value), false)});
        }
        // Not as "name=value" strings: "a-b=1" would sort before "a=2", as '-' sorts below '='.
        pairs.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        StringBuilder out = new StringBuilder();
        for (String[] pair : pairs) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(pair[0]).append('=').append(pair[1]);
        }
        return out.toString();
    }

    /**
     * One {@code name:value} line per signed header, each ending in {@code \n}. A header sent more
     * than once has its values joined by commas in the order received; a signed header that is not
     * in the request has an empty value (and a verifier's signature will not match).
     *
     * @param signedHeaders the lower-case names, in the order of {@code SignedHeaders} (sorted)
     * @param values        all values of a header, in the order sent, empty when absent
     */
    public static String canonicalHeaders(List<String> signedHeaders, Function<String, List<String>> values) {
        StringBuilder out = new StringBuilder();
        for (String name : signedHeaders) {
            out.append(name).append(':');
            List<String> all = values.apply(name);
            for (int i = 0; i < all.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(trimAll(all.get(i)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Leading and trailing white space removed, each inner run of white space made one space. */
    public static String trimAll(String value) {
        StringBuilder out = new StringBuilder(value.length());
        boolean pendingSpace = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c)) {
                pendingSpace = out.length() > 0;
            } else {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }
}
