package dev.kiln.server.auth;

import dev.kiln.common.sigv4.CanonicalRequest;
import dev.kiln.common.sigv4.SigV4;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.store.AccessKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Verifies the AWS Signature Version 4 of a request, as AWS's front door does for a JSON service:
 * the {@code Authorization} header is parsed, the request time must be within 15 minutes of the
 * server clock, the credential scope must name a served region and the {@code imagebuilder} service,
 * the access key must exist and be active, and the signature computed from the canonical request
 * must equal the one sent (compared in constant time).
 *
 * <p>The canonical request, string to sign, signing key and signature are the ones the S3 client
 * signs with ({@link CanonicalRequest} and {@link SigV4} in {@code dev.kiln.common.sigv4}); this
 * class adds what is particular to a server: reading the request, the clock skew, the scope and key
 * checks, and AWS's error names.
 *
 * <p>Failures are {@link ApiException}s with the error names and messages AWS answers, all HTTP 403:
 * MissingAuthenticationTokenException, IncompleteSignatureException, UnrecognizedClientException,
 * InvalidSignatureException. Secrets never appear in messages.
 */
public final class SigV4Verifier {
    /** The signing name of EC2 Image Builder. */
    public static final String SERVICE = "imagebuilder";
    /** How far the request time may be from the server clock, either way. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(15);

    static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature "
            + "you provided. Check your AWS Secret Access Key and signing method. Consult the service "
            + "documentation for details.";
    static final String INVALID_TOKEN = "The security token included in the request is invalid.";

    /** Bound on the canonical header block, far above what HTTP servers accept anyway. */
    static final int MAX_CANONICAL_HEADERS = 16 * 1024;
    /** Bound on path plus query. */
    static final int MAX_URI = 16 * 1024;

    private static final DateTimeFormatter AMZ_DATE = SigV4.AMZ_DATE;
    private static final Pattern AMZ_DATE_SHAPE = Pattern.compile("\\d{8}T\\d{6}Z");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private final Function<String, Optional<AccessKey>> keys;
    private final Clock clock;
    private final Set<String> regions;
    private final String service;

    /**
     * @param keys    finds an access key by id (revoked keys may be returned, with {@code active} false)
     * @param clock   the server clock that request times are checked against
     * @param regions the region names this server serves
     */
    public SigV4Verifier(Function<String, Optional<AccessKey>> keys, Clock clock, Set<String> regions) {
        this(keys, clock, regions, SERVICE);
    }

    /** With another signing name: for AWS's test suite, which signs for service {@code service}. */
    SigV4Verifier(Function<String, Optional<AccessKey>> keys, Clock clock, Set<String> regions, String service) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.regions = Set.copyOf(regions);
        this.service = Objects.requireNonNull(service, "service");
        if (this.regions.isEmpty()) {
            throw new IllegalArgumentException("at least one region must be served");
        }
    }

    /**
     * The same verifier (same keys, clock and regions) for requests signed for another service: the
     * EC2 Query API that the server answers beside Image Builder is signed for {@code ec2}.
     */
    public SigV4Verifier forService(String service) {
        return new SigV4Verifier(keys, clock, regions, service);
    }

    /**
     * Verifies the request's signature.
     *
     * @return the caller: account, access key, and the region and service of the credential scope
     * @throws ApiException when the request is not signed, or not signed correctly
     */
    public VerifiedCaller verify(SignedRequest request) {
        List<String> authorizations = request.headerValues("Authorization");
        if (authorizations.isEmpty()) {
            if (request.rawQuery().contains("X-Amz-Signature=")) {
                throw new ApiException(ErrorType.IncompleteSignatureException, "Presigned (query string) "
                        + "requests are not supported: sign with the Authorization header.");
            }
            throw new ApiException(ErrorType.MissingAuthenticationTokenException, "Missing Authentication Token");
        }
        if (authorizations.size() > 1) {
            throw incomplete("The request has more than one Authorization header.");
        }
        if (request.rawPath().length() + request.rawQuery().length() > MAX_URI) {
            throw incomplete("The request path and query string are longer than " + MAX_URI + " characters.");
        }

        Optional<String> amzDateHeader = request.header("X-Amz-Date");
        Optional<String> dateHeader = request.header("Date");
        AuthorizationHeader auth = AuthorizationHeader.parse(authorizations.get(0),
                amzDateHeader.isPresent() || dateHeader.isPresent());

        // The request time, in the form that enters the string to sign.
        Instant requestTime;
        String amzDate;
        if (amzDateHeader.isPresent()) {
            amzDate = amzDateHeader.get().strip();
            requestTime = parseAmzDate(amzDate);
        } else {
            requestTime = parseHttpDate(dateHeader.orElseThrow().strip());
            amzDate = AMZ_DATE.format(requestTime);
        }
        checkSkew(requestTime, amzDate);

        if (!auth.terminator().equals(SigV4.TERMINATOR)) {
            throw invalid("Credential should be scoped with a valid terminator: '" + SigV4.TERMINATOR + "', not '"
                    + auth.terminator() + "'.");
        }
        if (!auth.date().equals(amzDate.substring(0, 8))) {
            throw invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
                    + "HTTP: '" + auth.date() + "' != '" + amzDate.substring(0, 8) + "', from '" + amzDate + "'.");
        }
        if (!auth.service().equals(service)) {
            throw invalid("Credential should be scoped to correct service: '" + service + "', not '"
                    + auth.service() + "'.");
        }
        if (!regions.contains(auth.region())) {
            throw invalid("Credential should be scoped to a valid region, not '" + auth.region()
                    + "'. This server serves " + String.join(", ", new TreeSet<>(regions)) + ".");
        }
        if (!auth.signedHeaders().contains("host")) {
            throw incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        if (request.header("X-Amz-Security-Token").isPresent()) {
            throw new ApiException(ErrorType.UnrecognizedClientException, INVALID_TOKEN
                    + " This server issues no session tokens: sign with an access key and secret only.");
        }

        AccessKey key = keys.apply(auth.accessKeyId()).filter(AccessKey::active).orElseThrow(
                () -> new ApiException(ErrorType.UnrecognizedClientException, INVALID_TOKEN));

        String payloadHash = payloadHash(request);
        String canonicalHeaders = CanonicalRequest.canonicalHeaders(auth.signedHeaders(), request::headerValues);
        if (canonicalHeaders.length() > MAX_CANONICAL_HEADERS) {
            throw incomplete("The signed headers are longer than " + MAX_CANONICAL_HEADERS + " characters.");
        }
        String canonicalRequest = CanonicalRequest.of(request.method(),
                CanonicalRequest.canonicalUri(request.rawPath()), CanonicalRequest.canonicalQuery(request.rawQuery()),
                canonicalHeaders, auth.signedHeaders(), payloadHash);
        String stringToSign = SigV4.stringToSign(amzDate, auth.scope(), canonicalRequest);
        byte[] signingKey = SigV4.signingKey(key.secretAccessKey(), auth.date(), auth.region(), auth.service());
        String expected = SigV4.signature(signingKey, stringToSign);
        if (!SigV4.sameSignature(expected, auth.signature())) {
            throw invalid(SIGNATURE_MISMATCH + "\n\nThe Canonical String for this request should have been\n'"
                    + canonicalRequest + "'\n\nThe String-to-Sign should have been\n'" + stringToSign + "'\n");
        }
        return new VerifiedCaller(key.accountId(), key.accessKeyId(), auth.region(), auth.service());
    }

    /** {@code x-amz-content-sha256} when sent (it must then be the body's hash), else the body's hash. */
    private static String payloadHash(SignedRequest request) {
        String actual = SigV4.sha256Hex(request.body());
        Optional<String> declared = request.header("X-Amz-Content-SHA256").map(String::strip);
        if (declared.isEmpty()) {
            return actual;
        }
        String value = declared.get();
        if (!SHA256_HEX.matcher(value).matches()) {
            throw invalid("x-amz-content-sha256 must be the hex SHA-256 of the request body; '" + abbreviate(value)
                    + "' (unsigned or streaming payloads) is not accepted.");
        }
        if (!value.equalsIgnoreCase(actual)) {
            throw invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        return value;
    }

    private void checkSkew(Instant requestTime, String amzDate) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant earliest = now.minus(MAX_SKEW);
        Instant latest = now.plus(MAX_SKEW);
        if (requestTime.isBefore(earliest)) {
            throw invalid("Signature expired: " + amzDate + " is now earlier than " + AMZ_DATE.format(earliest)
                    + " (" + AMZ_DATE.format(now) + " - " + MAX_SKEW.toMinutes() + " min.)");
        }
        if (requestTime.isAfter(latest)) {
            throw invalid("Signature not yet current: " + amzDate + " is still later than "
                    + AMZ_DATE.format(latest) + " (" + AMZ_DATE.format(now) + " + " + MAX_SKEW.toMinutes()
                    + " min.)");
        }
    }

    private static Instant parseAmzDate(String value) {
        if (AMZ_DATE_SHAPE.matcher(value).matches()) {
            try {
                return AMZ_DATE.parse(value, Instant::from);
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw incomplete("Date must be in ISO-8601 'basic format'. Got '" + abbreviate(value)
                + "'. See http://en.wikipedia.org/wiki/ISO_8601");
    }

    private static Instant parseHttpDate(String value) {
        try {
            return DateTimeFormatter.RFC_1123_DATE_TIME.parse(value, Instant::from);
        } catch (DateTimeParseException e) {
            throw incomplete("Date must be an RFC 1123 date such as 'Sun, 30 Aug 2015 12:36:00 GMT', or send "
                    + "X-Amz-Date. Got '" + abbreviate(value) + "'.");
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }

    private static ApiException incomplete(String message) {
        return new ApiException(ErrorType.IncompleteSignatureException, message);
    }

    private static ApiException invalid(String message) {
        return new ApiException(ErrorType.InvalidSignatureException, message);
    }
}
