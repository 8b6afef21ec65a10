package dev.kiln.core.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.store.ResourceQuery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What Create, Get, List, Update and Delete share for one type of resource named by a plain ARN (no
 * version): infrastructure and distribution configurations; image pipelines find theirs here too.
 *
 * @param arnMember the input and output member holding the ARN, e.g. "infrastructureConfigurationArn"
 * @param what how messages name the resource, e.g. "infrastructure configuration"
 */
public record PlainResources(ResourceStore store, References references, String type, String arnMember,
                             String what) {

    /** The caller's resource the input's ARN member names, or ResourceNotFound. */
    public StoredResource find(CallContext ctx, ObjectNode in) {
        return find(ctx, in.path(arnMember).asText());
    }

    /** The caller's resource the ARN names, or ResourceNotFound. */
    public StoredResource find(CallContext ctx, String arnText) {
        return PlainArns.find(store, ctx, arnText, type, arnMember, what);
    }

    /**
     * A Create operation: stores the caller's new resource of that name with the body made for its ARN,
     * and answers the output; ResourceAlreadyExists when the caller has one of that name here (a
     * concurrent create of the same name loses at the insert the same way).
     */
    public ObjectNode create(CallContext ctx, String name, Instant now, Function<String, ObjectNode> body) {
        String arn = Arn.of(ctx.region(), ctx.accountId(), type, name).toString();
        if (store.get(arn).isPresent()) {
            throw new ApiException(ErrorType.ResourceAlreadyExistsException, PlainArns.article(what) + " " + what
                    + " named '" + name + "' already exists: " + arn);
        }
        store.insert(new StoredResource(arn, ctx.accountId(), ctx.region(), type, name, null, null, now,
                body.apply(arn)));
        return answer(arn);
    }

    /** A Get operation: the caller's resource as the view makes it of a copy of its body, under the member. */
    public ObjectNode get(CallContext ctx, ObjectNode in, String member, UnaryOperator<ObjectNode> view) {
        ObjectNode out = Json.object();
        out.set(member, view.apply(find(ctx, in).body().deepCopy()));
        return out;
    }

    /** A List operation: the caller's resources, filtered by name, by name then ARN, one page. */
    public ObjectNode list(CallContext ctx, ObjectNode in, String operation, String listMember,
                           Function<StoredResource, JsonNode> summary) {
        Map<String, Function<StoredResource, String>> filters = Map.of("name", StoredResource::name);
        List<StoredResource> matching = new ArrayList<>(store.list(ResourceQuery.all(ctx.region(), ctx.accountId(),
                type)).stream().filter(Filters.from(in, filters)).toList());
        matching.sort(Comparator.comparing(StoredResource::name).thenComparing(StoredResource::arn));
        ObjectNode out = Json.object();
        Page.of(matching, in, operation).writeTo(out, listMember, summary);
        return out;
    }

    /**
     * Stores a new body for a resource read just before, keeping the tags as stored now (a TagResource
     * meanwhile stays); answers the Update operation's output.
     */
    public ObjectNode replace(StoredResource current, ObjectNode body) {
        store.modify(current.arn(), stored -> {
            if (stored.has("tags")) {
                body.set("tags", stored.get("tags"));
            }
            return body;
        }).orElseThrow(() -> ApiException.notFound("The " + what + " " + current.arn() + " does not exist"));
        return answer(current.arn());
    }

    /** A Delete operation: refused while another resource uses it. */
    public ObjectNode delete(CallContext ctx, ObjectNode in) {
        StoredResource found = find(ctx, in);
        references.checkUnused(ctx, found);
        store.delete(found.arn());
        return answer(found.arn());
    }

    private ObjectNode answer(String arn) {
        ObjectNode out = Json.object();
        out.put(arnMember, arn);
        return out;
    }
}
