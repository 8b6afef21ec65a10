package dev.kiln.core.build;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.image.ImageRecord;
import dev.kiln.core.image.ImageStatus;
import dev.kiln.core.container.ContainerRegistry;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.core.pipeline.Dependencies;
import dev.kiln.core.recipe.ContainerImageReference;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an image build version's copies of its recipe and configurations into a {@link BuildPlan}:
 * each component ARN (wildcards included) to the newest matching version and its document, the parent
 * image to a machine image in the build's region (or, for a container recipe, to a reference in a
 * registry: a Kiln-managed base image is pushed to the region's registry first), and the settings the
 * later steps need.
 */
final class ResolveRecipeStep {
    /** What AWS launches when an infrastructure configuration names no instance type. */
    static final String DEFAULT_INSTANCE_TYPE = "m5.large";

    private final ResourceStore store;
    private final BuildEnvironment env;

    ResolveRecipeStep(ResourceStore store, BuildEnvironment env) {
        this.store = store;
        this.env = env;
    }

    /**
     * @param contextFolder the folder a container recipe's Dockerfile reads COPY and ADD sources from
     *                      (the build file's folder for {@code kiln build}); null for an empty one
     */
    BuildPlan run(StoredResource image, Path buildFolder, Path contextFolder, BuildLog log)
            throws IOException, InterruptedException {
        ImageRecord record = ImageRecord.of(image);
        ImageRecord.Recipe recipe = record.recipe().orElseThrow(() ->
                new BuildFailure("the image build version has neither an image recipe nor a container recipe"));
        CallContext ctx = new CallContext(image.accountId(), image.region(), "build");
        List<ComponentRun> components = components(ctx, recipe.components());
        ImageRecord.Infrastructure infrastructure = record.infrastructure();
        String parentImage = recipe.parentImage();
        BuildPlan.MachinePlan machinePlan = null;
        BuildPlan.ContainerPlan containerPlan = null;
        if (record.container()) {
            containerPlan = containerPlan(ctx, recipe, buildFolder, contextFolder, log);
            log.info("container recipe " + recipe.arn() + ": parent " + containerPlan.parentImage()
                    + ", " + components.size() + " component(s), pushed to "
                    + containerPlan.registry().host() + "/" + containerPlan.repositoryName());
        } else {
            MachineImage parent = parent(ctx, parentImage == null ? "" : parentImage, log);
            String instanceType = infrastructure.instanceType(DEFAULT_INSTANCE_TYPE);
            log.info("recipe " + recipe.arn() + ": parent " + parent.imageId() + " (" + parent.name()
                    + "), " + components.size() + " component(s), instance type " + instanceType);
            machinePlan = new BuildPlan.MachinePlan(parent, instanceType, userData(recipe.userDataOverride()),
                    infrastructure.terminateInstanceOnFailure());
        }
        recordResolved(ctx, image.arn(), parentImage, components);
        return new BuildPlan(image.arn(), image.region(), image.accountId(),
                new BuildPlan.Recipe(recipe.name(), recipe.version(), recipe.description(), recipe.workingDirectory()),
                components, new BuildPlan.Tests(record.testsEnabled(), record.testTimeout()),
                record.distributionConfiguration().orElse(null), machinePlan, containerPlan);
    }

    /** What this build resolved, for the scheduler's dependency-update start condition. */
    private void recordResolved(CallContext ctx, String imageArn, String parentText, List<ComponentRun> components) {
        String parent = parentText;
        if (parentText != null && parentText.startsWith("arn:")) {
            parent = parentBuild(ctx, Arn.parse(parentText).orElseThrow(), parentText).arn();
        }
        new ImageStates(store).resolved(imageArn,
                Dependencies.record(components.stream().map(ComponentRun::arn).toList(), parent));
    }

    private BuildPlan.ContainerPlan containerPlan(CallContext ctx, ImageRecord.Recipe recipe, Path buildFolder,
                                                  Path contextFolder, BuildLog log)
            throws IOException, InterruptedException {
        if (env.containers() == null || env.registries() == null) {
            throw new BuildFailure("this Kiln was started without a container engine: container recipes"
                    + " cannot be built here");
        }
        String template = recipe.dockerfileTemplate();
        if (template == null) {
            throw new BuildFailure("the container recipe " + recipe.arn()
                    + " has no Dockerfile template (dockerfileTemplateData)");
        }
        String repository = recipe.targetRepositoryName();
        if (!repository.matches("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*")) {
            throw new BuildFailure("targetRepository.repositoryName '" + repository + "' is not a repository name"
                    + " a registry accepts (lower-case letters, digits, and . _ - / between them)");
        }
        ContainerRegistry registry = env.registries().registry(ctx.region(), log);
        String parent = containerParent(ctx, recipe.parentImage() == null ? "" : recipe.parentImage(), registry, log);
        Path context = contextFolder;
        if (context == null) {
            context = Files.createDirectories(buildFolder.resolve("context"));
        }
        return new BuildPlan.ContainerPlan(registry, parent, template, repository, context);
    }

    /** The reference the container engine pulls for a container recipe's parentImage. */
    private String containerParent(CallContext ctx, String text, ContainerRegistry registry, BuildLog log)
            throws IOException, InterruptedException {
        if (!text.startsWith("arn:")) {
            ContainerImageReference reference = ContainerImageReference.parse(text).orElseThrow(() ->
                    new BuildFailure("the recipe's parentImage '" + text + "' is not a container image reference"));
            if (reference.registry() == null) {
                throw new BuildFailure("the recipe's parentImage '" + text + "' names no registry, so it means Docker"
                        + " Hub, which Kiln does not reach: name an image in a registry this machine reaches"
                        + " (this region's registry is " + registry.host() + "), or a Kiln-managed image such as "
                        + "arn:aws:imagebuilder:" + ctx.region() + ":aws:image/debian-12-container/x.x.x");
            }
            return text;
        }
        Arn arn = Arn.parse(text).orElseThrow(() -> new BuildFailure("the recipe's parentImage '" + text
                + "' is not an image ARN"));
        StoredResource build = parentBuild(ctx, arn, text);
        if (arn.owner().equals(Arn.AWS_OWNER)) {
            return env.baseImages().containerImage(build.name(), registry, log);
        }
        return ImageRecord.of(build).containerImageUri(ctx.region()).orElseThrow(() ->
                new BuildFailure("the parent image " + build.arn() + " has no container image in " + ctx.region()));
    }

    /** The newest usable build an image ARN selects; a user's image must be AVAILABLE. */
    private StoredResource parentBuild(CallContext ctx, Arn arn, String text) {
        boolean managed = arn.owner().equals(Arn.AWS_OWNER);
        StoredResource build = Versions.matching(store, managed ? new CallContext(Arn.AWS_OWNER, ctx.region(),
                        ctx.requestId()) : ctx, arn).stream()
                .filter(b -> !ImageRecord.of(b).status().unusable())
                .findFirst()
                .orElseThrow(() -> new BuildFailure("the parent image " + text + " has no usable build in "
                        + ctx.region()));
        if (!managed && ImageRecord.of(build).status() != ImageStatus.AVAILABLE) {
            throw new BuildFailure("the parent image " + build.arn() + " is " + ImageRecord.of(build).status()
                    + "; a parent image must be AVAILABLE");
        }
        return build;
    }

    private List<ComponentRun> components(CallContext ctx, List<ImageRecord.Component> given) {
        List<ComponentRun> runs = new ArrayList<>();
        for (ImageRecord.Component c : given) {
            String text = c.componentArn();
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
            runs.add(new ComponentRun(component.name(), component.arn(), document, parameters(c.parameters())));
        }
        return runs;
    }

    /** A parameter's values as the component document sees them: joined by commas. */
    private static Map<String, String> parameters(Map<String, List<String>> given) {
        Map<String, String> out = new LinkedHashMap<>();
        given.forEach((name, values) -> out.put(name, String.join(",", values)));
        return out;
    }

    /** The machine image a parent image ARN selects now in the build's region. */
    private MachineImage parent(CallContext ctx, String text, BuildLog log) throws IOException, InterruptedException {
        if (text.startsWith("ami-")) {
            return launchable(ctx, text, "the recipe's parentImage");
        }
        Arn arn = Arn.parse(text).orElseThrow(() -> new BuildFailure("the recipe's parentImage '" + text
                + "' is not an image ARN"));
        StoredResource build = parentBuild(ctx, arn, text);
        if (arn.owner().equals(Arn.AWS_OWNER)) {
            return env.baseImages().machineImage(build.name(), ctx.region(), log);
        }
        ImageRecord.Ami ami = ImageRecord.of(build).amiIn(ctx.region())
                .orElseThrow(() -> new BuildFailure("the parent image " + build.arn() + " has no AMI in "
                        + ctx.region()));
        return launchable(ctx, ami.imageId(), "the parent image " + build.arn() + "'s AMI");
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
