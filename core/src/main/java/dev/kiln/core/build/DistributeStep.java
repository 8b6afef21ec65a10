package dev.kiln.core.build;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.core.resource.Json;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Makes the new image available where the distribution configuration says: in each listed region a
 * copy owned by the building account (in the build region, the image itself), named, described and
 * tagged as that region's entry asks, with its launch permission (account ids; group {@code all} for
 * public), and a copy owned by each of the entry's {@code targetAccountIds}. Copies are checked
 * against the source's checksum by the image store.
 *
 * <p>Regions are distributed one after the other and a failing one does not stop the others; when
 * any failed, the step throws {@link Failed} with the copies that were made, which the image keeps
 * in its output resources, so that RetryImage only makes the ones that are missing.
 */
final class DistributeStep {
    private final BuildEnvironment env;

    DistributeStep(BuildEnvironment env) {
        this.env = env;
    }

    /** Some regions could not be distributed to; {@code amis} holds the copies that were made. */
    static final class Failed extends BuildFailure {
        private final transient ArrayNode amis;

        Failed(String message, ArrayNode amis) {
            super(message);
            this.amis = amis;
        }

        ArrayNode amis() {
            return amis;
        }
    }

    /**
     * @param done     the copies an earlier attempt made (a retry skips them), or null
     * @param progress told the copies made so far after each one, so that they are on record even if
     *                 Kiln stops in the middle
     * @return every copy, the build region's first
     */
    ArrayNode run(BuildPlan plan, MachineImage image, JsonNode done, Consumer<ArrayNode> progress, BuildLog log)
            throws IOException {
        ArrayNode amis = Json.object().arrayNode();
        Set<String> made = new HashSet<>();
        if (done != null) {
            for (JsonNode copy : done) {
                amis.add(copy.deepCopy());
                made.add(copy.path("region").asText() + "/" + copy.path("accountId").asText());
            }
        }
        List<String> failures = new ArrayList<>();
        for (JsonNode entry : entries(plan)) {
            String region = entry.path("region").asText();
            try {
                distribute(plan, image, entry, made, amis, progress, log);
            } catch (IOException | RuntimeException e) {
                String why = why(e);
                log.info("distribution to " + region + " failed: " + why);
                failures.add(region + " (" + why + ")");
            }
        }
        if (!failures.isEmpty()) {
            throw new Failed("distribution failed in " + String.join(", ", failures) + "; " + amis.size()
                    + " copy(ies) were made and are kept: RetryImage distributes to the rest without rebuilding",
                    amis);
        }
        return amis;
    }

    /** NIO's exceptions often say no more than a path: name what happened to it. */
    private static String why(Exception e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            return "cannot write " + f.getFile() + ": " + (f.getReason() != null ? f.getReason()
                    : e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT));
        }
        return e.getMessage();
    }

    /** The configuration's entries, the build region's first; the build region always gets one. */
    private static List<JsonNode> entries(BuildPlan plan) {
        List<JsonNode> entries = new ArrayList<>();
        JsonNode own = null;
        if (plan.distribution() != null) {
            for (JsonNode d : plan.distribution().path("distributions")) {
                if (plan.region().equals(d.path("region").asText()) && own == null) {
                    own = d;
                } else {
                    entries.add(d);
                }
            }
        }
        entries.add(0, own != null ? own : Json.object().put("region", plan.region()));
        return entries;
    }

    private void distribute(BuildPlan plan, MachineImage image, JsonNode entry, Set<String> made, ArrayNode amis,
                            Consumer<ArrayNode> progress, BuildLog log) throws IOException {
        String region = entry.path("region").asText();
        JsonNode ami = entry.path("amiDistributionConfiguration");
        Map<String, String> tags = new LinkedHashMap<>(image.tags());
        ami.path("amiTags").fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
        String name = ami.hasNonNull("name") ? expand(ami.get("name").asText(), plan, image) : image.name();
        String description = ami.hasNonNull("description") ? ami.get("description").asText() : image.description();
        Set<String> users = new LinkedHashSet<>();
        ami.path("launchPermission").path("userIds").forEach(u -> users.add(u.asText()));
        boolean isPublic = false;
        for (JsonNode group : ami.path("launchPermission").path("userGroups")) {
            isPublic |= "all".equals(group.asText());
        }
        if (ami.path("launchPermission").has("organizationArns")
                || ami.path("launchPermission").has("organizationalUnitArns")) {
            log.info("distribution to " + region + ": organizationArns and organizationalUnitArns are ignored:"
                    + " Kiln's accounts belong to no organization");
        }
        List<String> owners = new ArrayList<>();
        owners.add(plan.accountId());
        ami.path("targetAccountIds").forEach(a -> {
            if (!owners.contains(a.asText())) {
                owners.add(a.asText());
            }
        });
        for (String owner : owners) {
            if (made.contains(region + "/" + owner)) {
                continue;
            }
            MachineImage.Builder distributed = image.toBuilder().setRegion(region).setName(name)
                    .setDescription(description).setOwnerId(owner).setTags(tags).setLaunchUserIds(users)
                    .setPublicLaunch(isPublic);
            MachineImage copy;
            if (region.equals(image.region()) && owner.equals(image.ownerId())) {
                copy = env.images().update(distributed.build());
            } else {
                copy = env.images().copy(image, distributed.setImageId(null).setCreationDate(null).setState(null)
                        .setDisk(null).setDiskSha256(null).build());
            }
            log.info("distributed " + copy.imageId() + " as '" + copy.name() + "' in " + region + " for account "
                    + owner + (isPublic ? " (public)" : users.isEmpty() ? "" : " (shared with "
                    + String.join(", ", users) + ")"));
            ObjectNode out = amis.addObject();
            out.put("region", region);
            out.put("image", copy.imageId());
            out.put("name", copy.name());
            out.put("description", copy.description());
            out.putObject("state").put("status", "AVAILABLE");
            out.put("accountId", owner);
            made.add(region + "/" + owner);
            progress.accept(amis.deepCopy());
        }
    }

    /** The variables AWS expands in an AMI name. */
    private static String expand(String name, BuildPlan plan, MachineImage image) {
        String date = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC)
                .format(image.creationDate());
        String version = plan.imageArn().substring(plan.imageArn().lastIndexOf('/') + 1);
        return name.replace("{{ imagebuilder:buildDate }}", date)
                .replace("{{imagebuilder:buildDate}}", date)
                .replace("{{ imagebuilder:buildVersion }}", version)
                .replace("{{imagebuilder:buildVersion}}", version);
    }
}
