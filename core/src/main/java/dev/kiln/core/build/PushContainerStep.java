package dev.kiln.core.build;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.container.ContainerEngine;
import dev.kiln.core.container.ContainerRegistry;
import dev.kiln.core.resource.Json;
import java.io.IOException;

/**
 * Pushes the tested image to the target repository in the build region's registry, tagged
 * {@code <version>-<build>} as Image Builder tags images it pushes to ECR, and answers the
 * {@code outputResources.containers} entry: the tag reference and the digest reference, both pullable.
 */
final class PushContainerStep {
    private final ContainerEngine engine;

    PushContainerStep(ContainerEngine engine) {
        this.engine = engine;
    }

    ArrayNode run(BuildPlan plan, String image, BuildLog log) throws IOException, InterruptedException {
        ContainerRegistry registry = plan.container().registry();
        String repository = plan.container().repositoryName();
        String[] arn = plan.imageArn().split("/");
        String tag = arn[arn.length - 2] + "-" + arn[arn.length - 1];
        String reference = registry.reference(repository, tag);
        log.info("pushing to " + reference);
        String digest = engine.push(image, reference, log);
        String byDigest = registry.digestReference(repository, digest);
        log.info("pushed " + reference + " (" + byDigest + ")");
        ArrayNode containers = Json.object().arrayNode();
        ObjectNode entry = containers.addObject();
        entry.put("region", plan.region());
        entry.putArray("imageUris").add(reference).add(byDigest);
        return containers;
    }
}
