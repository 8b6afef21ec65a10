package dev.kiln.server;

import dev.kiln.core.error.ErrorType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Requests Jetty refuses before Kiln sees them (a malformed path, a URI or header too long) are
 * answered in AWS's error format too, not as an HTML page, so clients can read them.
 */
final class AwsErrorPages extends ErrorHandler {

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        ErrorType type = typeFor(status);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put("x-amzn-ErrorType", type.name());
        fields.put("x-amzn-RequestId", UUID.randomUUID().toString());
        return ByteBuffer.wrap(body(type, status, reason).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        int status = response.getStatus();
        ErrorType type = typeFor(status);
        response.setContentType("application/json");
        response.setHeader("x-amzn-ErrorType", type.name());
        if (response.getHeader("x-amzn-RequestId") == null) {
            response.setHeader("x-amzn-RequestId", UUID.randomUUID().toString());
        }
        Object message = request.getAttribute("jakarta.servlet.error.message");
        response.getOutputStream().write(body(type, status, message == null ? null : message.toString())
                .getBytes(StandardCharsets.UTF_8));
        baseRequest.setHandled(true);
    }

    private static ErrorType typeFor(int status) {
        return switch (status) {
            case 404 -> ErrorType.UnknownOperationException;
            case 413, 414, 431 -> ErrorType.RequestEntityTooLargeException;
            default -> status >= 500 ? ErrorType.ServiceException : ErrorType.SerializationException;
        };
    }

    private static String body(ErrorType type, int status, String reason) {
        String message = "The request could not be read (HTTP " + status + (reason == null ? "" : ": " + reason) + ")";
        return "{\"__type\":\"" + type.name() + "\",\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "'")
                .replaceAll("[\\x00-\\x1f]", " ") + "\"}";
    }
}
