package dev.kiln.core.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.machine.MachineImage;
import java.time.Duration;
import java.util.List;

/**
 * Everything one image build needs, resolved from the image build version's copies of its recipe and
 * configurations when the build starts.
 *
 * @param imageArn          the image build version being built
 * @param parent            the machine image the build instance starts from
 * @param components        in recipe order
 * @param userData          the script the build instance runs at first boot, or null
 * @param workingDirectory  where component steps run on the instance, or null for the engine's default
 * @param distribution      the distribution configuration copied into the image, or null
 */
public record BuildPlan(String imageArn, String region, String accountId, String recipeName, String recipeVersion,
                        String description, MachineImage parent, List<ComponentRun> components,
                        String instanceType, String userData, String workingDirectory, boolean testsEnabled,
                        Duration testTimeout, boolean terminateInstanceOnFailure, JsonNode distribution) {
    public BuildPlan {
        components = List.copyOf(components);
    }
}
