package dev.kiln.core.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.arn.SemanticVersion;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Filters;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.Page;
import dev.kiln.core.resource.References;
import dev.kiln.core.resource.S3Documents;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import dev.kiln.toe.document.ComponentDocument;
import dev.kiln.toe.document.DocumentReader;
import dev.kiln.toe.document.ParameterDefinition;
import dev.kiln.toe.target.Platform;
import dev.kiln.toe.validate.Problem;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Components: CreateComponent (the document validated by Kiln's AWSTOE engine, its type and parameters
 * derived from it, a new build number for each create of the same version), GetComponent,
 * ListComponents, ListComponentBuildVersions and DeleteComponent.
 */
public final class ComponentOperations {
    public static final String TYPE = "component";
    /** AWS's limit on inline component data. */
    static final int MAX_DATA = 16_000;

    private final ResourceStore store;
    private final References references;
    private final Clock clock;
    private final S3Documents documents;

    public ComponentOperations(ResourceStore store, References references, Clock clock) {
        this(store, references, clock, S3Documents.none());
    }

    /** @param documents where a component given by {@code uri} is read from */
    public ComponentOperations(ResourceStore store, References references, Clock clock, S3Documents documents) {
        this.store = store;
        this.references = references;
        this.clock = clock;
        this.documents = documents;
    }

    public void registerWith(ImageBuilderService service) {
        service.register("CreateComponent", this::create)
                .register("GetComponent", this::get)
                .register("ListComponents", this::list)
                .register("ListComponentBuildVersions", this::listBuildVersions)
                .register("DeleteComponent", this::delete);
    }

    ObjectNode create(CallContext ctx, ObjectNode in) {
        String name = in.path("name").asText();
        String version = in.path("semanticVersion").asText();
        if (SemanticVersion.parse(version).isEmpty()) {
            throw new ApiException(ErrorType.InvalidVersionNumberException, "semanticVersion '" + version
                    + "' must be major.minor.patch, each node 0 to " + SemanticVersion.MAX_NODE);
        }
        boolean hasData = in.hasNonNull("data");
        boolean hasUri = in.hasNonNull("uri");
        if (hasData == hasUri) {
            throw new ApiException(hasData ? ErrorType.InvalidParameterCombinationException
                    : ErrorType.InvalidRequestException, "give the component document in exactly one of data and uri");
        }
        // A document read from S3 is kept as the component's data: later changes of the object change nothing.
        String data = hasUri ? documents.read("uri", in.path("uri").asText()) : in.path("data").asText();
        String platform = in.path("platform").asText();
        ComponentDocument document = validate(name, data, platform);
        if (in.path("dryRun").asBoolean(false)) {
            throw new ApiException(ErrorType.DryRunOperationException, "The component document is valid;"
                    + " nothing was created because dryRun is true");
        }
        Arn versionArn = Arn.of(ctx.region(), ctx.accountId(), TYPE, name).withVersion(version);
        ObjectNode body = Json.object();
        body.put("arn", versionArn.toString());
        body.put("name", name);
        body.put("version", version);
        Json.copy(in, body, "description", "changeDescription");
        body.put("type", isTestOnly(document) ? "TEST" : "BUILD");
        body.put("platform", platform);
        Json.copy(in, body, "supportedOsVersions");
        body.putObject("state").put("status", "ACTIVE");
        body.set("parameters", parameters(document));
        body.put("owner", ctx.accountId());
        body.put("data", data);
        Json.copy(in, body, "kmsKeyId");
        body.put("encrypted", true);
        body.put("dateCreated", Json.date(clock.instant()));
        body.set("tags", in.has("tags") ? in.get("tags").deepCopy() : Json.object());
        StoredResource stored = store.insertNextBuild(new StoredResource(versionArn.toString(), ctx.accountId(),
                ctx.region(), TYPE, name, version, null, clock.instant(), body));
        ObjectNode out = Json.object();
        out.put("componentBuildVersionArn", stored.arn());
        out.set("latestVersionReferences", Versions.latestReferences(versionArn));
        return out;
    }

    /** Validates the document with Kiln's engine; every problem goes into one message. */
    private static ComponentDocument validate(String name, String data, String platform) {
        if (data.length() > MAX_DATA) {
            throw new ApiException(ErrorType.InvalidRequestException, String.format(
                    "data is %,d characters; inline component documents are at most %,d", data.length(), MAX_DATA));
        }
        DocumentReader.Result result = DocumentReader.read(name, data);
        if (!result.valid()) {
            throw new ApiException(ErrorType.InvalidRequestException, "The component document is not valid: "
                    + result.errors().stream().map(Problem::toString).collect(Collectors.joining("; ")));
        }
        Platform target = switch (platform) {
            case "Windows" -> Platform.WINDOWS;
            case "macOS" -> Platform.MACOS;
            default -> Platform.LINUX;
        };
        List<String> notes = DocumentReader.platformNotes(result.document(), target);
        if (!notes.isEmpty()) {
            throw new ApiException(ErrorType.InvalidRequestException, "The component document does not run on "
                    + platform + ": " + String.join("; ", notes));
        }
        return result.document();
    }

    private static boolean isTestOnly(ComponentDocument document) {
        return document.phases().stream().allMatch(p -> p.name().equals("test"));
    }

    private static ArrayNode parameters(ComponentDocument document) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (ParameterDefinition p : document.parameters()) {
            ObjectNode detail = list.addObject();
            detail.put("name", p.name());
            detail.put("type", modelType(p.type()));
            if (p.defaultValue() != null) {
                detail.putArray("defaultValue").add(p.defaultValue());
            }
            if (p.description() != null) {
                detail.put("description", p.description());
            }
        }
        return list;
    }

    /** The model spells parameter types String, Integer, Boolean, StringList. */
    private static String modelType(String documentType) {
        return switch (documentType == null ? "string" : documentType.toLowerCase(Locale.ROOT)) {
            case "integer" -> "Integer";
            case "boolean" -> "Boolean";
            case "stringlist" -> "StringList";
            default -> "String";
        };
    }

    ObjectNode get(CallContext ctx, ObjectNode in) {
        StoredResource component = resolve(ctx, in.path("componentBuildVersionArn").asText());
        ObjectNode out = Json.object();
        out.set("component", component.body().deepCopy());
        return out;
    }

    /**
     * A component by build ARN, or by version ARN (with {@code x} wildcards) meaning its newest build.
     */
    public StoredResource resolve(CallContext ctx, String arnText) {
        Arn arn = Versions.parseArn(arnText, TYPE, "componentBuildVersionArn");
        List<StoredResource> candidates = Versions.matching(store, ctx, arn);
        return candidates.stream().findFirst().orElseThrow(() -> ApiException.notFound(
                "The component " + arnText + " does not exist"));
    }

    ObjectNode list(CallContext ctx, ObjectNode in) {
        List<StoredResource> all = Versions.owned(store, ctx, TYPE, in.path("owner").asText("Self"));
        Map<String, Function<StoredResource, String>> filters = Map.of(
                "name", r -> r.name(),
                "platform", r -> Json.text(r.body(), "platform"),
                "type", r -> Json.text(r.body(), "type"),
                "version", r -> r.version(),
                "description", r -> Json.text(r.body(), "description"),
                "supportedOsVersion", r -> r.body().path("supportedOsVersions").path(0).asText(null));
        List<StoredResource> matching = all.stream().filter(Filters.from(in, filters)).toList();
        // One entry per version (its newest build), or per name with byName.
        Map<String, StoredResource> newest = new LinkedHashMap<>();
        boolean byName = in.path("byName").asBoolean(false);
        for (StoredResource r : matching) {
            String key = byName ? r.accountId() + "/" + r.name() : r.accountId() + "/" + r.name() + "/" + r.version();
            newest.putIfAbsent(key, r);
        }
        List<StoredResource> versions = new ArrayList<>(newest.values());
        versions.sort(Comparator.comparing(StoredResource::name).thenComparing(Versions.NEWEST_FIRST));
        ObjectNode out = Json.object();
        Page.of(versions, in, "ListComponents").writeTo(out, "componentVersionList", this::versionSummary);
        return out;
    }

    private JsonNode versionSummary(StoredResource r) {
        ObjectNode v = Json.object();
        v.put("arn", Arn.parse(r.arn()).orElseThrow().versionArn().toString());
        Json.copy(r.body(), v, "name", "version", "description", "platform", "supportedOsVersions", "type",
                "owner", "dateCreated");
        v.put("status", r.body().path("state").path("status").asText("ACTIVE"));
        return v;
    }

    ObjectNode listBuildVersions(CallContext ctx, ObjectNode in) {
        String versionArnText = in.path("componentVersionArn").asText();
        Arn arn = Versions.parseArn(versionArnText, TYPE, "componentVersionArn");
        if (arn.build() != null || arn.version() == null || arn.hasWildcard()) {
            throw new ApiException(ErrorType.InvalidRequestException, "componentVersionArn must be a component"
                    + " version ARN such as arn:aws:imagebuilder:us-east-1:123456789012:component/name/1.0.0");
        }
        List<StoredResource> builds = Versions.matching(store, ctx, arn);
        ObjectNode out = Json.object();
        Page.of(builds, in, "ListComponentBuildVersions").writeTo(out, "componentSummaryList", r -> {
            ObjectNode s = Json.object();
            Json.copy(r.body(), s, "arn", "name", "version", "platform", "supportedOsVersions", "state", "type",
                    "owner", "description", "changeDescription", "dateCreated", "tags");
            return s;
        });
        return out;
    }

    ObjectNode delete(CallContext ctx, ObjectNode in) {
        String arnText = in.path("componentBuildVersionArn").asText();
        Arn arn = Versions.parseArn(arnText, TYPE, "componentBuildVersionArn");
        if (arn.build() == null) {
            throw new ApiException(ErrorType.InvalidRequestException,
                    "componentBuildVersionArn must name a build version, e.g. .../component/name/1.0.0/1");
        }
        StoredResource component = resolve(ctx, arnText);
        if (!component.accountId().equals(ctx.accountId())) {
            throw ApiException.notFound("The component " + arnText + " does not exist");
        }
        references.checkUnused(ctx, component);
        store.delete(component.arn());
        ObjectNode out = Json.object();
        out.put("componentBuildVersionArn", component.arn());
        return out;
    }
}
