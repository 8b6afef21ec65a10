package dev.kiln.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.image.ImageRecord;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a recipe's wildcard-selected components and parent image resolve to, in the form a build records
 * in its image's stored body ({@link ImageRecord#resolvedDependencies()}, which the HTTP edge never
 * shows because the model has no such member):
 * {@code {"components": [build-version ARN...], "parentImage": ARN or AMI id or reference}}.
 * The scheduler compares what a recipe resolves to now with what the last successful build recorded, for
 * the start condition EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE.
 */
public final class Dependencies {
    public static final String MEMBER = ImageRecord.RESOLVED_DEPENDENCIES;

    private Dependencies() {
    }

    /** The record of one resolution. @param parentImage null when there is none */
    public static ObjectNode record(List<String> componentArns, String parentImage) {
        ObjectNode out = Json.object();
        componentArns.forEach(out.putArray("components")::add);
        if (parentImage != null) {
            out.put("parentImage", parentImage);
        }
        return out;
    }

    /**
     * What the recipe's components and parent image resolve to now, as a build starting now would
     * resolve them; a reference that resolves to nothing is recorded as null (and so differs).
     */
    public static ObjectNode current(ResourceStore store, CallContext ctx, JsonNode recipe) {
        List<String> components = new ArrayList<>();
        for (JsonNode c : recipe.path("components")) {
            components.add(newest(store, ctx, c.path("componentArn").asText(), false).orElse(null));
        }
        String parent = recipe.path("parentImage").asText(null);
        if (parent != null && parent.startsWith("arn:")) {
            parent = newest(store, ctx, parent, true).orElse(null);
        }
        return record(components, parent);
    }

    private static Optional<String> newest(ResourceStore store, CallContext ctx, String text, boolean image) {
        return Arn.parse(text).flatMap(arn -> {
            CallContext in = arn.owner().equals(Arn.AWS_OWNER)
                    ? new CallContext(Arn.AWS_OWNER, ctx.region(), ctx.requestId()) : ctx;
            return Versions.matching(store, in, arn).stream()
                    .filter(r -> !image || !ImageRecord.of(r).status().unusable())
                    .findFirst()
                    .map(StoredResource::arn);
        });
    }
}
