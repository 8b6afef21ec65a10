package dev.kiln.core.error;

/**
 * The error shapes of the Image Builder API, with the HTTP status each is answered with. The names
 * are the model's exception shape names, which clients map to exception classes.
 */
public enum ErrorType {
    ClientException(400),
    InvalidRequestException(400),
    InvalidParameterException(400),
    InvalidParameterValueException(400),
    InvalidParameterCombinationException(400),
    InvalidVersionNumberException(400),
    InvalidPaginationTokenException(400),
    IdempotentParameterMismatchException(400),
    ResourceAlreadyExistsException(400),
    ResourceInUseException(400),
    ResourceDependencyException(400),
    ForbiddenException(403),
    AccessDeniedException(403),
    ResourceNotFoundException(404),
    ServiceQuotaExceededException(402),
    DryRunOperationException(412),
    CallRateLimitExceededException(429),
    TooManyRequestsException(429),
    ServiceException(500),
    ServiceUnavailableException(503),
    // Authentication failures, named as AWS's front door names them (not in the Image Builder model).
    UnrecognizedClientException(403),
    InvalidSignatureException(403),
    IncompleteSignatureException(403),
    MissingAuthenticationTokenException(403),
    UnknownOperationException(404),
    SerializationException(400),
    RequestEntityTooLargeException(413);

    private final int status;

    ErrorType(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
