package dev.kiln.core.build;

import dev.kiln.core.log.BuildLog;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.container.ContainerEngine;
import dev.kiln.core.container.ContainerRegistries;
import dev.kiln.core.container.ContainerRegistry;
import dev.kiln.core.resource.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Pushes the tested image to the target repository in the build region's registry, tagged
 * {@code <version>-<build>} as Image Builder tags images it pushes to ECR, then to each region of the
 * distribution configuration that has a {@code containerDistributionConfiguration} (its repository,
 * with its {@code containerTags}, or the same tag when it names none), and answers the
 * {@code outputResources.containers} entries: per region, the tag references and the digest
 * reference, all pullable.
 */
final class PushContainerStep {
    private final ContainerEngine engine;
    private final ContainerRegistries registries;

    PushContainerStep(ContainerEngine engine, ContainerRegistries registries) {
        this.engine = engine;
        this.registries = registries;
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
        if (plan.distribution() != null) {
            for (JsonNode d : plan.distribution().path("distributions")) {
                JsonNode target = d.path("containerDistributionConfiguration");
                if (!target.isObject()) {
                    continue;
                }
                distribute(image, d.path("region").asText(), target, tag, containers, log);
            }
        }
        return containers;
    }

    private void distribute(String image, String region, JsonNode target, String defaultTag, ArrayNode containers,
                            BuildLog log) throws IOException, InterruptedException {
        ContainerRegistry registry = registries.registry(region, log);
        String repository = target.path("targetRepository").path("repositoryName").asText();
        List<String> tags = new ArrayList<>();
        target.path("containerTags").forEach(t -> tags.add(t.asText()));
        if (tags.isEmpty()) {
            tags.add(defaultTag);
        }
        ArrayNode uris = null;
        for (ObjectNode existing : iterable(containers)) {
            if (region.equals(existing.path("region").asText())) {
                uris = (ArrayNode) existing.path("imageUris");
            }
        }
        if (uris == null) {
            uris = containers.addObject().put("region", region).putArray("imageUris");
        }
        String digest = null;
        for (String t : tags) {
            String reference = registry.reference(repository, t);
            log.info("distributing to " + reference);
            digest = engine.push(image, reference, log);
            uris.add(reference);
        }
        uris.add(registry.digestReference(repository, digest));
    }

    private static List<ObjectNode> iterable(ArrayNode array) {
        List<ObjectNode> out = new ArrayList<>();
        array.forEach(n -> out.add((ObjectNode) n));
        return out;
    }
}
