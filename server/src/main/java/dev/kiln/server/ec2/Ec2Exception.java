package dev.kiln.server.ec2;

/**
 * An EC2 error as AWS names it ({@code InvalidAMIID.NotFound}, {@code AuthFailure}, ...), answered
 * as {@code <Response><Errors><Error>} with an HTTP status.
 */
final class Ec2Exception extends RuntimeException {
    private final String code;
    private final int status;

    Ec2Exception(String code, String message) {
        this(code, message, 400);
    }

    Ec2Exception(String code, String message, int status) {
        super(message);
        this.code = code;
        this.status = status;
    }

    String code() {
        return code;
    }

    int status() {
        return status;
    }

    static Ec2Exception notFound(String imageId) {
        return new Ec2Exception("InvalidAMIID.NotFound", "The image id '[" + imageId + "]' does not exist");
    }

    static Ec2Exception notAuthorized(String imageId) {
        return new Ec2Exception("AuthFailure", "Not authorized for image:" + imageId);
    }

    static Ec2Exception invalidValue(String message) {
        return new Ec2Exception("InvalidParameterValue", message);
    }

    static Ec2Exception missing(String parameter) {
        return new Ec2Exception("MissingParameter", "The request must contain the parameter " + parameter);
    }
}
