package dev.kiln.core.distribution;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static dev.kiln.core.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Set;
import org.junit.jupiter.api.Test;

class DistributionOperationsTest {
    /** The request of the AWS CLI's create-distribution-configuration example. */
    private static final String CLI_EXAMPLE = """
            {
                "name": "MyExampleDistribution",
                "description": "Copies AMI to eu-west-1",
                "distributions": [
                    {
                        "region": "us-west-2",
                        "amiDistributionConfiguration": {
                            "name": "Name {{imagebuilder:buildDate}}",
                            "description": "An example image name with parameter references",
                            "amiTags": {"KeyName": "{{ssm:parameter_name}}"},
                            "launchPermission": {"userIds": ["123456789012"]}
                        }
                    },
                    {
                        "region": "eu-west-1",
                        "amiDistributionConfiguration": {
                            "name": "My {{imagebuilder:buildVersion}} image {{imagebuilder:buildDate}}",
                            "amiTags": {"KeyName": "Value"},
                            "launchPermission": {"userIds": ["123456789012"]}
                        }
                    }
                ]
            }
            """;
    private static final String EXAMPLE_ARN =
            "arn:aws:imagebuilder:us-west-2:123456789012:distribution-configuration/myexampledistribution";

    private final InMemoryStore store = new InMemoryStore();
    private final ImageBuilderService service = new ImageBuilderService(store);
    private final TestClock clock = new TestClock("2026-11-26T10:00:00Z");
    private final TestClient api = new TestClient(service);
    private final CallContext me = new CallContext("123456789012", "us-west-2", "req-1");
    private final CallContext other = new CallContext("222222222222", "us-west-2", "req-2");
    private final CallContext europe = new CallContext("123456789012", "eu-west-1", "req-3");

    DistributionOperationsTest() {
        new DistributionOperations(store, new References(store), clock,
                Set.of("us-west-2", "eu-west-1", "eu-west-2")).registerWith(service);
    }

    private ObjectNode create(CallContext ctx, ObjectNode in) {
        return api.callWithToken(ctx, "CreateDistributionConfiguration", in);
    }

    /** A configuration that makes an AMI in each region. */
    private String create(CallContext ctx, String name, String... regions) {
        return api.createDistribution(ctx, name, regions);
    }

    private JsonNode get(CallContext ctx, String arn) {
        return api.getDistribution(ctx, arn);
    }

    private ObjectNode update(CallContext ctx, ObjectNode in) {
        return api.callWithToken(ctx, "UpdateDistributionConfiguration", in);
    }

    private ObjectNode list(CallContext ctx, ObjectNode in) {
        return api.call(ctx, "ListDistributionConfigurations", in);
    }

    @Test
    void createAnswersTheArnOfTheLowerCasedNameAsTheCliExampleShows() {
        ObjectNode out = create(me, json(CLI_EXAMPLE));
        assertThat(out.path("distributionConfigurationArn").asText()).isEqualTo(EXAMPLE_ARN);
        assertThat(out.path("requestId").asText()).isEqualTo("req-1");
    }

    @Test
    void getAnswersTheDistributionsAsGivenWithTheDefaultTimeout() {
        create(me, json(CLI_EXAMPLE));
        JsonNode c = get(me, EXAMPLE_ARN);
        ObjectNode expected = json(CLI_EXAMPLE);
        expected.put("arn", EXAMPLE_ARN).put("timeoutMinutes", 360).put("dateCreated", "2026-11-26T10:00:00.000Z")
                .putObject("tags");
        assertThat(c).isEqualTo(expected);
        assertThat(c.at("/distributions/1/amiDistributionConfiguration/name").asText())
                .isEqualTo("My {{imagebuilder:buildVersion}} image {{imagebuilder:buildDate}}");
        assertThat(c.has("dateUpdated")).isFalse();
    }

    @Test
    void everyKindOfOutputIsKeptAsGiven() {
        ObjectNode in = json("""
                {"name": "outputs", "tags": {"team": "images"}, "distributions": [
                  {"region": "us-west-2",
                   "amiDistributionConfiguration": {"name": "a-{{ imagebuilder:buildDate }}",
                                                    "targetAccountIds": ["210987654321"]},
                   "launchTemplateConfigurations": [{"launchTemplateId": "lt-0123456789abcdef0",
                                                     "setDefaultVersion": true}],
                   "s3ExportConfiguration": {"roleName": "r", "diskImageFormat": "RAW", "s3Bucket": "b"},
                   "ssmParameterConfigurations": [{"parameterName": "/kiln/latest", "dataType": "aws:ec2:image"}]},
                  {"region": "eu-west-1",
                   "containerDistributionConfiguration": {"containerTags": ["latest"],
                       "targetRepository": {"service": "ECR", "repositoryName": "app"}}}]}
                """);
        String arn = create(me, in).path("distributionConfigurationArn").asText();
        JsonNode c = get(me, arn);
        assertThat(c.path("distributions")).isEqualTo(in.get("distributions"));
        assertThat(c.path("tags")).isEqualTo(in.get("tags"));
    }

    @Test
    void aRegionThisServerDoesNotServeIsRefusedNamingItsIndex() {
        ObjectNode in = json(CLI_EXAMPLE);
        ((ObjectNode) in.at("/distributions/1")).put("region", "ap-south-1");
        assertError(() -> create(me, in), ErrorType.InvalidParameterValueException)
                .hasMessageContaining("distributions[1].region")
                .hasMessageContaining("ap-south-1")
                .hasMessageNotContaining("distributions[0]");
        assertThat(list(me, Json.object()).path("distributionConfigurationSummaryList")).isEmpty();
    }

    @Test
    void aRegionNamedTwiceIsRefused() {
        assertError(() -> create(me, "twice", "us-west-2", "eu-west-1", "us-west-2"),
                ErrorType.InvalidParameterValueException)
                .hasMessageContaining("distributions[2].region")
                .hasMessageContaining("distributions[0]");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ObjectNode in = Json.object().put("name", "many");
        var list = in.putArray("distributions");
        list.addObject().put("region", "mars-1").putObject("amiDistributionConfiguration").put("name", "x");
        list.addObject().put("region", "eu-west-1");
        assertThatThrownBy(() -> create(me, in))
                .hasMessageContaining("distributions[0].region")
                .hasMessageContaining("'distributions[1]' is not valid. One or more outputs should be provided");
    }

    @Test
    void aDistributionWithoutAnyOutputIsRefused() {
        ObjectNode in = Json.object().put("name", "nothing");
        in.putArray("distributions").addObject().put("region", "us-west-2").putArray("licenseConfigurationArns");
        assertError(() -> create(me, in), ErrorType.InvalidParameterValueException);
    }

    @Test
    void noDistributionsAtAllIsRefused() {
        ObjectNode in = Json.object().put("name", "empty");
        in.putArray("distributions");
        assertError(() -> create(me, in), ErrorType.InvalidParameterValueException);
    }

    @Test
    void theServedRegionsMustNotBeEmpty() {
        assertThatThrownBy(() -> new DistributionOperations(store, new References(store), clock, Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSecondConfigurationWithTheSameArnNameAlreadyExists() {
        create(me, "Everywhere", "us-west-2");
        assertError(() -> create(me, "everywhere", "eu-west-1"), ErrorType.ResourceAlreadyExistsException);
        assertThat(create(other, "Everywhere", "us-west-2")).contains(":222222222222:");
    }

    @Test
    void updateReplacesDescriptionAndDistributionsAndKeepsTheRest() {
        ObjectNode in = json(CLI_EXAMPLE);
        in.putObject("tags").put("team", "images");
        create(me, in);
        clock.advance(Duration.ofMinutes(90));
        ObjectNode change = json("""
                {"distributions": [
                  {"region": "us-west-2", "amiDistributionConfiguration": {"name": "Name {{imagebuilder:buildDate}}"}},
                  {"region": "eu-west-2", "amiDistributionConfiguration": {"name": "My {{imagebuilder:buildVersion}}"}}
                ]}""");
        change.put("distributionConfigurationArn", EXAMPLE_ARN);
        assertThat(update(me, change).path("distributionConfigurationArn").asText()).isEqualTo(EXAMPLE_ARN);

        JsonNode c = get(me, EXAMPLE_ARN);
        assertThat(c.path("distributions")).isEqualTo(change.get("distributions"));
        assertThat(c.has("description")).as("a description left out is removed").isFalse();
        assertThat(c.path("name").asText()).isEqualTo("MyExampleDistribution");
        assertThat(c.path("arn").asText()).isEqualTo(EXAMPLE_ARN);
        assertThat(c.path("timeoutMinutes").asInt()).isEqualTo(360);
        assertThat(c.path("dateCreated").asText()).isEqualTo("2026-11-26T10:00:00.000Z");
        assertThat(c.path("dateUpdated").asText()).isEqualTo("2026-11-26T11:30:00.000Z");
        assertThat(c.path("tags").path("team").asText()).isEqualTo("images");
    }

    @Test
    void updateValidatesLikeCreateAndChangesNothingWhenRefused() {
        String arn = create(me, "strict", "us-west-2");
        ObjectNode change = Json.object().put("distributionConfigurationArn", arn).put("description", "new");
        change.putArray("distributions").addObject().put("region", "us-east-1")
                .putObject("amiDistributionConfiguration").put("name", "x");
        assertError(() -> update(me, change), ErrorType.InvalidParameterValueException);
        JsonNode c = get(me, arn);
        assertThat(c.has("description")).isFalse();
        assertThat(c.at("/distributions/0/region").asText()).isEqualTo("us-west-2");
    }

    @Test
    void updateOfAConfigurationThatDoesNotExistIsNotFound() {
        ObjectNode change = Json.object().put("distributionConfigurationArn",
                "arn:aws:imagebuilder:us-west-2:123456789012:distribution-configuration/none");
        change.putArray("distributions").addObject().put("region", "us-west-2")
                .putObject("amiDistributionConfiguration").put("name", "x");
        assertError(() -> update(me, change), ErrorType.ResourceNotFoundException);
    }

    @Test
    void listGivesSummariesWithRegionsFilteredAndPaged() {
        for (int i = 0; i < 26; i++) {
            create(me, String.format("dist-%02d", i), "us-west-2", "eu-west-1");
        }
        ObjectNode first = list(me, Json.object().put("maxResults", 10));
        JsonNode items = first.path("distributionConfigurationSummaryList");
        assertThat(items).hasSize(10);
        assertThat(items.get(0).path("name").asText()).isEqualTo("dist-00");
        assertThat(items.get(0).path("regions").get(0).asText()).isEqualTo("us-west-2");
        assertThat(items.get(0).path("regions").get(1).asText()).isEqualTo("eu-west-1");
        assertThat(items.get(0).has("distributions")).isFalse();
        assertThat(items.get(0).has("tags")).isTrue();
        int seen = items.size();
        String token = first.path("nextToken").asText();
        while (!token.isEmpty()) {
            ObjectNode page = list(me, Json.object().put("maxResults", 10).put("nextToken", token));
            seen += page.path("distributionConfigurationSummaryList").size();
            token = page.path("nextToken").asText();
        }
        assertThat(seen).isEqualTo(26);
        ObjectNode byName = Json.object();
        byName.putArray("filters").addObject().put("name", "name").putArray("values").add("dist-25");
        assertThat(list(me, byName).path("distributionConfigurationSummaryList")).hasSize(1);
        assertError(() -> list(me, Json.object().put("nextToken", "forged")),
                ErrorType.InvalidPaginationTokenException);
    }

    @Test
    void deleteRemovesItUnlessAPipelineStillUsesIt() {
        String used = create(me, "used", "us-west-2");
        String unused = create(me, "unused", "us-west-2");
        String pipeline = "arn:aws:imagebuilder:us-west-2:123456789012:image-pipeline/p";
        ObjectNode body = Json.object().put("arn", pipeline).put("distributionConfigurationArn", used);
        store.insert(new StoredResource(pipeline, "123456789012", "us-west-2", "image-pipeline", "p", null, null,
                clock.instant(), body));

        assertError(() -> api.call(me, "DeleteDistributionConfiguration",
                Json.object().put("distributionConfigurationArn", used)), ErrorType.ResourceDependencyException);
        assertThat(get(me, used).path("name").asText()).isEqualTo("used");
        ObjectNode out = api.call(me, "DeleteDistributionConfiguration",
                Json.object().put("distributionConfigurationArn", unused));
        assertThat(out.path("distributionConfigurationArn").asText()).isEqualTo(unused);
        assertError(() -> get(me, unused), ErrorType.ResourceNotFoundException);
    }

    @Test
    void otherAccountsAndRegionsNeitherSeeNorChangeIt() {
        String arn = create(me, "private", "us-west-2", "eu-west-1");
        for (CallContext stranger : List.of(other, europe)) {
            assertError(() -> get(stranger, arn), ErrorType.ResourceNotFoundException);
            assertThat(list(stranger, Json.object()).path("distributionConfigurationSummaryList")).isEmpty();
            ObjectNode change = Json.object().put("distributionConfigurationArn", arn);
            change.putArray("distributions").addObject().put("region", "eu-west-1")
                    .putObject("amiDistributionConfiguration").put("name", "x");
            assertError(() -> update(stranger, change), ErrorType.ResourceNotFoundException);
            assertError(() -> api.call(stranger, "DeleteDistributionConfiguration",
                    Json.object().put("distributionConfigurationArn", arn)), ErrorType.ResourceNotFoundException);
        }
        assertThat(get(me, arn).path("distributions")).hasSize(2);
    }

    @Test
    void sameClientTokenReturnsTheFirstAnswerAndOtherParametersAreAMismatch() {
        ObjectNode in = json(CLI_EXAMPLE).put("clientToken", "token-1");
        String first = api.call(me, "CreateDistributionConfiguration", in.deepCopy())
                .path("distributionConfigurationArn").asText();
        assertThat(api.call(me, "CreateDistributionConfiguration", in.deepCopy())
                .path("distributionConfigurationArn").asText()).isEqualTo(first);
        assertError(() -> api.call(me, "CreateDistributionConfiguration",
                in.deepCopy().put("description", "other")), ErrorType.IdempotentParameterMismatchException);
    }

    @Test
    void arnsOfAnotherTypeAreInvalid() {
        assertError(() -> get(me, "arn:aws:imagebuilder:us-west-2:123456789012:infrastructure-configuration/x"),
                ErrorType.InvalidParameterValueException);
    }
}
