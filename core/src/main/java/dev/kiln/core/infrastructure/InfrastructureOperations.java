package dev.kiln.core.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.PlainResources;
import dev.kiln.core.resource.References;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Infrastructure configurations: where and on what a build runs. CreateInfrastructureConfiguration,
 * GetInfrastructureConfiguration, ListInfrastructureConfigurations, UpdateInfrastructureConfiguration
 * (a full replacement of the settings, keeping name, ARN, creation date and tags) and
 * DeleteInfrastructureConfiguration (refused while a pipeline uses it).
 *
 * <p>The stored body is the model's InfrastructureConfiguration shape. Kiln keeps the EC2 settings it
 * has no use for yet (subnet, security groups, instance profile, key pair, placement) as given, so that
 * clients read back what they wrote.
 */
public final class InfrastructureOperations {
    public static final String TYPE = "infrastructure-configuration";
    private static final String ARN_MEMBER = "infrastructureConfigurationArn";
    private static final String WHAT = "infrastructure configuration";

    /** The members that Create and Update both set, in the order of the model's shape. */
    private static final String[] BEFORE_DATES = {"description", "instanceTypes", "instanceProfileName",
        "securityGroupIds", "subnetId", "logging", "keyPair"};

    private final PlainResources resources;
    private final Clock clock;

    public InfrastructureOperations(ResourceStore store, References references, Clock clock) {
        this.resources = new PlainResources(store, references, TYPE, ARN_MEMBER, WHAT);
        this.clock = clock;
    }

    public void registerWith(ImageBuilderService service) {
        service.register("CreateInfrastructureConfiguration", this::create)
                .register("GetInfrastructureConfiguration", this::get)
                .register("ListInfrastructureConfigurations", this::list)
                .register("UpdateInfrastructureConfiguration", this::update)
                .register("DeleteInfrastructureConfiguration", this::delete);
    }

    ObjectNode create(CallContext ctx, ObjectNode in) {
        String name = in.path("name").asText();
        validate(in);
        Instant now = clock.instant();
        JsonNode tags = in.has("tags") && !in.get("tags").isNull() ? in.get("tags").deepCopy() : Json.object();
        return resources.create(ctx, name, now, arn -> body(arn, name, in, Json.date(now), null, tags));
    }

    ObjectNode get(CallContext ctx, ObjectNode in) {
        return resources.get(ctx, in, "infrastructureConfiguration", body -> body);
    }

    ObjectNode list(CallContext ctx, ObjectNode in) {
        return resources.list(ctx, in, "ListInfrastructureConfigurations",
                "infrastructureConfigurationSummaryList", InfrastructureOperations::summary);
    }

    private static JsonNode summary(StoredResource r) {
        ObjectNode s = Json.object();
        Json.copy(r.body(), s, "arn", "name", "description", "dateCreated", "dateUpdated", "resourceTags", "tags",
                "instanceTypes", "instanceProfileName", "placement");
        return s;
    }

    /**
     * Replaces every setting with the request's: a member left out of the request is removed (and
     * terminateInstanceOnFailure goes back to true), as the model's "update" of a whole configuration.
     */
    ObjectNode update(CallContext ctx, ObjectNode in) {
        String arnText = in.path(ARN_MEMBER).asText();
        validate(in);
        StoredResource current = resources.find(ctx, arnText);
        JsonNode tags = current.body().has("tags") ? current.body().get("tags").deepCopy() : Json.object();
        ObjectNode body = body(current.arn(), current.name(), in, current.body().path("dateCreated").asText(),
                Json.date(clock.instant()), tags);
        return resources.replace(current, body);
    }

    ObjectNode delete(CallContext ctx, ObjectNode in) {
        return resources.delete(ctx, in);
    }

    /** The InfrastructureConfiguration shape, its members in the model's order. */
    private static ObjectNode body(String arn, String name, JsonNode settings, String dateCreated,
                                   String dateUpdated, JsonNode tags) {
        ObjectNode b = Json.object();
        b.put("arn", arn);
        b.put("name", name);
        Json.copy(settings, b, BEFORE_DATES);
        JsonNode terminate = settings.get("terminateInstanceOnFailure");
        b.put("terminateInstanceOnFailure", terminate == null || !terminate.isBoolean() || terminate.asBoolean());
        Json.copy(settings, b, "snsTopicArn");
        b.put("dateCreated", dateCreated);
        if (dateUpdated != null) {
            b.put("dateUpdated", dateUpdated);
        }
        Json.copy(settings, b, "resourceTags", "instanceMetadataOptions");
        b.set("tags", tags);
        Json.copy(settings, b, "placement");
        return b;
    }

    /** What the model cannot say: well-formed instance types and a consistent placement. */
    static void validate(JsonNode in) {
        List<String> problems = new ArrayList<>();
        JsonNode types = in.path("instanceTypes");
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i).asText();
            if (!InstanceTypes.isWellFormed(type)) {
                problems.add("instanceTypes[" + i + "] '" + type + "' is not an instance type: give a family and"
                        + " a size such as m5.large, or " + InstanceTypes.SANDBOX);
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(String.join("; ", problems));
        }
        JsonNode placement = in.path("placement");
        boolean hostId = placement.hasNonNull("hostId");
        boolean hostGroup = placement.hasNonNull("hostResourceGroupArn");
        if (hostId && hostGroup) {
            throw new ApiException(ErrorType.InvalidParameterCombinationException,
                    "placement: give at most one of hostId and hostResourceGroupArn");
        }
        if ((hostId || hostGroup) && !"host".equals(placement.path("tenancy").asText(null))) {
            throw new ApiException(ErrorType.InvalidParameterCombinationException, "placement."
                    + (hostId ? "hostId" : "hostResourceGroupArn") + " applies only when placement.tenancy is host");
        }
    }
}
