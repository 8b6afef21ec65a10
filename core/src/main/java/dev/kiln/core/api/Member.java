package dev.kiln.core.api;

/**
 * One member of a structure (or the {@code member}/{@code key}/{@code value} of a list or map): its
 * name, the shape it refers to, and where it travels in an HTTP request.
 *
 * @param name             the member's name, which is also its key in bound inputs and in the
 *                         objects the service builds
 * @param target           the name of the member's shape
 * @param location         where the member is carried
 * @param locationName     the query parameter, URI label or header name, or (for a body member) the
 *                         JSON key when it differs from the member name; {@code null} when not set
 * @param idempotencyToken whether the model marks the member {@code idempotencyToken}
 */
record Member(String name, String target, Location location, String locationName, boolean idempotencyToken) {

    /** Where a member travels in an HTTP request (botocore's {@code location}). */
    enum Location {
        BODY, QUERY, URI, HEADER;

        static Location of(String modelName) {
            if (modelName == null) {
                return BODY;
            }
            return switch (modelName) {
                case "querystring" -> QUERY;
                case "uri" -> URI;
                case "header" -> HEADER;
                default -> throw new IllegalStateException("unsupported member location '" + modelName + "'");
            };
        }
    }

    /** The member's name on the wire: its {@code locationName} when the model gives one. */
    String wireName() {
        return locationName != null ? locationName : name;
    }
}
