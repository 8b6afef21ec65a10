package dev.kiln.core.component;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static dev.kiln.core.testing.TestClient.clientToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.References;
import dev.kiln.core.testing.InMemoryStore;
import dev.kiln.core.testing.TestClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ComponentOperationsTest {
    private static final String DOC = """
            schemaVersion: 1.0
            parameters:
              - Greeting: {type: string, default: hello, description: what to say}
            phases:
              - name: build
                steps:
                  - {name: Say, action: ExecuteBash, inputs: {commands: ['echo {{ Greeting }}']}}
            """;
    private static final String TEST_ONLY = """
            schemaVersion: 1.0
            phases:
              - name: test
                steps:
                  - {name: Check, action: ExecuteBash, inputs: {commands: ['true']}}
            """;

    private final InMemoryStore store = new InMemoryStore();
    private final ImageBuilderService service = new ImageBuilderService(store);
    private final TestClient api = new TestClient(service);
    private final CallContext me = TestClient.ME;
    private final CallContext other = TestClient.OTHER;
    private final CallContext west = TestClient.WEST;

    ComponentOperationsTest() {
        new ComponentOperations(store, new References(store),
                Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC)).registerWith(service);
    }

    private ObjectNode create(CallContext ctx, String name, String version, String data) {
        ObjectNode in = Json.object();
        in.put("name", name).put("semanticVersion", version).put("platform", "Linux").put("data", data)
                .put("clientToken", clientToken());
        return api.call(ctx, "CreateComponent", in);
    }

    private ObjectNode get(CallContext ctx, String arn) {
        ObjectNode in = Json.object().put("componentBuildVersionArn", arn);
        return api.call(ctx, "GetComponent", in);
    }

    @Test
    void createAssignsBuildNumbersAndLatestVersionReferences() {
        ObjectNode first = create(me, "Hello World", "1.2.3", DOC);
        ObjectNode second = create(me, "Hello World", "1.2.3", DOC);
        assertThat(first.path("componentBuildVersionArn").asText())
                .isEqualTo("arn:aws:imagebuilder:us-east-1:111111111111:component/hello-world/1.2.3/1");
        assertThat(second.path("componentBuildVersionArn").asText()).endsWith("/1.2.3/2");
        assertThat(first.at("/latestVersionReferences/latestMajorVersionArn").asText())
                .endsWith("component/hello-world/1.x.x");
        assertThat(first.path("requestId").asText()).isEqualTo("req-1");
    }

    @Test
    void getAnswersTheComponentWithTypeAndParametersFromTheDocument() {
        String arn = create(me, "greeter", "1.0.0", DOC).path("componentBuildVersionArn").asText();
        ObjectNode c = (ObjectNode) get(me, arn).path("component");
        assertThat(c.path("arn").asText()).isEqualTo(arn);
        assertThat(c.path("type").asText()).isEqualTo("BUILD");
        assertThat(c.path("owner").asText()).isEqualTo("111111111111");
        assertThat(c.path("dateCreated").asText()).isEqualTo("2026-11-26T10:00:00.000Z");
        assertThat(c.path("data").asText()).isEqualTo(DOC);
        assertThat(c.at("/parameters/0/name").asText()).isEqualTo("Greeting");
        assertThat(c.at("/parameters/0/type").asText()).isEqualTo("String");
        assertThat(c.at("/parameters/0/defaultValue/0").asText()).isEqualTo("hello");
        String test = create(me, "checker", "1.0.0", TEST_ONLY).path("componentBuildVersionArn").asText();
        assertThat(get(me, test).at("/component/type").asText()).isEqualTo("TEST");
    }

    @Test
    void wildcardVersionArnsResolveToTheNewestMatchingBuild() {
        create(me, "c", "1.6.8", DOC);
        create(me, "c", "1.7.8", DOC);
        create(me, "c", "2.2.4", DOC);
        String base = "arn:aws:imagebuilder:us-east-1:111111111111:component/c/";
        assertThat(get(me, base + "x.x.x").at("/component/version").asText()).isEqualTo("2.2.4");
        assertThat(get(me, base + "1.x.x").at("/component/version").asText()).isEqualTo("1.7.8");
        assertThat(get(me, base + "1.6.x").at("/component/version").asText()).isEqualTo("1.6.8");
        assertError(() -> get(me, base + "x.2.x"), ErrorType.InvalidVersionNumberException);
    }

    @Test
    void invalidDocumentsAreRefusedWithEveryProblem() {
        String bad = DOC.replace("ExecuteBash", "ExecuteBsh").replace("{{ Greeting }}", "{{ Greting }}");
        assertThatThrownBy(() -> create(me, "bad", "1.0.0", bad))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("did you mean ExecuteBash?")
                .hasMessageContaining("did you mean Greeting?");
    }

    @Test
    void dryRunValidatesAndAnswersDryRunOperationException() {
        ObjectNode in = Json.object().put("name", "dry").put("semanticVersion", "1.0.0").put("platform", "Linux")
                .put("data", DOC).put("clientToken", "t").put("dryRun", true);
        assertError(() -> api.call(me, "CreateComponent", in), ErrorType.DryRunOperationException);
        assertThat(api.call(me, "ListComponents", Json.object()).path("componentVersionList")).isEmpty();
    }

    @Test
    void sameClientTokenReturnsTheFirstAnswerAndOtherParametersAreAMismatch() {
        ObjectNode in = Json.object().put("name", "idem").put("semanticVersion", "1.0.0").put("platform", "Linux")
                .put("data", DOC).put("clientToken", "token-1");
        String first = api.call(me, "CreateComponent", in.deepCopy()).path("componentBuildVersionArn").asText();
        String again = api.call(me, "CreateComponent", in.deepCopy()).path("componentBuildVersionArn").asText();
        assertThat(again).isEqualTo(first).endsWith("/1");
        ObjectNode changed = in.deepCopy().put("description", "different");
        assertError(() -> api.call(me, "CreateComponent", changed), ErrorType.IdempotentParameterMismatchException);
    }

    @Test
    void otherAccountsAndRegionsDoNotSeeTheComponent() {
        String arn = create(me, "private", "1.0.0", DOC).path("componentBuildVersionArn").asText();
        for (CallContext stranger : new CallContext[] {other, west}) {
            assertError(() -> get(stranger, arn), ErrorType.ResourceNotFoundException);
            assertThat(api.call(stranger, "ListComponents", Json.object()).path("componentVersionList")).isEmpty();
        }
    }

    @Test
    void listGivesOneEntryPerVersionFiltersAndPages() {
        for (int i = 0; i < 30; i++) {
            create(me, "comp-" + (i % 3), "1.0." + i, i % 2 == 0 ? DOC : TEST_ONLY);
        }
        create(me, "comp-0", "1.0.0", DOC);
        ObjectNode page1 = api.call(me, "ListComponents", Json.object().put("maxResults", 25));
        assertThat(page1.path("componentVersionList")).hasSize(25);
        ObjectNode page2 = api.call(me, "ListComponents",
                Json.object().put("maxResults", 25).put("nextToken", page1.path("nextToken").asText()));
        assertThat(page2.path("componentVersionList")).hasSize(5);
        assertThat(page2.has("nextToken")).isFalse();
        ObjectNode filtered = Json.object();
        filtered.putArray("filters").addObject().put("name", "type").putArray("values").add("TEST");
        assertThat(api.call(me, "ListComponents", filtered).path("componentVersionList")).hasSize(15);
        ObjectNode byName = Json.object().put("byName", true);
        assertThat(api.call(me, "ListComponents", byName).path("componentVersionList")).hasSize(3);
        assertError(() -> api.call(me, "ListComponents", Json.object().put("nextToken", "garbage")),
                ErrorType.InvalidPaginationTokenException);
    }

    @Test
    void listBuildVersionsAndDelete() {
        create(me, "builds", "1.0.0", DOC);
        String second = create(me, "builds", "1.0.0", DOC).path("componentBuildVersionArn").asText();
        ObjectNode in = Json.object().put("componentVersionArn",
                "arn:aws:imagebuilder:us-east-1:111111111111:component/builds/1.0.0");
        assertThat(api.call(me, "ListComponentBuildVersions", in).path("componentSummaryList")).hasSize(2);
        api.call(me, "DeleteComponent", Json.object().put("componentBuildVersionArn", second));
        assertThat(api.call(me, "ListComponentBuildVersions", in).path("componentSummaryList")).hasSize(1);
        assertError(() -> get(me, second), ErrorType.ResourceNotFoundException);
    }

    @Test
    void aUriNeedsKilnsS3EndpointAndAnObjectKey() {
        ObjectNode in = Json.object().put("name", "from-s3").put("semanticVersion", "1.0.0").put("platform", "Linux")
                .put("uri", "s3://bucket/doc.yaml").put("clientToken", "x");
        assertError(() -> api.call(me, "CreateComponent", in), ErrorType.InvalidRequestException,
                "uri: s3://bucket/doc.yaml cannot be read: this Kiln server has no S3 endpoint");
        assertError(() -> api.call(me, "CreateComponent", in.put("uri", "https://bucket/doc.yaml")),
                ErrorType.InvalidParameterValueException, "is not an S3 URL");
        assertThatThrownBy(() -> api.call(me, "CreateComponent", in.put("uri", "s3://bucket/")))
                .hasMessageContaining("names no object");
    }

    @Test
    void dataAndUriTogetherAreAnInvalidCombination() {
        ObjectNode in = Json.object().put("name", "both").put("semanticVersion", "1.0.0").put("platform", "Linux")
                .put("data", DOC).put("uri", "s3://bucket/key").put("clientToken", "x");
        assertError(() -> api.call(me, "CreateComponent", in), ErrorType.InvalidParameterCombinationException);
    }
}
