package dev.kiln.core.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.image.ImageBuilds;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an image build version's copies of its recipe and configurations into a {@link BuildPlan}:
 * each component ARN (wildcards included) to the newest matching version and its document, the parent
 * image to a machine image in the build's region, and the settings the later steps need.
 */
final class ResolveRecipeStep {
    /** What AWS launches when an infrastructure configuration names no instance type. */
    static final String DEFAULT_INSTANCE_TYPE = "m5.large";
    private static final Set<String> UNUSABLE = Set.of("FAILED", "CANCELLED", "DELETED", "DISABLED");

    private final ResourceStore store;
    private final BuildEnvironment env;

    ResolveRecipeStep(ResourceStore store, BuildEnvironment env) {
        this.store = store;
        this.env = env;
    }

    BuildPlan run(StoredResource image, BuildLog log) throws IOException, InterruptedException {
        JsonNode body = image.body();
        JsonNode recipe = body.path("imageRecipe");
        if (recipe.isMissingNode()) {
            throw new BuildFailure("Kiln builds machine images only so far: container recipes are not built yet");
        }
        CallContext ctx = new CallContext(image.accountId(), image.region(), "build");
        List<ComponentRun> components = components(ctx, recipe.path("components"));
        MachineImage parent = parent(ctx, recipe.path("parentImage").asText(), log);
        JsonNode infrastructure = body.path("infrastructureConfiguration");
        String instanceType = infrastructure.path("instanceTypes").path(0).asText(DEFAULT_INSTANCE_TYPE);
        JsonNode tests = body.path("imageTestsConfiguration");
        log.info("recipe " + recipe.path("arn").asText() + ": parent " + parent.imageId() + " (" + parent.name()
                + "), " + components.size() + " component(s), instance type " + instanceType);
        return new BuildPlan(image.arn(), image.region(), image.accountId(), recipe.path("name").asText(),
                recipe.path("version").asText(), recipe.path("description").asText(null), parent, components,
                instanceType, userData(recipe.path("additionalInstanceConfiguration").path("userDataOverride")),
                Json.text(recipe, "workingDirectory"), tests.path("imageTestsEnabled").asBoolean(true),
                Duration.ofMinutes(tests.path("timeoutMinutes").asInt(720)),
                infrastructure.path("terminateInstanceOnFailure").asBoolean(true),
                body.hasNonNull("distributionConfiguration") ? body.get("distributionConfiguration") : null);
    }

    private List<ComponentRun> components(CallContext ctx, JsonNode given) {
        List<ComponentRun> runs = new ArrayList<>();
        for (JsonNode c : given) {
            String text = c.path("componentArn").asText();
            Arn arn = Arn.parse(text).orElseThrow(() -> new BuildFailure("the recipe names a component that is not"
                    + " a component ARN: " + text));
            CallContext owner = new CallContext(arn.owner(), ctx.region(), ctx.requestId());
            StoredResource component = Versions.matching(store, arn.owner().equals(Arn.AWS_OWNER) ? owner : ctx, arn)
                    .stream().findFirst()
                    .orElseThrow(() -> new BuildFailure("the component " + text + " no longer exists"));
            String document = Json.text(component.body(), "data");
            if (document == null) {
                throw new BuildFailure("the component " + component.arn() + " has no document to run");
            }
            runs.add(new ComponentRun(component.name(), component.arn(), document, parameters(c.path("parameters"))));
        }
        return runs;
    }

    private static Map<String, String> parameters(JsonNode given) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode p : given) {
            List<String> values = new ArrayList<>();
            p.path("value").forEach(v -> values.add(v.asText()));
            out.put(p.path("name").asText(), String.join(",", values));
        }
        return out;
    }

    /** The machine image a parent image ARN selects now in the build's region. */
    private MachineImage parent(CallContext ctx, String text, BuildLog log) throws IOException, InterruptedException {
        if (text.startsWith("ami-")) {
            return launchable(ctx, text, "the recipe's parentImage");
        }
        Arn arn = Arn.parse(text).orElseThrow(() -> new BuildFailure("the recipe's parentImage '" + text
                + "' is not an image ARN"));
        boolean managed = arn.owner().equals(Arn.AWS_OWNER);
        StoredResource build = Versions.matching(store, managed ? new CallContext(Arn.AWS_OWNER, ctx.region(),
                        ctx.requestId()) : ctx, arn).stream()
                .filter(b -> !UNUSABLE.contains(ImageBuilds.status(b)))
                .findFirst()
                .orElseThrow(() -> new BuildFailure("the parent image " + text + " has no usable build in "
                        + ctx.region()));
        if (managed) {
            return env.baseImages().machineImage(build.name(), ctx.region(), log);
        }
        if (!"AVAILABLE".equals(ImageBuilds.status(build))) {
            throw new BuildFailure("the parent image " + build.arn() + " is " + ImageBuilds.status(build)
                    + "; a parent image must be AVAILABLE");
        }
        for (JsonNode ami : build.body().path("outputResources").path("amis")) {
            if (ctx.region().equals(ami.path("region").asText())) {
                return launchable(ctx, ami.path("image").asText(), "the parent image " + build.arn() + "'s AMI");
            }
        }
        throw new BuildFailure("the parent image " + build.arn() + " has no AMI in " + ctx.region());
    }

    private MachineImage launchable(CallContext ctx, String imageId, String what) {
        MachineImage image = env.images().find(ctx.region(), imageId)
                .orElseThrow(() -> new BuildFailure(what + " " + imageId + " does not exist in " + ctx.region()));
        if (!image.launchableBy(ctx.accountId())) {
            throw new BuildFailure(what + " " + imageId + " is not shared with account " + ctx.accountId());
        }
        return image;
    }

    /**
     * userDataOverride is base64 in AWS (CloudFormation wraps it in Fn::Base64); Kiln also takes a
     * plain script, which is what people paste by hand.
     */
    static String userData(JsonNode given) {
        if (given == null || !given.isTextual() || given.asText().isBlank()) {
            return null;
        }
        String text = given.asText();
        try {
            String decoded = new String(Base64.getMimeDecoder().decode(text), StandardCharsets.UTF_8);
            if (decoded.startsWith("#!") || decoded.startsWith("#cloud-config")) {
                return decoded;
            }
        } catch (IllegalArgumentException e) {
            // Not base64: a plain script.
        }
        return text;
    }
}
