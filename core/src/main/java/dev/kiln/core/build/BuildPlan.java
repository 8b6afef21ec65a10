package dev.kiln.core.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.container.ContainerRegistry;
import dev.kiln.core.machine.MachineImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything one image build needs, resolved from the image build version's copies of its recipe and
 * configurations when the build starts. What only machine builds need and what only container builds
 * need are parts of their own: exactly one of {@code machine} and {@code container} is given.
 *
 * @param imageArn      the image build version being built
 * @param recipe        what the recipe says of itself and where its steps run
 * @param components    in recipe order
 * @param tests         whether and how long the image is tested
 * @param distribution  the distribution configuration copied into the image, or null
 * @param machine       for an image recipe, what only machine builds need; else null
 * @param container     for a container recipe, what only container builds need; else null
 */
public record BuildPlan(String imageArn, String region, String accountId, Recipe recipe,
                        List<ComponentRun> components, Tests tests, JsonNode distribution, MachinePlan machine,
                        ContainerPlan container) {
    public BuildPlan {
        components = List.copyOf(components);
        if ((machine == null) == (container == null)) {
            throw new IllegalArgumentException("a build plan is for a machine image or a container image: give"
                    + " exactly one of machine and container");
        }
    }

    /**
     * The recipe's name, version and description, as the image's name and description use them.
     *
     * @param description      or null
     * @param workingDirectory where component steps run, or null for the engine's default
     */
    public record Recipe(String name, String version, String description, String workingDirectory) {
    }

    /** @param enabled false: no test instance or container at all */
    public record Tests(boolean enabled, Duration timeout) {
    }

    /**
     * What a machine image build needs besides the components.
     *
     * @param parent                     the machine image the build instance starts from
     * @param userData                   the script the build instance runs at first boot, or null
     * @param terminateInstanceOnFailure false: a failed build's instance is kept running to look into
     */
    public record MachinePlan(MachineImage parent, String instanceType, String userData,
                              boolean terminateInstanceOnFailure) {
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
