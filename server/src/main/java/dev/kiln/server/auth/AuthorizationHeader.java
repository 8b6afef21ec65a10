package dev.kiln.server.auth;

import dev.kiln.common.sigv4.SigV4;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an {@code Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}
 * header. The credential is {@code accessKeyId/date/region/service/terminator}.
 */
record AuthorizationHeader(String accessKeyId, String date, String region, String service, String terminator,
                           List<String> signedHeaders, String signature) {

    /** Longer headers are refused unread: real ones are a few hundred characters. */
    static final int MAX_LENGTH = 4096;
    /** At most this many signed headers. */
    static final int MAX_SIGNED_HEADERS = 64;

    /** {@code date/region/service/terminator}, as it enters the string to sign. */
    String scope() {
        return date + "/" + region + "/" + service + "/" + terminator;
    }

    /**
     * Parses the header. {@code hasDate} says whether the request carries an {@code X-Amz-Date} or
     * {@code Date} header, which AWS reports together with missing parameters.
     *
     * @throws ApiException IncompleteSignatureException when the header is not a complete SigV4
     *                      header, in AWS's words
     */
    static AuthorizationHeader parse(String header, boolean hasDate) {
        if (header.length() > MAX_LENGTH) {
            throw incomplete("The Authorization header is longer than " + MAX_LENGTH + " characters.");
        }
        String trimmed = header.strip();
        int space = indexOfWhitespace(trimmed);
        String algorithm = space < 0 ? trimmed : trimmed.substring(0, space);
        if (!algorithm.equals(SigV4.ALGORITHM)) {
            if (algorithm.startsWith("AWS4-") && !algorithm.contains("=")) {
                throw incomplete("Unsupported AWS 'algorithm': '" + algorithm + "'. This server accepts "
                        + SigV4.ALGORITHM + " (Signature Version 4). Authorization=" + header);
            }
            throw incomplete(missing(true, true, true, !hasDate) + "Authorization=" + header);
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        String rest = space < 0 ? "" : trimmed.substring(space + 1);
        for (String part : rest.split(",")) {
            String pair = part.strip();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw incomplete("'" + pair + "' not a valid key=value pair (missing equal-sign) in Authorization "
                        + "header: '" + header + "'.");
            }
            String key = pair.substring(0, eq).strip();
            String value = pair.substring(eq + 1).strip();
            switch (key) {
                case "Credential" -> credential = once(credential, key, value, header);
                case "SignedHeaders" -> signedHeaders = once(signedHeaders, key, value, header);
                case "Signature" -> signature = once(signature, key, value, header);
                default -> {
                    // AWS ignores other parameters.
                }
            }
        }
        String problems = missing(credential == null, signature == null, signedHeaders == null, !hasDate);
        if (!problems.isEmpty()) {
            throw incomplete(problems + "Authorization=" + header);
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5) {
            throw incomplete("Credential must have exactly 5 slash-delimited elements, e.g. "
                    + "keyid/date/region/service/term, got '" + credential + "'");
        }
        List<String> names = new ArrayList<>();
        for (String name : signedHeaders.split(";", -1)) {
            if (name.isEmpty()) {
                throw incomplete("SignedHeaders must be header names separated by ';', got '" + signedHeaders + "'.");
            }
            names.add(name);
        }
        if (names.size() > MAX_SIGNED_HEADERS) {
            throw incomplete("SignedHeaders names " + names.size() + " headers; at most " + MAX_SIGNED_HEADERS
                    + " may be signed.");
        }
        return new AuthorizationHeader(scope[0], scope[1], scope[2], scope[3], scope[4], List.copyOf(names),
                signature);
    }

    private static String once(String previous, String key, String value, String header) {
        if (previous != null) {
            throw incomplete("Authorization header has '" + key + "' more than once: '" + header + "'.");
        }
        return value;
    }

    private static String missing(boolean credential, boolean signature, boolean signedHeaders, boolean date) {
        StringBuilder out = new StringBuilder();
        if (credential) {
            out.append("Authorization header requires 'Credential' parameter. ");
        }
        if (signature) {
            out.append("Authorization header requires 'Signature' parameter. ");
        }
        if (signedHeaders) {
            out.append("Authorization header requires 'SignedHeaders' parameter. ");
        }
        if (date) {
            out.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        }
        return out.toString();
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static ApiException incomplete(String message) {
        return new ApiException(ErrorType.IncompleteSignatureException, message);
    }
}
