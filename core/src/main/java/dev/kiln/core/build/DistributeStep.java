package dev.kiln.core.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.core.resource.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes the new image available where the distribution configuration says. For now that is the build
 * region: the image is named, described and tagged as the configuration's entry for that region asks,
 * and listed in the image's output resources.
 */
final class DistributeStep {
    private final BuildEnvironment env;

    DistributeStep(BuildEnvironment env) {
        this.env = env;
    }

    ArrayNode run(BuildPlan plan, MachineImage image, BuildLog log) throws IOException {
        JsonNode entry = buildRegionEntry(plan);
        MachineImage distributed = image;
        if (entry != null) {
            JsonNode ami = entry.path("amiDistributionConfiguration");
            Map<String, String> tags = new LinkedHashMap<>(image.tags());
            ami.path("amiTags").fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
            String name = ami.hasNonNull("name") ? expand(ami.get("name").asText(), plan, image) : image.name();
            String description = ami.hasNonNull("description") ? ami.get("description").asText() : image.description();
            distributed = env.images().update(new MachineImage(image.imageId(), image.region(), name, description,
                    image.ownerId(), image.architecture(), image.creationDate(), image.state(),
                    image.rootVolumeSizeGiB(), tags, image.disk(), image.diskSha256(), image.boot(),
                    image.launchUserIds(), image.publicLaunch()));
        }
        log.info("distributed " + distributed.imageId() + " as '" + distributed.name() + "' in " + plan.region());
        ArrayNode amis = Json.object().arrayNode();
        var out = amis.addObject();
        out.put("region", plan.region());
        out.put("image", distributed.imageId());
        out.put("name", distributed.name());
        out.put("description", distributed.description());
        out.putObject("state").put("status", "AVAILABLE");
        out.put("accountId", plan.accountId());
        return amis;
    }

    private static JsonNode buildRegionEntry(BuildPlan plan) {
        if (plan.distribution() == null) {
            return null;
        }
        for (JsonNode d : plan.distribution().path("distributions")) {
            if (plan.region().equals(d.path("region").asText())) {
                return d;
            }
        }
        return null;
    }

    /** The variables AWS expands in an AMI name. */
    private String expand(String name, BuildPlan plan, MachineImage image) {
        String date = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                .withZone(java.time.ZoneOffset.UTC).format(image.creationDate());
        String version = plan.imageArn().substring(plan.imageArn().lastIndexOf('/') + 1);
        return name.replace("{{ imagebuilder:buildDate }}", date)
                .replace("{{imagebuilder:buildDate}}", date)
                .replace("{{ imagebuilder:buildVersion }}", version)
                .replace("{{imagebuilder:buildVersion}}", version);
    }
}
