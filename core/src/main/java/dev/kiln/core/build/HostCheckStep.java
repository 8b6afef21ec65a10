package dev.kiln.core.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.image.ImageOperations;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.machine.InstanceBackend;
import dev.kiln.core.resource.Json;
import dev.kiln.core.store.StoredResource;

/**
 * The build's first step: fails it at once, naming the Debian packages to install, when the host lacks a
 * program the build will run, rather than deep inside it (after a base image took a minute to make, say).
 * It asks the ports the build will use: the instance backend of the build's instance type, Kiln's base image
 * when the recipe's parent is one, and for a container recipe the container engine and the region's
 * registry. What else can go wrong (a recipe without a parent, an unknown instance type) is left to the
 * steps that say it best.
 */
final class HostCheckStep {
    private final BuildEnvironment env;

    HostCheckStep(BuildEnvironment env) {
        this.env = env;
    }

    /** @throws BuildFailure naming the missing programs and the Debian packages to install */
    void run(StoredResource image) {
        JsonNode body = image.body();
        boolean container = body.path("imageRecipe").isMissingNode();
        JsonNode recipe = container ? body.path("containerRecipe") : body.path("imageRecipe");
        String baseImage = kilnBaseImage(recipe.path("parentImage").asText(""));
        if (container) {
            if (env.containers() == null || env.registries() == null) {
                return;
            }
            env.containers().checkHostPrograms();
            env.registries().checkHostPrograms(image.region());
        } else {
            if (ImageOperations.RETRY_DISTRIBUTION.equals(Json.text(body, ImageOperations.RETRY))) {
                return;
            }
            String instanceType = body.path("infrastructureConfiguration").path("instanceTypes").path(0)
                    .asText(ResolveRecipeStep.DEFAULT_INSTANCE_TYPE);
            env.backends().stream().filter(b -> b.serves(instanceType)).findFirst()
                    .ifPresent(InstanceBackend::checkHostPrograms);
        }
        if (baseImage != null && env.baseImages() != null) {
            env.baseImages().checkHostPrograms(baseImage);
        }
    }

    /** The name of the Kiln-managed base image a parent image ARN selects, or null for any other parent. */
    static String kilnBaseImage(String parentImage) {
        if (!parentImage.startsWith("arn:")) {
            return null;
        }
        return Arn.parse(parentImage).filter(a -> a.owner().equals(Arn.AWS_OWNER)).map(Arn::name).orElse(null);
    }
}
