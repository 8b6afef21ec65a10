package dev.kiln.core.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.container.ContainerRegistry;
import dev.kiln.core.machine.MachineImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything one image build needs, resolved from the image build version's copies of its recipe and
 * configurations when the build starts.
 *
 * @param imageArn          the image build version being built
 * @param parent            the machine image the build instance starts from (null for a container recipe)
 * @param components        in recipe order
 * @param userData          the script the build instance runs at first boot, or null
 * @param workingDirectory  where component steps run on the instance, or null for the engine's default
 * @param distribution      the distribution configuration copied into the image, or null
 * @param container         for a container recipe, what only container builds need; else null
 */
public record BuildPlan(String imageArn, String region, String accountId, String recipeName, String recipeVersion,
                        String description, MachineImage parent, List<ComponentRun> components,
                        String instanceType, String userData, String workingDirectory, boolean testsEnabled,
                        Duration testTimeout, boolean terminateInstanceOnFailure, JsonNode distribution,
                        ContainerPlan container) {
    public BuildPlan {
        components = List.copyOf(components);
    }

    /**
     * What a container build needs besides the components.
     *
     * @param registry         the build region's registry, which receives the image
     * @param parentImage      a reference the container engine pulls
     * @param template         the recipe's Dockerfile template
     * @param repositoryName   the targetRepository's repository in the build region's registry
     * @param contextFolder    the folder COPY and ADD lines read from
     */
    public record ContainerPlan(ContainerRegistry registry, String parentImage, String template, String repositoryName,
                                Path contextFolder) {
    }
}
