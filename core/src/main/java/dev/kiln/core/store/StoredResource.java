package dev.kiln.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One Image Builder resource as stored: its identity, the columns lists and filters use, and its
 * body, the JSON the Get operation answers (the model's shape for it, e.g. Component).
 *
 * @param arn the full ARN (with build number for build versions), the primary key
 * @param type the ARN resource type: component, image-recipe, container-recipe,
 *             infrastructure-configuration, distribution-configuration, image-pipeline, image
 * @param name the resource name as given (not lower-cased)
 * @param version "major.minor.patch" for versioned resources, else null
 * @param build the build number for build versions, else null
 */
public record StoredResource(String arn, String accountId, String region, String type, String name,
                             String version, Integer build, Instant createdAt, ObjectNode body) {

    /** The same resource with another body, for updates. */
    public StoredResource withBody(ObjectNode newBody) {
        return new StoredResource(arn, accountId, region, type, name, version, build, createdAt, newBody);
    }
}
