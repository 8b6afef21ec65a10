package dev.kiln.core.error;

/**
 * A request failed in a way the client should be told about: one of the API's error shapes and a
 * message naming what is wrong and where (field, ARN). The HTTP edge turns it into AWS's wire format.
 */
public class ApiException extends RuntimeException {
    private final ErrorType type;

    public ApiException(ErrorType type, String message) {
        super(message);
        this.type = type;
    }

    public ErrorType type() {
        return type;
    }

    public static ApiException notFound(String message) {
        return new ApiException(ErrorType.ResourceNotFoundException, message);
    }

    public static ApiException invalid(String message) {
        return new ApiException(ErrorType.InvalidParameterValueException, message);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(ErrorType.InvalidRequestException, message);
    }
}
