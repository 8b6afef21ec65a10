package dev.kiln.core.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.resource.Json;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Instant;

/**
 * Recipes and configurations stored directly, as the operations of other packages would store them
 * (their bodies are the model's shapes), so image and pipeline tests depend only on the store.
 */
public final class Fixtures {
    public static final Instant CREATED = Instant.parse("2026-11-01T00:00:00Z");

    private Fixtures() {
    }

    public static StoredResource imageRecipe(ResourceStore store, CallContext ctx, String name, String version,
                                             String parentImage) {
        String arn = Arn.of(ctx.region(), ctx.accountId(), "image-recipe", name).withVersion(version).toString();
        ObjectNode body = Json.object().put("arn", arn).put("type", "AMI").put("name", name)
                .put("platform", "Linux").put("owner", ctx.accountId()).put("version", version);
        body.putArray("components").addObject().put("componentArn",
                Arn.of(ctx.region(), ctx.accountId(), "component", "hello").withVersion("1.0.0").withBuild(1).toString());
        body.put("parentImage", parentImage).put("dateCreated", Json.date(CREATED)).put("workingDirectory", "/tmp");
        body.putObject("tags");
        return put(store, new StoredResource(arn, ctx.accountId(), ctx.region(), "image-recipe", name, version, null,
                CREATED, body));
    }

    public static StoredResource containerRecipe(ResourceStore store, CallContext ctx, String name, String version) {
        String arn = Arn.of(ctx.region(), ctx.accountId(), "container-recipe", name).withVersion(version).toString();
        ObjectNode body = Json.object().put("arn", arn).put("containerType", "DOCKER").put("name", name)
                .put("platform", "Linux").put("owner", ctx.accountId()).put("version", version);
        body.putArray("components");
        body.put("parentImage", "debian:12").put("dateCreated", Json.date(CREATED)).put("workingDirectory", "/tmp");
        body.putObject("targetRepository").put("service", "ECR").put("repositoryName", name);
        body.putObject("tags");
        return put(store, new StoredResource(arn, ctx.accountId(), ctx.region(), "container-recipe", name, version,
                null, CREATED, body));
    }

    public static StoredResource infrastructure(ResourceStore store, CallContext ctx, String name) {
        String arn = Arn.of(ctx.region(), ctx.accountId(), "infrastructure-configuration", name).toString();
        ObjectNode body = Json.object().put("arn", arn).put("name", name);
        body.putArray("instanceTypes").add("m5.large");
        body.put("instanceProfileName", "kiln").put("terminateInstanceOnFailure", true)
                .put("dateCreated", Json.date(CREATED));
        body.putObject("tags");
        return put(store, new StoredResource(arn, ctx.accountId(), ctx.region(), "infrastructure-configuration", name,
                null, null, CREATED, body));
    }

    public static StoredResource distribution(ResourceStore store, CallContext ctx, String name) {
        String arn = Arn.of(ctx.region(), ctx.accountId(), "distribution-configuration", name).toString();
        ObjectNode body = Json.object().put("arn", arn).put("name", name);
        body.putArray("distributions").addObject().put("region", ctx.region())
                .putObject("amiDistributionConfiguration").put("name", "out-{{ imagebuilder:buildDate }}");
        body.put("timeoutMinutes", 360).put("dateCreated", Json.date(CREATED));
        body.putObject("tags");
        return put(store, new StoredResource(arn, ctx.accountId(), ctx.region(), "distribution-configuration", name,
                null, null, CREATED, body));
    }

    /** Sets an image's status in place, as a build would. */
    public static void setStatus(ResourceStore store, String arn, String status) {
        StoredResource r = store.get(arn).orElseThrow();
        ObjectNode body = r.body().deepCopy();
        body.putObject("state").put("status", status);
        store.update(new StoredResource(r.arn(), r.accountId(), r.region(), r.type(), r.name(), r.version(),
                r.build(), r.createdAt(), body));
    }

    private static StoredResource put(ResourceStore store, StoredResource r) {
        store.insert(r);
        return r;
    }
}
