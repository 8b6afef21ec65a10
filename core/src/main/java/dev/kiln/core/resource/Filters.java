package dev.kiln.core.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A List operation's {@code filters}: each {@code {name, values}} keeps items whose field equals one
 * of the values; all filters must hold. Each operation names the filters it supports and how to read
 * each from an item.
 */
public final class Filters {
    private Filters() {
    }

    public static <T> Predicate<T> from(ObjectNode input, Map<String, Function<T, String>> supported) {
        List<Predicate<T>> all = new ArrayList<>();
        for (JsonNode f : input.path("filters")) {
            String name = f.path("name").asText();
            Function<T, String> field = supported.get(name);
            if (field == null) {
                throw new ApiException(ErrorType.InvalidRequestException, "filter '" + name + "' is not supported"
                        + " here; use one of " + String.join(", ", new java.util.TreeSet<>(supported.keySet())));
            }
            Set<String> values = new java.util.HashSet<>();
            f.path("values").forEach(v -> values.add(v.asText()));
            all.add(item -> values.contains(field.apply(item)));
        }
        return item -> all.stream().allMatch(p -> p.test(item));
    }
}
