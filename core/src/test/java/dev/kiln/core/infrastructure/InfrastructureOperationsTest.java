package dev.kiln.core.infrastructure;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static dev.kiln.core.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.image.TestClock;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.References;
import dev.kiln.core.store.StoredResource;
import dev.kiln.core.testing.InMemoryStore;
import dev.kiln.core.testing.TestClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InfrastructureOperationsTest {
    /** The request of the AWS CLI's create-infrastructure-configuration example. */
    private static final String CLI_EXAMPLE = """
            {
                "name": "MyExampleInfrastructure",
                "description": "An example that will retain instances of failed builds",
                "instanceTypes": ["m5.large", "m5.xlarge"],
                "instanceProfileName": "EC2InstanceProfileForImageBuilder",
                "securityGroupIds": ["sg-a1b2c3d4"],
                "subnetId": "subnet-a1b2c3d4",
                "logging": {"s3Logs": {"s3BucketName": "bucket-name", "s3KeyPrefix": "bucket-path"}},
                "keyPair": "key-pair-name",
                "terminateInstanceOnFailure": false,
                "snsTopicArn": "arn:aws:sns:us-west-2:123456789012:sns-topic-name"
            }
            """;
    private static final String EXAMPLE_ARN =
            "arn:aws:imagebuilder:us-west-2:123456789012:infrastructure-configuration/myexampleinfrastructure";

    private final InMemoryStore store = new InMemoryStore();
    private final ImageBuilderService service = new ImageBuilderService(store);
    private final TestClock clock = new TestClock("2026-11-26T10:00:00Z");
    private final TestClient api = new TestClient(service);
    private final CallContext me = new CallContext("123456789012", "us-west-2", "req-1");
    private final CallContext other = new CallContext("222222222222", "us-west-2", "req-2");
    private final CallContext east = new CallContext("123456789012", "us-east-1", "req-3");

    InfrastructureOperationsTest() {
        new InfrastructureOperations(store, new References(store), clock).registerWith(service);
    }

    private ObjectNode create(CallContext ctx, ObjectNode in) {
        return api.callWithToken(ctx, "CreateInfrastructureConfiguration", in);
    }

    private String create(CallContext ctx, String name) {
        return api.createInfrastructure(ctx, name, "profile");
    }

    private JsonNode get(CallContext ctx, String arn) {
        return api.getInfrastructure(ctx, arn);
    }

    private ObjectNode update(CallContext ctx, ObjectNode in) {
        return api.callWithToken(ctx, "UpdateInfrastructureConfiguration", in);
    }

    private ObjectNode list(CallContext ctx, ObjectNode in) {
        return api.call(ctx, "ListInfrastructureConfigurations", in);
    }

    @Test
    void createAnswersTheArnOfTheLowerCasedNameAsTheCliExampleShows() {
        ObjectNode out = create(me, json(CLI_EXAMPLE));
        assertThat(out.path("infrastructureConfigurationArn").asText()).isEqualTo(EXAMPLE_ARN);
        assertThat(out.path("requestId").asText()).isEqualTo("req-1");
        assertThat(out.path("clientToken").asText()).isNotEmpty();
    }

    @Test
    void getAnswersTheConfigurationAsGiven() {
        create(me, json(CLI_EXAMPLE));
        JsonNode c = get(me, EXAMPLE_ARN);
        ObjectNode expected = json(CLI_EXAMPLE);
        expected.put("arn", EXAMPLE_ARN).put("dateCreated", "2026-11-26T10:00:00.000Z").putObject("tags");
        assertThat(c).isEqualTo(expected);
        assertThat(c.has("dateUpdated")).isFalse();
        List<String> order = Json.MAPPER.convertValue(c, java.util.Map.class).keySet().stream()
                .map(Object::toString).toList();
        assertThat(order).containsExactly("arn", "name", "description", "instanceTypes", "instanceProfileName",
                "securityGroupIds", "subnetId", "logging", "keyPair", "terminateInstanceOnFailure", "snsTopicArn",
                "dateCreated", "tags");
    }

    @Test
    void terminateInstanceOnFailureDefaultsToTrueAndTagsToEmpty() {
        String arn = create(me, "minimal");
        JsonNode c = get(me, arn);
        assertThat(c.path("terminateInstanceOnFailure").isBoolean()).isTrue();
        assertThat(c.path("terminateInstanceOnFailure").asBoolean()).isTrue();
        assertThat(c.path("tags").isObject()).isTrue();
        assertThat(c.path("tags")).isEmpty();
        assertThat(c.path("instanceProfileName").asText()).isEqualTo("profile");
    }

    @Test
    void everyOptionalMemberIsKeptAsGiven() {
        ObjectNode in = json("""
                {"name": "full", "instanceProfileName": "p", "instanceTypes": ["kiln.sandbox"],
                 "resourceTags": {"team": "build"}, "tags": {"owner": "me"},
                 "instanceMetadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2},
                 "placement": {"availabilityZone": "us-west-2a", "tenancy": "host", "hostId": "h-0123"}}
                """);
        String arn = create(me, in).path("infrastructureConfigurationArn").asText();
        JsonNode c = get(me, arn);
        assertThat(c.path("instanceTypes").get(0).asText()).isEqualTo("kiln.sandbox");
        assertThat(c.path("resourceTags")).isEqualTo(in.get("resourceTags"));
        assertThat(c.path("tags")).isEqualTo(in.get("tags"));
        assertThat(c.path("instanceMetadataOptions")).isEqualTo(in.get("instanceMetadataOptions"));
        assertThat(c.path("placement")).isEqualTo(in.get("placement"));
    }

    @Test
    void aSecondConfigurationWithTheSameArnNameAlreadyExists() {
        create(me, "Builders");
        assertError(() -> create(me, "Builders"), ErrorType.ResourceAlreadyExistsException);
        assertError(() -> create(me, "builders"), ErrorType.ResourceAlreadyExistsException);
        // The same name in another account or region is another resource.
        assertThat(create(other, "Builders")).contains(":222222222222:");
        assertThat(create(east, "Builders")).contains(":us-east-1:");
    }

    @Test
    void malformedInstanceTypesAreRefusedNamingEachOne() {
        ObjectNode in = Json.object().put("name", "types").put("instanceProfileName", "p");
        in.putArray("instanceTypes").add("m5.large").add("M5.LARGE").add("large").add("m5.").add("m5 .large");
        assertError(() -> create(me, in), ErrorType.InvalidParameterValueException)
                .hasMessageContaining("instanceTypes[1] 'M5.LARGE'")
                .hasMessageContaining("instanceTypes[2] 'large'")
                .hasMessageContaining("instanceTypes[3] 'm5.'")
                .hasMessageContaining("instanceTypes[4]")
                .hasMessageNotContaining("instanceTypes[0]");
    }

    @Test
    void realInstanceTypeNamesAndTheSandboxAreAccepted() {
        ObjectNode in = Json.object().put("name", "real").put("instanceProfileName", "p");
        in.putArray("instanceTypes").add("m5.large").add("c6gn.16xlarge").add("u-6tb1.metal")
                .add("mac2-m2pro.metal").add("c7i.metal-24xl").add("t4g.nano").add(InstanceTypes.SANDBOX);
        String arn = create(me, in).path("infrastructureConfigurationArn").asText();
        assertThat(get(me, arn).path("instanceTypes")).isEqualTo(in.get("instanceTypes"));
    }

    @Test
    void placementTakesAtMostOneHostTargetAndOnlyWithHostTenancy() {
        ObjectNode both = json("""
                {"name": "both", "instanceProfileName": "p",
                 "placement": {"tenancy": "host", "hostId": "h-1", "hostResourceGroupArn": "arn:group"}}""");
        assertError(() -> create(me, both), ErrorType.InvalidParameterCombinationException);
        ObjectNode shared = json("""
                {"name": "shared", "instanceProfileName": "p",
                 "placement": {"tenancy": "dedicated", "hostResourceGroupArn": "arn:group"}}""");
        assertError(() -> create(me, shared), ErrorType.InvalidParameterCombinationException);
        assertThat(list(me, Json.object()).path("infrastructureConfigurationSummaryList")).isEmpty();
    }

    @Test
    void updateReplacesEverySettingAndKeepsNameArnCreationDateAndTags() {
        ObjectNode in = json(CLI_EXAMPLE);
        in.putObject("tags").put("team", "images");
        in.putObject("placement").put("tenancy", "dedicated");
        create(me, in);
        clock.advance(Duration.ofHours(2));
        ObjectNode change = json("""
                {"description": "An example that will terminate instances of failed builds",
                 "instanceTypes": ["m5.large", "m5.2xlarge"],
                 "instanceProfileName": "EC2InstanceProfileForImageFactory",
                 "resourceTags": {"purpose": "build"}}""");
        change.put("infrastructureConfigurationArn", EXAMPLE_ARN);
        ObjectNode out = update(me, change);
        assertThat(out.path("infrastructureConfigurationArn").asText()).isEqualTo(EXAMPLE_ARN);

        JsonNode c = get(me, EXAMPLE_ARN);
        assertThat(c.path("name").asText()).isEqualTo("MyExampleInfrastructure");
        assertThat(c.path("arn").asText()).isEqualTo(EXAMPLE_ARN);
        assertThat(c.path("description").asText()).isEqualTo(change.path("description").asText());
        assertThat(c.path("instanceTypes")).isEqualTo(change.get("instanceTypes"));
        assertThat(c.path("instanceProfileName").asText()).isEqualTo("EC2InstanceProfileForImageFactory");
        assertThat(c.path("resourceTags")).isEqualTo(change.get("resourceTags"));
        // Left out of the update: gone, or back to the default.
        for (String removed : List.of("securityGroupIds", "subnetId", "logging", "keyPair", "snsTopicArn",
                "placement")) {
            assertThat(c.has(removed)).as(removed).isFalse();
        }
        assertThat(c.path("terminateInstanceOnFailure").asBoolean()).isTrue();
        assertThat(c.path("dateCreated").asText()).isEqualTo("2026-11-26T10:00:00.000Z");
        assertThat(c.path("dateUpdated").asText()).isEqualTo("2026-11-26T12:00:00.000Z");
        assertThat(c.path("tags").path("team").asText()).isEqualTo("images");
    }

    @Test
    void updateValidatesLikeCreateAndChangesNothingWhenRefused() {
        String arn = create(me, "strict");
        ObjectNode bad = Json.object().put("infrastructureConfigurationArn", arn).put("instanceProfileName", "q");
        bad.putArray("instanceTypes").add("not a type");
        assertError(() -> update(me, bad), ErrorType.InvalidParameterValueException);
        assertThat(get(me, arn).path("instanceProfileName").asText()).isEqualTo("profile");
        assertThat(get(me, arn).has("dateUpdated")).isFalse();
    }

    @Test
    void updateOfAConfigurationThatDoesNotExistIsNotFound() {
        ObjectNode in = Json.object().put("instanceProfileName", "p").put("infrastructureConfigurationArn",
                "arn:aws:imagebuilder:us-west-2:123456789012:infrastructure-configuration/nothing");
        assertError(() -> update(me, in), ErrorType.ResourceNotFoundException);
    }

    @Test
    void sameClientTokenReturnsTheFirstAnswerAndOtherParametersAreAMismatch() {
        ObjectNode in = json(CLI_EXAMPLE).put("clientToken", "token-1");
        String first = api.call(me, "CreateInfrastructureConfiguration", in.deepCopy())
                .path("infrastructureConfigurationArn").asText();
        String again = api.call(me, "CreateInfrastructureConfiguration", in.deepCopy())
                .path("infrastructureConfigurationArn").asText();
        assertThat(again).isEqualTo(first);
        assertError(() -> api.call(me, "CreateInfrastructureConfiguration", in.deepCopy().put("keyPair", "k")),
                ErrorType.IdempotentParameterMismatchException);
    }

    @Test
    void listGivesSummariesSortedByNameFilteredAndPaged() {
        for (int i = 0; i < 27; i++) {
            create(me, String.format("infra-%02d", i));
        }
        ObjectNode first = list(me, Json.object());
        JsonNode items = first.path("infrastructureConfigurationSummaryList");
        assertThat(items).hasSize(25);
        assertThat(items.get(0).path("name").asText()).isEqualTo("infra-00");
        assertThat(items.get(0).path("instanceProfileName").asText()).isEqualTo("profile");
        assertThat(items.get(0).has("dateCreated")).isTrue();
        assertThat(items.get(0).has("tags")).isTrue();
        assertThat(items.get(0).has("logging")).isFalse();
        ObjectNode second = list(me, Json.object().put("nextToken", first.path("nextToken").asText()));
        assertThat(second.path("infrastructureConfigurationSummaryList")).hasSize(2);
        assertThat(second.has("nextToken")).isFalse();

        ObjectNode byName = Json.object();
        byName.putArray("filters").addObject().put("name", "name").putArray("values").add("infra-03").add("infra-07");
        assertThat(list(me, byName).path("infrastructureConfigurationSummaryList").findValuesAsText("name"))
                .containsExactly("infra-03", "infra-07");
        ObjectNode unsupported = Json.object();
        unsupported.putArray("filters").addObject().put("name", "platform").putArray("values").add("Linux");
        assertError(() -> list(me, unsupported), ErrorType.InvalidRequestException);
    }

    @Test
    void deleteRemovesItUnlessAPipelineStillUsesIt() {
        String used = create(me, "used");
        String unused = create(me, "unused");
        String pipeline = "arn:aws:imagebuilder:us-west-2:123456789012:image-pipeline/p";
        ObjectNode body = Json.object().put("arn", pipeline).put("infrastructureConfigurationArn", used);
        store.insert(new StoredResource(pipeline, "123456789012", "us-west-2", "image-pipeline", "p", null, null,
                clock.instant(), body));

        assertError(() -> api.call(me, "DeleteInfrastructureConfiguration",
                Json.object().put("infrastructureConfigurationArn", used)), ErrorType.ResourceDependencyException)
                .hasMessageContaining(pipeline);
        assertThat(get(me, used).path("name").asText()).isEqualTo("used");

        ObjectNode out = api.call(me, "DeleteInfrastructureConfiguration",
                Json.object().put("infrastructureConfigurationArn", unused));
        assertThat(out.path("infrastructureConfigurationArn").asText()).isEqualTo(unused);
        assertError(() -> get(me, unused), ErrorType.ResourceNotFoundException);
        assertError(() -> api.call(me, "DeleteInfrastructureConfiguration",
                Json.object().put("infrastructureConfigurationArn", unused)), ErrorType.ResourceNotFoundException);
    }

    @Test
    void otherAccountsAndRegionsNeitherSeeNorChangeIt() {
        String arn = create(me, "private");
        for (CallContext stranger : List.of(other, east)) {
            assertError(() -> get(stranger, arn), ErrorType.ResourceNotFoundException);
            assertThat(list(stranger, Json.object()).path("infrastructureConfigurationSummaryList")).isEmpty();
            ObjectNode change = Json.object().put("infrastructureConfigurationArn", arn)
                    .put("instanceProfileName", "stolen");
            assertError(() -> update(stranger, change), ErrorType.ResourceNotFoundException);
            assertError(() -> api.call(stranger, "DeleteInfrastructureConfiguration",
                    Json.object().put("infrastructureConfigurationArn", arn)), ErrorType.ResourceNotFoundException);
        }
        assertThat(get(me, arn).path("instanceProfileName").asText()).isEqualTo("profile");
    }

    @Test
    void arnsOfAnotherTypeOrWithAVersionAreInvalid() {
        for (String bad : List.of("nonsense",
                "arn:aws:imagebuilder:us-west-2:123456789012:distribution-configuration/x",
                "arn:aws:imagebuilder:us-west-2:123456789012:infrastructure-configuration/x/1.0.0")) {
            assertError(() -> get(me, bad), ErrorType.InvalidParameterValueException);
        }
    }
}
