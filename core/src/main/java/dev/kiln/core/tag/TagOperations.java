package dev.kiln.core.tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * TagResource, UntagResource and ListTagsForResource on any of the caller's resources, named by the ARN
 * it is stored under: components and images by build version ARN, recipes by version ARN,
 * configurations and pipelines by their plain ARN. The tags are the {@code tags} map inside the stored
 * resource, the same one its Get and List operations answer.
 *
 * <p>As the model says for these operations, a malformed ARN or tag answers InvalidParameterException;
 * an ARN that names nothing the caller owns in this region answers ResourceNotFoundException. Kiln's
 * own resources (owner {@code aws}) can be read but not tagged.
 */
public final class TagOperations {
    /** A resource holds at most this many tags (the model's TagMap). */
    static final int MAX_TAGS = 50;
    static final int MAX_KEY = 128;
    static final int MAX_VALUE = 256;
    static final String RESERVED_PREFIX = "aws:";

    /** The model's ImageBuilderArn. */
    private static final Pattern IMAGE_BUILDER_ARN = Pattern.compile("arn:aws[^:]*:imagebuilder:[^:]+:"
            + "(?:[0-9]{12}|aws(?:-[a-z-]+)?):(?:image-recipe|container-recipe|infrastructure-configuration"
            + "|distribution-configuration|component|image|image-pipeline|lifecycle-policy"
            + "|workflow/(?:build|test|distribution))/[a-z0-9-_]+"
            + "(?:/(?:(?:x|[0-9]+)\\.(?:x|[0-9]+)\\.(?:x|[0-9]+))(?:/[0-9]+)?)?");
    /** The model's TagKey, but for its length and the reserved prefix, checked apart to say so. */
    private static final Pattern TAG_KEY = Pattern.compile("[a-zA-Z0-9\\s_.:/=+\\-@]*");

    private final ResourceStore store;
    /** Serialises read-modify-write of one resource's tags within this server. */
    private final Object[] locks = new Object[64];

    public TagOperations(ResourceStore store) {
        this.store = store;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    public void registerWith(ImageBuilderService service) {
        service.register("TagResource", this::tag)
                .register("UntagResource", this::untag)
                .register("ListTagsForResource", this::listTags);
    }

    /** Adds the tags, replacing the values of keys the resource already has. */
    ObjectNode tag(CallContext ctx, ObjectNode in) {
        String arn = in.path("resourceArn").asText();
        JsonNode tags = in.path("tags");
        checkTags(tags);
        synchronized (lock(arn)) {
            StoredResource resource = find(ctx, arn, true);
            ObjectNode current = tagsOf(resource);
            tags.fields().forEachRemaining(t -> current.put(t.getKey(), t.getValue().asText()));
            if (current.size() > MAX_TAGS) {
                throw invalid("A resource has at most " + MAX_TAGS + " tags; " + arn + " would have "
                        + current.size());
            }
            save(resource, current);
        }
        return Json.object();
    }

    /** Removes the tags with these keys; keys the resource does not have are ignored. */
    ObjectNode untag(CallContext ctx, ObjectNode in) {
        String arn = in.path("resourceArn").asText();
        JsonNode keys = in.path("tagKeys");
        if (!keys.isArray() || keys.isEmpty() || keys.size() > MAX_TAGS) {
            throw invalid("tagKeys: give 1 to " + MAX_TAGS + " tag keys");
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            checkKey(keys.get(i).asText(), "tagKeys[" + i + "]", problems);
        }
        if (!problems.isEmpty()) {
            throw invalid(String.join("; ", problems));
        }
        synchronized (lock(arn)) {
            StoredResource resource = find(ctx, arn, true);
            ObjectNode current = tagsOf(resource);
            keys.forEach(k -> current.remove(k.asText()));
            save(resource, current);
        }
        return Json.object();
    }

    ObjectNode listTags(CallContext ctx, ObjectNode in) {
        StoredResource resource = find(ctx, in.path("resourceArn").asText(), false);
        ObjectNode out = Json.object();
        out.set("tags", tagsOf(resource));
        return out;
    }

    /**
     * The resource the ARN names, if the caller may see it here: its own in the call's region, or for
     * reading also Kiln's own (owner aws) in that region.
     */
    private StoredResource find(CallContext ctx, String text, boolean writing) {
        if (!IMAGE_BUILDER_ARN.matcher(text).matches()) {
            throw invalid("resourceArn '" + text + "' is not an Image Builder resource ARN such as"
                    + " arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/my-pipeline");
        }
        Optional<Arn> parsed = Arn.parse(text);
        if (parsed.isPresent() && parsed.get().hasWildcard()) {
            throw invalid("resourceArn '" + text + "' has an x wildcard; name one resource (a component or image"
                    + " by its build version ARN, a recipe by its version ARN)");
        }
        boolean own = parsed.isPresent() && parsed.get().owner().equals(ctx.accountId());
        boolean kilns = parsed.isPresent() && parsed.get().owner().equals(Arn.AWS_OWNER);
        Optional<StoredResource> found = Optional.empty();
        if (parsed.isPresent() && parsed.get().region().equals(ctx.region()) && (own || kilns)) {
            String owner = parsed.get().owner();
            found = store.get(parsed.get().toString())
                    .filter(r -> r.accountId().equals(owner) && r.region().equals(ctx.region()));
        }
        StoredResource resource = found.orElseThrow(() -> ApiException.notFound("The resource " + text
                + " does not exist"));
        if (writing && !own) {
            throw new ApiException(ErrorType.ForbiddenException, "The resource " + text
                    + " is managed by Kiln (owner aws); its tags cannot be changed");
        }
        return resource;
    }

    private static ObjectNode tagsOf(StoredResource resource) {
        JsonNode tags = resource.body().get("tags");
        return tags != null && tags.isObject() ? (ObjectNode) tags.deepCopy() : Json.object();
    }

    /** Replaces the tags member alone: a build writing the image's state meanwhile keeps its change. */
    private void save(StoredResource resource, ObjectNode tags) {
        store.modify(resource.arn(), body -> body.set("tags", tags))
                .orElseThrow(() -> ApiException.notFound("The resource " + resource.arn() + " does not exist"));
    }

    private Object lock(String arn) {
        return locks[Math.floorMod(arn.hashCode(), locks.length)];
    }

    /** Every problem with a TagMap at once. */
    static void checkTags(JsonNode tags) {
        if (!tags.isObject() || tags.isEmpty() || tags.size() > MAX_TAGS) {
            throw invalid("tags: give 1 to " + MAX_TAGS + " tags");
        }
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> tag = it.next();
            checkKey(tag.getKey(), "tags key", problems);
            JsonNode value = tag.getValue();
            if (!value.isTextual()) {
                problems.add("tags." + tag.getKey() + ": the value must be a string");
            } else if (value.asText().length() > MAX_VALUE) {
                problems.add("tags." + tag.getKey() + ": the value is longer than " + MAX_VALUE + " characters");
            }
        }
        if (!problems.isEmpty()) {
            throw invalid(String.join("; ", problems));
        }
    }

    private static void checkKey(String key, String where, List<String> problems) {
        if (key.isEmpty() || key.length() > MAX_KEY) {
            problems.add(where + " '" + key + "' must be 1 to " + MAX_KEY + " characters");
        } else if (key.toLowerCase(Locale.ROOT).startsWith(RESERVED_PREFIX)) {
            problems.add(where + " '" + key + "': the aws: prefix is reserved for AWS's own tags");
        } else if (!TAG_KEY.matcher(key).matches()) {
            problems.add(where + " '" + key + "' may hold only letters, digits, spaces and _ . : / = + - @");
        }
    }

    private static ApiException invalid(String message) {
        return new ApiException(ErrorType.InvalidParameterException, message);
    }
}
