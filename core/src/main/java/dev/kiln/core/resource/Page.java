package dev.kiln.core.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One page of a List operation: {@code maxResults} (1 to 25, default 25) items from where the opaque
 * {@code nextToken} says, and the token for the next page when there is one. The token carries the
 * position and a fingerprint of the query, so a token from another query is refused.
 */
public record Page<T>(List<T> items, String nextToken) {

    public static final int DEFAULT_MAX_RESULTS = 25;

    public static <T> Page<T> of(List<T> all, ObjectNode input, String operation) {
        int max = input.path("maxResults").asInt(DEFAULT_MAX_RESULTS);
        if (max < 1 || max > 25) {
            throw new ApiException(ErrorType.InvalidRequestException, "maxResults must be between 1 and 25");
        }
        String fingerprint = fingerprint(input, operation);
        int offset = 0;
        JsonNode token = input.get("nextToken");
        if (token != null && !token.isNull()) {
            offset = decode(token.asText(), fingerprint);
        }
        if (offset > all.size()) {
            throw invalidToken();
        }
        int end = Math.min(all.size(), offset + max);
        String next = end < all.size() ? encode(end, fingerprint) : null;
        return new Page<>(List.copyOf(all.subList(offset, end)), next);
    }

    /** Sets the list member and, when there is more, nextToken. */
    public void writeTo(ObjectNode output, String listMember, java.util.function.Function<T, JsonNode> toJson) {
        var array = output.putArray(listMember);
        items.forEach(i -> array.add(toJson.apply(i)));
        if (nextToken != null) {
            output.put("nextToken", nextToken);
        }
    }

    private static String fingerprint(ObjectNode input, String operation) {
        ObjectNode q = input.deepCopy();
        q.remove("nextToken");
        q.remove("maxResults");
        return Integer.toHexString((operation + q).hashCode());
    }

    private static String encode(int offset, String fingerprint) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("v1:" + offset + ":" + fingerprint).getBytes(StandardCharsets.UTF_8));
    }

    private static int decode(String token, String fingerprint) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            if (parts.length != 3 || !parts[0].equals("v1") || !parts[2].equals(fingerprint)) {
                throw invalidToken();
            }
            int offset = Integer.parseInt(parts[1]);
            if (offset < 0) {
                throw invalidToken();
            }
            return offset;
        } catch (IllegalArgumentException e) {
            throw invalidToken();
        }
    }

    private static ApiException invalidToken() {
        return new ApiException(ErrorType.InvalidPaginationTokenException,
                "nextToken is not a token this list operation gave out with these parameters");
    }
}
