package dev.kiln.core.api;

import java.util.List;
import java.util.Objects;

/**
 * One operation of the service model.
 *
 * @param name                   the operation's name, e.g. {@code CreateComponent}
 * @param method                 its HTTP method, e.g. {@code PUT}
 * @param requestUri             its URI template, e.g. {@code /CreateComponent} or
 *                               {@code /tags/{resourceArn}}
 * @param inputShape             the name of its input structure, or {@code null} when it takes none
 * @param outputShape            the name of its output structure, or {@code null} when it returns none
 * @param errorShapes            the names of the error shapes it declares, in model order
 * @param idempotencyTokenMember the name of the input member marked {@code idempotencyToken}
 *                               ({@code clientToken} in Image Builder), or {@code null}
 */
public record Operation(
        String name,
        String method,
        String requestUri,
        String inputShape,
        String outputShape,
        List<String> errorShapes,
        String idempotencyTokenMember) {

    public Operation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(requestUri, "requestUri");
        errorShapes = List.copyOf(errorShapes);
    }

    /**
     * Whether the input has an idempotency token: clients (the AWS CLI, the SDKs) fill it with a
     * fresh UUID when the caller gives none, and a repeat with the same token must return the first
     * answer.
     */
    public boolean idempotent() {
        return idempotencyTokenMember != null;
    }

    /** Whether the operation declares the named error shape. */
    public boolean declares(String errorShape) {
        return errorShapes.contains(errorShape);
    }
}
