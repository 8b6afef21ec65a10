package dev.kiln.core.resource;

import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.common.wait.Deadline;
import dev.kiln.common.s3.S3Client;
import dev.kiln.common.s3.S3Config;
import dev.kiln.common.s3.S3Exception;
import dev.kiln.common.s3.S3Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads the documents Image Builder takes by S3 URL instead of inline (a component's {@code uri}, a
 * container recipe's {@code dockerfileTemplateUri}) from Kiln's S3-compatible endpoint, once, when the
 * resource is created: the resource keeps the text, as Image Builder does, so a later change of the
 * object changes nothing. Every problem is an API error that names the member and the URL.
 */
public final class S3Documents {
    /** Larger than any document Image Builder takes; it keeps a wrong URL from filling the heap. */
    static final int MAX_BYTES = 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final S3Config s3;

    /** @param s3 Kiln's S3-compatible endpoint, or null when it has none */
    public S3Documents(S3Config s3) {
        this.s3 = s3;
    }

    /** No endpoint: every S3 URL is refused, saying how to give one. */
    public static S3Documents none() {
        return new S3Documents(null);
    }

    /**
     * @param member the request member the URL came in, for messages
     * @return the object's text (UTF-8)
     */
    public String read(String member, String url) {
        S3Location location;
        try {
            location = S3Location.parse(url);
        } catch (S3Exception e) {
            throw new ApiException(ErrorType.InvalidParameterValueException, member + ": " + e.getMessage());
        }
        if (location.key().isEmpty() || location.key().endsWith("/")) {
            throw new ApiException(ErrorType.InvalidParameterValueException, member + ": " + url
                    + " names no object (s3://bucket/key)");
        }
        if (s3 == null) {
            throw new ApiException(ErrorType.InvalidRequestException, member + ": " + url + " cannot be read: this"
                    + " Kiln server has no S3 endpoint (start it with --s3-endpoint), give the document inline");
        }
        S3Client client = new S3Client(s3, Deadline.after(TIMEOUT)::remaining);
        byte[] bytes;
        try (InputStream in = client.get(location, null)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (S3Exception e) {
            throw new ApiException(e.status() == 404 || e.status() == 403 ? ErrorType.InvalidParameterValueException
                    : ErrorType.ServiceUnavailableException, member + ": " + url + " cannot be read: " + e.getMessage());
        } catch (InterruptedException | InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ErrorType.ServiceUnavailableException, member + ": reading " + url
                    + " was interrupted");
        } catch (IOException e) {
            throw new ApiException(ErrorType.ServiceUnavailableException, member + ": " + url + " cannot be read: "
                    + (e instanceof ConnectException ? "nothing answers at " + s3.endpoint() : e.toString()));
        }
        if (bytes.length > MAX_BYTES) {
            throw new ApiException(ErrorType.InvalidParameterValueException, member + ": " + url + " is larger than "
                    + MAX_BYTES / 1024 + " KiB");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiException(ErrorType.InvalidParameterValueException, member + ": " + url
                    + " is not UTF-8 text");
        }
    }
}
