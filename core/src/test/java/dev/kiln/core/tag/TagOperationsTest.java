package dev.kiln.core.tag;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.infrastructure.InfrastructureOperations;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.References;
import dev.kiln.core.store.StoredResource;
import dev.kiln.core.testing.InMemoryStore;
import dev.kiln.core.testing.TestClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TagOperationsTest {
    private static final String ACCOUNT = "111111111111";
    private static final String PREFIX = "arn:aws:imagebuilder:us-east-1:" + ACCOUNT + ":";
    private static final String COMPONENT = PREFIX + "component/hello/1.0.0/1";
    private static final String RECIPE = PREFIX + "image-recipe/web/2.1.0";
    private static final String IMAGE = PREFIX + "image/web/2.1.0/3";
    private static final String PIPELINE = PREFIX + "image-pipeline/nightly";
    private static final String KILN_IMAGE = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/2026.1.0/1";

    private final InMemoryStore store = new InMemoryStore();
    private final ImageBuilderService service = new ImageBuilderService(store);
    private final TestClient api = new TestClient(service);
    private final CallContext me = TestClient.ME;
    private final CallContext other = TestClient.OTHER;
    private final CallContext west = TestClient.WEST;

    TagOperationsTest() {
        new TagOperations(store).registerWith(service);
        new InfrastructureOperations(store, new References(store),
                Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC)).registerWith(service);
        put(COMPONENT, ACCOUNT, "component", "hello", "1.0.0", 1);
        put(RECIPE, ACCOUNT, "image-recipe", "web", "2.1.0", null);
        put(IMAGE, ACCOUNT, "image", "web", "2.1.0", 3);
        put(PIPELINE, ACCOUNT, "image-pipeline", "nightly", null, null);
        put(KILN_IMAGE, "aws", "image", "debian-12-x86", "2026.1.0", 1);
    }

    private void put(String arn, String account, String type, String name, String version, Integer build) {
        ObjectNode body = Json.object().put("arn", arn).put("name", name);
        body.putObject("tags").put("created", "yes");
        store.insert(new StoredResource(arn, account, "us-east-1", type, name, version, build,
                Instant.parse("2026-11-26T09:00:00Z"), body));
    }

    private ObjectNode tag(CallContext ctx, String arn, String... keyValues) {
        ObjectNode in = Json.object().put("resourceArn", arn);
        ObjectNode tags = in.putObject("tags");
        for (int i = 0; i < keyValues.length; i += 2) {
            tags.put(keyValues[i], keyValues[i + 1]);
        }
        return api.call(ctx, "TagResource", in);
    }

    private ObjectNode untag(CallContext ctx, String arn, String... keys) {
        ObjectNode in = Json.object().put("resourceArn", arn);
        var list = in.putArray("tagKeys");
        for (String k : keys) {
            list.add(k);
        }
        return api.call(ctx, "UntagResource", in);
    }

    private JsonNode tags(CallContext ctx, String arn) {
        return api.call(ctx, "ListTagsForResource", Json.object().put("resourceArn", arn)).path("tags");
    }

    @Test
    void tagAddsAndReplacesAndListTagsAnswersTheMap() {
        ObjectNode out = tag(me, PIPELINE, "KeyName", "KeyValue", "created", "again");
        assertThat(out.path("requestId").asText()).isEqualTo("req-1");
        out.remove("requestId");
        assertThat(out).isEmpty();
        JsonNode tags = tags(me, PIPELINE);
        assertThat(tags).hasSize(2);
        assertThat(tags.path("KeyName").asText()).isEqualTo("KeyValue");
        assertThat(tags.path("created").asText()).isEqualTo("again");
    }

    @Test
    void untagRemovesTheKeysAndIgnoresKeysThatAreNotThere() {
        tag(me, PIPELINE, "a", "1", "b", "2");
        ObjectNode out = untag(me, PIPELINE, "a", "created", "never-there");
        out.remove("requestId");
        assertThat(out).isEmpty();
        assertThat(tags(me, PIPELINE).fieldNames()).toIterable().containsExactly("b");
    }

    @Test
    void everyKindOfResourceIsTaggedByTheArnItIsStoredUnder() {
        for (String arn : List.of(COMPONENT, RECIPE, IMAGE, PIPELINE)) {
            tag(me, arn, "kind", arn);
            assertThat(tags(me, arn).path("kind").asText()).isEqualTo(arn);
            assertThat(store.get(arn).orElseThrow().body().path("tags").path("kind").asText()).isEqualTo(arn);
        }
    }

    @Test
    void tagsAreTheOnesGetAnswers() {
        ObjectNode create = Json.object().put("name", "infra").put("instanceProfileName", "p").put("clientToken", "t");
        create.putObject("tags").put("team", "images");
        String arn = api.call(me, "CreateInfrastructureConfiguration", create)
                .path("infrastructureConfigurationArn").asText();
        assertThat(tags(me, arn).path("team").asText()).isEqualTo("images");
        tag(me, arn, "cost", "kiln");
        untag(me, arn, "team");
        JsonNode got = api.call(me, "GetInfrastructureConfiguration",
                Json.object().put("infrastructureConfigurationArn", arn)).path("infrastructureConfiguration");
        assertThat(got.path("tags")).isEqualTo(Json.object().put("cost", "kiln"));
        assertThat(got.path("instanceProfileName").asText()).isEqualTo("p");
    }

    @Test
    void aResourceWithoutTagsListsAnEmptyMap() {
        String arn = PREFIX + "distribution-configuration/bare";
        store.insert(new StoredResource(arn, ACCOUNT, "us-east-1", "distribution-configuration", "bare", null, null,
                Instant.now(), Json.object().put("arn", arn)));
        assertThat(tags(me, arn).isObject()).isTrue();
        assertThat(tags(me, arn)).isEmpty();
        tag(me, arn, "k", "v");
        assertThat(tags(me, arn).path("k").asText()).isEqualTo("v");
    }

    @Test
    void unknownArnsAndArnsOfResourcesKilnDoesNotKeepAreNotFound() {
        for (String arn : List.of(PREFIX + "image-pipeline/none", PREFIX + "component/hello/1.0.0/2",
                PREFIX + "component/hello/1.0.0", PREFIX + "lifecycle-policy/cleanup",
                PREFIX + "workflow/build/w/1.0.0/1")) {
            assertError(() -> tags(me, arn), ErrorType.ResourceNotFoundException);
            assertError(() -> tag(me, arn, "k", "v"), ErrorType.ResourceNotFoundException);
            assertError(() -> untag(me, arn, "k"), ErrorType.ResourceNotFoundException);
        }
    }

    @Test
    void otherAccountsAndRegionsNeitherSeeNorChangeTheTags() {
        for (CallContext stranger : List.of(other, west)) {
            assertError(() -> tags(stranger, PIPELINE), ErrorType.ResourceNotFoundException);
            assertError(() -> tag(stranger, PIPELINE, "k", "v"), ErrorType.ResourceNotFoundException);
            assertError(() -> untag(stranger, PIPELINE, "created"), ErrorType.ResourceNotFoundException);
        }
        // The same ARN rewritten to the stranger's account names nothing of theirs.
        assertError(() -> tags(other, PIPELINE.replace(ACCOUNT, "222222222222")),
                ErrorType.ResourceNotFoundException);
        assertThat(tags(me, PIPELINE)).isEqualTo(Json.object().put("created", "yes"));
    }

    @Test
    void kilnManagedResourcesCanBeReadButNotTagged() {
        assertThat(tags(me, KILN_IMAGE).path("created").asText()).isEqualTo("yes");
        assertError(() -> tag(me, KILN_IMAGE, "k", "v"), ErrorType.ForbiddenException);
        assertError(() -> untag(me, KILN_IMAGE, "created"), ErrorType.ForbiddenException);
        assertError(() -> tags(west, KILN_IMAGE), ErrorType.ResourceNotFoundException);
    }

    @Test
    void malformedArnsAreInvalidParameters() {
        for (String arn : List.of("", "pipeline", "arn:aws:ec2:us-east-1:" + ACCOUNT + ":instance/i-1",
                "arn:aws:imagebuilder:us-east-1:12345:image-pipeline/p", PREFIX + "image-pipeline/Upper",
                PREFIX + "gadget/p")) {
            assertError(() -> tags(me, arn), ErrorType.InvalidParameterException);
            assertError(() -> tag(me, arn, "k", "v"), ErrorType.InvalidParameterException);
        }
    }

    @Test
    void wildcardArnsAreInvalidParameters() {
        assertError(() -> tags(me, PREFIX + "image-recipe/web/x.x.x"), ErrorType.InvalidParameterException);
    }

    @Test
    void theAwsPrefixIsReservedInAnyCase() {
        assertError(() -> tag(me, PIPELINE, "aws:owner", "me"), ErrorType.InvalidParameterException);
        assertError(() -> tag(me, PIPELINE, "AWS:owner", "me"), ErrorType.InvalidParameterException);
        assertError(() -> untag(me, PIPELINE, "aws:cloudformation:stack-name"), ErrorType.InvalidParameterException);
        assertThat(tags(me, PIPELINE)).hasSize(1);
        tag(me, PIPELINE, "awsome", "ok");
        assertThat(tags(me, PIPELINE).has("awsome")).isTrue();
    }

    @Test
    void malformedTagsAreRefusedWithEveryProblem() {
        ObjectNode in = Json.object().put("resourceArn", PIPELINE);
        in.putObject("tags").put("k".repeat(129), "v").put("bad#key", "v").put("long", "v".repeat(257));
        assertError(() -> api.call(me, "TagResource", in), ErrorType.InvalidParameterException)
                .hasMessageContaining("1 to 128 characters")
                .hasMessageContaining("'bad#key'")
                .hasMessageContaining("tags.long");
        ObjectNode none = Json.object().put("resourceArn", PIPELINE);
        none.putObject("tags");
        assertError(() -> api.call(me, "TagResource", none), ErrorType.InvalidParameterException);
        assertError(() -> untag(me, PIPELINE), ErrorType.InvalidParameterException);
        assertThat(tags(me, PIPELINE)).hasSize(1);
    }

    @Test
    void aResourceHoldsAtMostFiftyTags() {
        String[] kv = new String[98];
        for (int i = 0; i < 49; i++) {
            kv[2 * i] = "key-" + i;
            kv[2 * i + 1] = "v";
        }
        tag(me, PIPELINE, kv); // 49 + "created" = 50
        assertThat(tags(me, PIPELINE)).hasSize(50);
        assertError(() -> tag(me, PIPELINE, "one-more", "v"), ErrorType.InvalidParameterException, "at most 50");
        tag(me, PIPELINE, "key-0", "replaced");
        assertThat(tags(me, PIPELINE)).hasSize(50);
        assertThat(tags(me, PIPELINE).path("key-0").asText()).isEqualTo("replaced");
    }

    @Test
    void concurrentTagsOfOneResourceAreAllKept() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 40; i++) {
            int n = i;
            pool.submit(() -> tag(me, PIPELINE, "t" + n, "v"));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tags(me, PIPELINE)).hasSize(41);
    }

    @Test
    void taggingKeepsTheRestOfTheResource() {
        tag(me, RECIPE, "k", "v");
        StoredResource r = store.get(RECIPE).orElseThrow();
        assertThat(r.body().path("name").asText()).isEqualTo("web");
        assertThat(r.version()).isEqualTo("2.1.0");
        assertThat(r.createdAt()).isEqualTo(Instant.parse("2026-11-26T09:00:00Z"));
    }
}
