package dev.kiln.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.api.Operation;
import dev.kiln.core.api.ServiceModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The Image Builder model as Kiln serves it, and its shapes as JSON, for generators and mutators to read. */
public final class ModelShapes {
    public static final ServiceModel MODEL = ServiceModel.imageBuilder();
    private static final JsonNode RAW = rawModel();
    public static final JsonNode SHAPES = RAW.path("shapes");
    /** The error shapes of the model. */
    public static final Set<String> ERRORS = modelErrors();
    /** Errors answered by AWS's front door (and Kiln's edge) before an operation is involved. */
    public static final Set<String> PROTOCOL_ERRORS = Set.of("SerializationException",
            "RequestEntityTooLargeException", "UnknownOperationException", "MissingAuthenticationTokenException",
            "IncompleteSignatureException", "InvalidSignatureException", "UnrecognizedClientException");

    private ModelShapes() {
    }

    public static Operation operation(String name) {
        return MODEL.operation(name).orElseThrow();
    }

    /** Every operation of the model, deletes last (so that what they remove is not missing for the others). */
    public static List<Operation> operationsDeletesLast() {
        List<Operation> ops = new ArrayList<>(MODEL.operations());
        ops.sort((a, b) -> Boolean.compare(destructive(a), destructive(b)));
        return ops;
    }

    static boolean destructive(Operation op) {
        return op.method().equals("DELETE");
    }

    /** Whether an operation may change what is stored: neither a GET nor a List or Get operation. */
    public static boolean mutating(Operation op) {
        return !op.method().equals("GET") && !op.name().startsWith("List") && !op.name().startsWith("Get");
    }

    /** The JSON of a shape (a missing node for none). */
    public static JsonNode shape(String name) {
        return SHAPES.path(name);
    }

    private static JsonNode rawModel() {
        try (InputStream in = ServiceModel.class.getResourceAsStream("imagebuilder-2019-12-02.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> modelErrors() {
        Set<String> errors = new TreeSet<>();
        RAW.path("shapes").fields().forEachRemaining(e -> {
            if (e.getValue().path("exception").asBoolean(false)) {
                errors.add(e.getKey());
            }
        });
        return errors;
    }
}
