package dev.kiln.core.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.store.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Image Builder API behind the HTTP edge: dispatches each operation to its handler, makes calls
 * that carry a clientToken idempotent, and stamps the request id on every answer. Inputs arrive bound
 * and validated against the model; outputs leave to be shaped by it.
 */
public final class ImageBuilderService {
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, OperationHandler> handlers = new HashMap<>();
    private final IdempotencyStore idempotency;

    public ImageBuilderService(IdempotencyStore idempotency) {
        this.idempotency = idempotency;
    }

    public ImageBuilderService register(String operation, OperationHandler handler) {
        handlers.put(operation, handler);
        return this;
    }

    public Set<String> operations() {
        return Set.copyOf(handlers.keySet());
    }

    public ObjectNode call(CallContext context, String operation, ObjectNode input) {
        OperationHandler handler = handlers.get(operation);
        if (handler == null) {
            throw new ApiException(ErrorType.InvalidRequestException,
                    operation + " is not supported by Kiln yet");
        }
        JsonNode token = input.get("clientToken");
        if (token == null || !token.isTextual()) {
            return stamp(handler.handle(context, input), context);
        }
        String hash = hashWithoutToken(input);
        Optional<IdempotencyStore.Remembered> earlier = idempotency.find(context.accountId(), context.region(),
                operation, token.asText());
        if (earlier.isPresent()) {
            return replay(earlier.get(), hash, context, token.asText());
        }
        ObjectNode output = handler.handle(context, input);
        output.put("clientToken", token.asText());
        IdempotencyStore.Remembered kept = idempotency.remember(context.accountId(), context.region(), operation,
                token.asText(), hash, output.toString());
        if (!kept.requestHash().equals(hash) || !kept.responseJson().equals(output.toString())) {
            // A concurrent call with the same token was recorded first: answer as it was answered.
            return replay(kept, hash, context, token.asText());
        }
        return stamp(output, context);
    }

    private ObjectNode replay(IdempotencyStore.Remembered earlier, String hash, CallContext context, String token) {
        if (!earlier.requestHash().equals(hash)) {
            throw new ApiException(ErrorType.IdempotentParameterMismatchException, "clientToken '" + token
                    + "' was already used with other parameters");
        }
        try {
            return stamp((ObjectNode) JSON.readTree(earlier.responseJson()), context);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored answer is not JSON", e);
        }
    }

    private static ObjectNode stamp(ObjectNode output, CallContext context) {
        output.put("requestId", context.requestId());
        return output;
    }

    static String hashWithoutToken(ObjectNode input) {
        ObjectNode copy = input.deepCopy();
        copy.remove("clientToken");
        try {
            Object canonical = CANONICAL.treeToValue(copy, Object.class);
            byte[] bytes = CANONICAL.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
