package dev.kiln.core.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.PlainResources;
import dev.kiln.core.resource.References;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Distribution configurations: where a built image goes. CreateDistributionConfiguration,
 * GetDistributionConfiguration, ListDistributionConfigurations, UpdateDistributionConfiguration (a full
 * replacement of description and distributions, keeping name, ARN, creation date, timeout and tags) and
 * DeleteDistributionConfiguration (refused while a pipeline uses it).
 *
 * <p>Each distribution's region must be one this server serves, at most once per configuration, and
 * must ask for at least one output, as AWS checks. Everything else in a distribution (AMI name with
 * {@code {{ imagebuilder:buildDate }}} placeholders, launch permissions, container targets, launch
 * templates, exports) is kept as given; distributing acts on it.
 */
public final class DistributionOperations {
    public static final String TYPE = "distribution-configuration";
    /** The distribution timeout the API answers when none is set; AWS answers 360 (observed). */
    public static final int DEFAULT_TIMEOUT_MINUTES = 360;
    private static final String ARN_MEMBER = "distributionConfigurationArn";
    private static final String WHAT = "distribution configuration";

    private final PlainResources resources;
    private final Clock clock;
    private final Set<String> regions;

    /**
     * @param regions the regions this server serves; distributions may only name these
     */
    public DistributionOperations(ResourceStore store, References references, Clock clock, Set<String> regions) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("a server serves at least one region");
        }
        this.resources = new PlainResources(store, references, TYPE, ARN_MEMBER, WHAT);
        this.clock = clock;
        this.regions = Set.copyOf(regions);
    }

    public void registerWith(ImageBuilderService service) {
        service.register("CreateDistributionConfiguration", this::create)
                .register("GetDistributionConfiguration", this::get)
                .register("ListDistributionConfigurations", this::list)
                .register("UpdateDistributionConfiguration", this::update)
                .register("DeleteDistributionConfiguration", this::delete);
    }

    ObjectNode create(CallContext ctx, ObjectNode in) {
        String name = in.path("name").asText();
        validate(in.path("distributions"));
        Instant now = clock.instant();
        return resources.create(ctx, name, now, arn -> {
            ObjectNode body = Json.object();
            body.put("arn", arn);
            body.put("name", name);
            Json.copy(in, body, "description", "distributions");
            body.put("timeoutMinutes", DEFAULT_TIMEOUT_MINUTES);
            body.put("dateCreated", Json.date(now));
            body.set("tags", in.hasNonNull("tags") ? in.get("tags").deepCopy() : Json.object());
            return body;
        });
    }

    ObjectNode get(CallContext ctx, ObjectNode in) {
        return resources.get(ctx, in, "distributionConfiguration", body -> {
            if (!body.hasNonNull("timeoutMinutes")) {
                body.put("timeoutMinutes", DEFAULT_TIMEOUT_MINUTES);
            }
            return body;
        });
    }

    ObjectNode list(CallContext ctx, ObjectNode in) {
        return resources.list(ctx, in, "ListDistributionConfigurations",
                "distributionConfigurationSummaryList", DistributionOperations::summary);
    }

    private static JsonNode summary(StoredResource r) {
        ObjectNode s = Json.object();
        Json.copy(r.body(), s, "arn", "name", "description", "dateCreated", "dateUpdated", "tags");
        ArrayNode regions = s.putArray("regions");
        r.body().path("distributions").forEach(d -> regions.add(d.path("region").asText()));
        return s;
    }

    /**
     * Replaces description and distributions with the request's (a description left out is removed);
     * name, ARN, creation date, timeout and tags stay.
     */
    ObjectNode update(CallContext ctx, ObjectNode in) {
        String arnText = in.path(ARN_MEMBER).asText();
        validate(in.path("distributions"));
        StoredResource current = resources.find(ctx, arnText);
        ObjectNode was = current.body();
        ObjectNode body = Json.object();
        body.put("arn", current.arn());
        body.put("name", current.name());
        Json.copy(in, body, "description", "distributions");
        body.put("timeoutMinutes", was.path("timeoutMinutes").asInt(DEFAULT_TIMEOUT_MINUTES));
        body.put("dateCreated", was.path("dateCreated").asText());
        body.put("dateUpdated", Json.date(clock.instant()));
        body.set("tags", was.hasNonNull("tags") ? was.get("tags").deepCopy() : Json.object());
        return resources.replace(current, body);
    }

    ObjectNode delete(CallContext ctx, ObjectNode in) {
        return resources.delete(ctx, in);
    }

    /**
     * Every problem with the distributions at once: at least one; each region served here and named
     * once; each distribution asking for at least one output.
     */
    void validate(JsonNode distributions) {
        if (!distributions.isArray() || distributions.isEmpty()) {
            throw ApiException.invalid("distributions: give at least one distribution, one per target region");
        }
        List<String> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < distributions.size(); i++) {
            JsonNode d = distributions.get(i);
            String region = d.path("region").asText();
            if (!regions.contains(region)) {
                problems.add("The value supplied for parameter 'distributions[" + i + "].region' is not valid: '"
                        + region + "' is not a region this server serves (" + String.join(", ", new TreeSet<>(regions))
                        + ")");
            } else if (seen.containsKey(region)) {
                problems.add("The value supplied for parameter 'distributions[" + i + "].region' is not valid: '"
                        + region + "' is already given in distributions[" + seen.get(region) + "]; name each region"
                        + " once");
            } else {
                seen.put(region, i);
            }
            if (outputs(d).isEmpty()) {
                problems.add("The value supplied for parameter 'distributions[" + i + "]' is not valid. One or more"
                        + " outputs should be provided for each region in a distribution configuration.");
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(String.join("; ", problems));
        }
    }

    /** The members of a distribution other than its region: what it asks to be done there. */
    private static Set<String> outputs(JsonNode distribution) {
        Set<String> outputs = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = distribution.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            JsonNode v = member.getValue();
            if (!member.getKey().equals("region") && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
                outputs.add(member.getKey());
            }
        }
        return outputs;
    }
}
