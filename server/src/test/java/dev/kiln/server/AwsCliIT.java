package dev.kiln.server;

import static dev.kiln.server.KilnTestServer.EAST;
import static dev.kiln.server.KilnTestServer.WEST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.store.Database;
import dev.kiln.server.ExternalClients.Cli;
import dev.kiln.server.KilnServerExtension.Identity;
import dev.kiln.server.ExternalClients.Python;
import dev.kiln.server.ExternalClients.Result;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.Platform;

/**
 * The AWS CLI (every version on this machine: Debian's v2 package, pyenv's v1) and boto3 (every python
 * that has it) against a Kiln server started in-process, as a person would script them: commands with
 * {@code --endpoint-url} and {@code --output json}, the credentials file the server wrote, answers parsed
 * as JSON, errors read from the exit code and the error name on stderr. Each CLI also replays the
 * create-* examples it ships and compares Kiln's answer with the example's.
 *
 * <p>Each test makes its own account, so that the clients' runs do not see each other's resources.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsCliIT {
    static final String DOC = ImagebuilderSdkIT.DOC;

    @RegisterExtension
    static final KilnServerExtension kiln = KilnServerExtension.inRegions(EAST, WEST);
    @TempDir
    static Path work;

    static Path dataDir;

    KilnServer server;

    @BeforeAll
    void startServer() throws IOException {
        dataDir = kiln.dataDir();
        server = kiln.server();
    }

    static List<Cli> clis() {
        List<Cli> clis = ExternalClients.awsClis();
        System.out.println("AwsCliIT drives " + clis);
        return clis;
    }

    static List<Python> pythons() {
        List<Python> pythons = ExternalClients.boto3Pythons();
        System.out.println("AwsCliIT drives " + pythons);
        return pythons;
    }

    Identity newAccount(String name) throws IOException {
        return kiln.newAccount(name, work);
    }

    /** Runs {@code aws imagebuilder ARGS} in a region with a credentials file. */
    Result aws(Cli cli, Path credentials, String region, String... args) {
        return aws(cli, server, credentials, region, args);
    }

    static Result aws(Cli cli, KilnServer on, Path credentials, String region, String... args) {
        List<String> command = new ArrayList<>(List.of(cli.executable(), "imagebuilder"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", on.endpoint(), "--output", "json"));
        Map<String, String> env = ExternalClients.cliEnvironment(region);
        env.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
        return ExternalClients.run(command, env, 120);
    }

    Result aws(Cli cli, Identity id, String... args) {
        return aws(cli, id.credentials(), EAST, args);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String arn(String region, String account, String rest) {
        return "arn:aws:imagebuilder:" + region + ":" + account + ":" + rest;
    }

    static String managedParent(String region) {
        return ImagebuilderSdkIT.managedParent(region);
    }

    static String filter(String name, String... values) {
        ObjectNode f = ExternalClients.JSON.createObjectNode().put("name", name);
        for (String v : values) {
            f.withArray("values").add(v);
        }
        return ExternalClients.JSON.createArrayNode().add(f).toString();
    }

    static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    ImagebuilderClient sdk(Identity id, String region) {
        return ImagebuilderClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        id.key().accessKeyId(), id.key().secretAccessKey())))
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder()).build();
    }

    /** The input skeleton of a command, which names every request member this CLI's model has. */
    static JsonNode cliSkeleton(Cli cli, String command) {
        Result r = ExternalClients.run(List.of(cli.executable(), "imagebuilder", command, "--generate-cli-skeleton",
                "input"), Map.of("AWS_CONFIG_FILE", "/dev/null", "AWS_PAGER", ""), 60);
        return r.ok();
    }

    // ---- components -----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("clis")
    void componentsAreCreatedReadListedPagedAndDeleted(Cli cli) throws IOException {
        Identity me = newAccount("components");
        String name = unique("hello");

        JsonNode created = aws(cli, me, "create-component", "--name", name, "--semantic-version", "1.0.0",
                "--platform", "Linux", "--description", "says hello", "--data", DOC, "--tags", "team=kiln").ok();
        String arn = created.path("componentBuildVersionArn").asText();
        assertThat(arn).isEqualTo(arn(EAST, me.account(), "component/" + name + "/1.0.0/1"));
        assertThat(created.path("clientToken").asText()).as("the CLI fills in a clientToken").isNotBlank();
        assertThat(created.path("requestId").asText()).isNotBlank();

        JsonNode component = aws(cli, me, "get-component", "--component-build-version-arn", arn).ok()
                .path("component");
        assertThat(component.path("name").asText()).isEqualTo(name);
        assertThat(component.path("version").asText()).isEqualTo("1.0.0");
        assertThat(component.path("type").asText()).isEqualTo("BUILD");
        assertThat(component.path("platform").asText()).isEqualTo("Linux");
        assertThat(component.path("owner").asText()).isEqualTo(me.account());
        assertThat(component.path("data").asText()).isEqualTo(DOC);
        assertThat(component.path("tags").path("team").asText()).isEqualTo("kiln");
        assertThat(component.path("parameters").get(0).path("name").asText()).isEqualTo("Greeting");

        // a second build of the version
        String second = aws(cli, me, "create-component", "--name", name, "--semantic-version", "1.0.0",
                "--platform", "Linux", "--data", DOC).ok().path("componentBuildVersionArn").asText();
        assertThat(second).endsWith("/1.0.0/2");
        assertThat(texts(aws(cli, me, "list-component-build-versions", "--component-version-arn",
                arn(EAST, me.account(), "component/" + name + "/1.0.0")).ok().path("componentSummaryList"), "arn"))
                .containsExactlyInAnyOrder(arn, second);

        // 30 more, made quickly with the SDK, then listed and paged by the CLI
        ImagebuilderClient sdk = sdk(me, EAST);
        String prefix = unique("page");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String n = prefix + "-" + (i < 10 ? "0" : "") + i;
            names.add(n);
            sdk.createComponent(b -> b.name(n).semanticVersion("1.0.0").platform(Platform.LINUX).description(prefix)
                    .data(DOC));
        }
        sdk.close();
        String byDescription = filter("description", prefix);

        JsonNode first = aws(cli, me, "list-components", "--owner", "Self", "--filters", byDescription,
                "--max-results", "25", "--no-paginate").ok();
        assertThat(first.path("componentVersionList")).hasSize(25);
        String token = first.path("nextToken").asText();
        assertThat(token).isNotBlank();
        JsonNode rest = aws(cli, me, "list-components", "--owner", "Self", "--filters", byDescription,
                "--max-results", "25", "--next-token", token, "--no-paginate").ok();
        assertThat(rest.path("componentVersionList")).hasSize(5);
        assertThat(rest.has("nextToken")).isFalse();
        List<String> listed = texts(first.path("componentVersionList"), "name");
        listed.addAll(texts(rest.path("componentVersionList"), "name"));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(names);

        // the CLI's own pagination: all pages merged, or --max-items with the CLI's token
        Result paged = aws(cli, me, "list-components", "--filters", byDescription, "--page-size", "7");
        if (paged.exitCode() != 0 && paged.stderr().contains("Unknown options: --page-size")) {
            // Debian's v2 CLI (2.9.19) has no imagebuilder paginators in its model: nothing more to page
            assertThat(cli.major()).as(paged.toString()).isEqualTo(2);
            assertThat(ExternalClients.JSON.readTree(Files.readString(examplesDir(cli).getParent().getParent()
                    .resolve("botocore/data/imagebuilder/2019-12-02/paginators-1.json"))).path("pagination"))
                    .as("the CLI's imagebuilder paginators").isEmpty();
            aws(cli, me, "delete-component", "--component-build-version-arn", second).ok();
            return;
        }
        JsonNode all = paged.ok();
        assertThat(texts(all.path("componentVersionList"), "name")).containsExactlyInAnyOrderElementsOf(names);
        JsonNode some = aws(cli, me, "list-components", "--filters", byDescription, "--max-items", "10").ok();
        assertThat(some.path("componentVersionList")).hasSize(10);
        String cliToken = some.path("NextToken").asText();
        assertThat(cliToken).isNotBlank();
        JsonNode more = aws(cli, me, "list-components", "--filters", byDescription, "--starting-token", cliToken)
                .ok();
        assertThat(more.path("componentVersionList")).hasSize(20);

        // filters
        assertThat(texts(aws(cli, me, "list-components", "--filters", filter("name", names.get(4), names.get(9)))
                .ok().path("componentVersionList"), "name")).containsExactlyInAnyOrder(names.get(4), names.get(9));
        assertThat(aws(cli, me, "list-components", "--filters", filter("name", name), "--by-name").ok()
                .path("componentVersionList")).hasSize(1);

        assertThat(aws(cli, me, "delete-component", "--component-build-version-arn", second).ok()
                .path("componentBuildVersionArn").asText()).isEqualTo(second);
        aws(cli, me, "get-component", "--component-build-version-arn", second).failedWith("ResourceNotFoundException");
    }

    // ---- recipes, configurations, pipelines, images ---------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("clis")
    void aPipelineIsBuiltFromRecipesAndConfigurationsAndStartsAPendingImage(Cli cli) throws IOException {
        Identity me = newAccount("pipelines");
        String component = unique("part");
        aws(cli, me, "create-component", "--name", component, "--semantic-version", "1.0.0", "--platform", "Linux",
                "--data", DOC).ok();
        String wildcard = arn(EAST, me.account(), "component/" + component + "/x.x.x");

        String recipeName = unique("recipe");
        JsonNode recipeCreated = aws(cli, me, "create-image-recipe", "--name", recipeName, "--semantic-version",
                "1.0.0", "--parent-image", managedParent(EAST), "--components",
                "[{\"componentArn\":\"" + wildcard + "\",\"parameters\":[{\"name\":\"Greeting\",\"value\":[\"hi\"]}]}]")
                .ok();
        String recipe = recipeCreated.path("imageRecipeArn").asText();
        assertThat(recipe).isEqualTo(arn(EAST, me.account(), "image-recipe/" + recipeName + "/1.0.0"));
        JsonNode gotRecipe = aws(cli, me, "get-image-recipe", "--image-recipe-arn", recipe).ok().path("imageRecipe");
        assertThat(gotRecipe.path("parentImage").asText()).isEqualTo(managedParent(EAST));
        assertThat(gotRecipe.path("components").get(0).path("parameters").get(0).path("value").get(0).asText())
                .isEqualTo("hi");
        aws(cli, me, "create-image-recipe", "--name", recipeName, "--semantic-version", "1.0.0", "--parent-image",
                managedParent(EAST), "--components", "[{\"componentArn\":\"" + wildcard + "\"}]")
                .failedWith("ResourceAlreadyExistsException");
        assertThat(aws(cli, me, "list-image-recipes", "--owner", "Self").ok().path("imageRecipeSummaryList"))
                .hasSize(1);

        // a container recipe
        String containerName = unique("container");
        String container = aws(cli, me, "create-container-recipe", "--container-type", "DOCKER", "--name",
                containerName, "--semantic-version", "1.0.0", "--parent-image",
                "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-container/x.x.x", "--dockerfile-template-data",
                ImagebuilderSdkIT.DOCKERFILE, "--target-repository", "service=ECR,repositoryName=team/app",
                "--components", "[{\"componentArn\":\"" + wildcard + "\"}]").ok().path("containerRecipeArn").asText();
        assertThat(container).isEqualTo(arn(EAST, me.account(), "container-recipe/" + containerName + "/1.0.0"));
        assertThat(aws(cli, me, "get-container-recipe", "--container-recipe-arn", container).ok()
                .at("/containerRecipe/targetRepository/repositoryName").asText()).isEqualTo("team/app");
        assertThat(texts(aws(cli, me, "list-container-recipes").ok().path("containerRecipeSummaryList"), "arn"))
                .containsExactly(container);

        // infrastructure configuration: create, update, get
        String infraName = unique("infra");
        String infra = aws(cli, me, "create-infrastructure-configuration", "--name", infraName,
                "--instance-profile-name", "kiln-builder", "--instance-types", "m5.large", "kiln.sandbox",
                "--terminate-instance-on-failure").ok().path("infrastructureConfigurationArn").asText();
        assertThat(infra).isEqualTo(arn(EAST, me.account(), "infrastructure-configuration/" + infraName));
        aws(cli, me, "update-infrastructure-configuration", "--infrastructure-configuration-arn", infra,
                "--instance-profile-name", "kiln-builder-2", "--description", "updated", "--instance-types",
                "c6i.xlarge").ok();
        JsonNode gotInfra = aws(cli, me, "get-infrastructure-configuration", "--infrastructure-configuration-arn",
                infra).ok().path("infrastructureConfiguration");
        assertThat(gotInfra.path("instanceProfileName").asText()).isEqualTo("kiln-builder-2");
        assertThat(gotInfra.path("description").asText()).isEqualTo("updated");
        assertThat(gotInfra.path("instanceTypes")).singleElement()
                .satisfies(t -> assertThat(t.asText()).isEqualTo("c6i.xlarge"));
        assertThat(gotInfra.path("dateUpdated").asText()).isNotBlank();
        assertThat(aws(cli, me, "list-infrastructure-configurations", "--filters", filter("name", infraName)).ok()
                .path("infrastructureConfigurationSummaryList")).hasSize(1);

        // distribution configuration: create, update, get
        String distName = unique("dist");
        String dist = aws(cli, me, "create-distribution-configuration", "--name", distName, "--distributions",
                "[{\"region\":\"us-east-1\",\"amiDistributionConfiguration\":"
                        + "{\"name\":\"kiln-{{ imagebuilder:buildDate }}\"}}]")
                .ok().path("distributionConfigurationArn").asText();
        assertThat(dist).isEqualTo(arn(EAST, me.account(), "distribution-configuration/" + distName));
        aws(cli, me, "update-distribution-configuration", "--distribution-configuration-arn", dist, "--description",
                "two regions", "--distributions",
                "[{\"region\":\"us-east-1\",\"amiDistributionConfiguration\":"
                        + "{\"name\":\"east-{{ imagebuilder:buildDate }}\"}},"
                        + "{\"region\":\"us-west-2\",\"amiDistributionConfiguration\":{\"name\":\"west\"}}]").ok();
        JsonNode gotDist = aws(cli, me, "get-distribution-configuration", "--distribution-configuration-arn", dist)
                .ok().path("distributionConfiguration");
        assertThat(gotDist.path("description").asText()).isEqualTo("two regions");
        assertThat(texts(gotDist.path("distributions"), "region")).containsExactly(EAST, WEST);
        assertThat(gotDist.path("timeoutMinutes").asInt()).isEqualTo(360);
        assertThat(aws(cli, me, "list-distribution-configurations").ok().path("distributionConfigurationSummaryList"))
                .hasSize(1);

        // a pipeline on a cron schedule
        String pipelineName = unique("pipeline");
        String pipeline = aws(cli, me, "create-image-pipeline", "--name", pipelineName, "--image-recipe-arn", recipe,
                "--infrastructure-configuration-arn", infra, "--distribution-configuration-arn", dist, "--schedule",
                "{\"scheduleExpression\":\"cron(0 10 ? * MON-FRI *)\",\"timezone\":\"America/Los_Angeles\"}",
                "--tags", "team=kiln").ok().path("imagePipelineArn").asText();
        assertThat(pipeline).isEqualTo(arn(EAST, me.account(), "image-pipeline/" + pipelineName));
        JsonNode gotPipeline = aws(cli, me, "get-image-pipeline", "--image-pipeline-arn", pipeline).ok()
                .path("imagePipeline");
        assertThat(gotPipeline.at("/schedule/scheduleExpression").asText()).isEqualTo("cron(0 10 ? * MON-FRI *)");
        assertThat(gotPipeline.at("/schedule/timezone").asText()).isEqualTo("America/Los_Angeles");
        assertThat(gotPipeline.path("status").asText()).isEqualTo("ENABLED");
        assertThat(gotPipeline.path("dateNextRun").asText()).isNotBlank();
        assertThat(texts(aws(cli, me, "list-image-pipelines").ok().path("imagePipelineList"), "arn"))
                .containsExactly(pipeline);
        aws(cli, me, "create-image-pipeline", "--name", unique("bad"), "--image-recipe-arn", recipe,
                "--infrastructure-configuration-arn", infra, "--schedule", "scheduleExpression=cron(0 10 * * * *)")
                .failedWith("InvalidParameterValueException");

        // start: a PENDING image; a second start is refused while it is pending
        String image = aws(cli, me, "start-image-pipeline-execution", "--image-pipeline-arn", pipeline).ok()
                .path("imageBuildVersionArn").asText();
        assertThat(image).isEqualTo(arn(EAST, me.account(), "image/" + recipeName + "/1.0.0/1"));
        aws(cli, me, "start-image-pipeline-execution", "--image-pipeline-arn", pipeline)
                .failedWith("ResourceInUseException");
        JsonNode gotImage = aws(cli, me, "get-image", "--image-build-version-arn", image).ok().path("image");
        assertThat(gotImage.at("/state/status").asText()).isEqualTo("PENDING");
        assertThat(gotImage.path("sourcePipelineArn").asText()).isEqualTo(pipeline);
        assertThat(gotImage.at("/imageRecipe/arn").asText()).isEqualTo(recipe);
        assertThat(texts(aws(cli, me, "list-images", "--owner", "Self").ok().path("imageVersionList"), "arn"))
                .containsExactly(arn(EAST, me.account(), "image/" + recipeName + "/1.0.0"));
        assertThat(texts(aws(cli, me, "list-images", "--owner", "Amazon").ok().path("imageVersionList"), "name"))
                .contains("debian-12-x86", "debian-12-container");
        assertThat(texts(aws(cli, me, "list-image-build-versions", "--image-version-arn",
                arn(EAST, me.account(), "image/" + recipeName + "/1.0.0")).ok().path("imageSummaryList"), "arn"))
                .containsExactly(image);
        assertThat(texts(aws(cli, me, "list-image-pipeline-images", "--image-pipeline-arn", pipeline).ok()
                .path("imageSummaryList"), "arn")).containsExactly(image);

        // what the pipeline uses cannot go while it exists
        aws(cli, me, "delete-image-recipe", "--image-recipe-arn", recipe).failedWith("ResourceDependencyException");
        aws(cli, me, "delete-infrastructure-configuration", "--infrastructure-configuration-arn", infra)
                .failedWith("ResourceDependencyException");

        // update the pipeline (all required members again), cancel the image, delete everything
        aws(cli, me, "update-image-pipeline", "--image-pipeline-arn", pipeline, "--image-recipe-arn", recipe,
                "--infrastructure-configuration-arn", infra, "--description", "weekly", "--status", "DISABLED",
                "--schedule", "scheduleExpression=rate(7 days)").ok();
        JsonNode updated = aws(cli, me, "get-image-pipeline", "--image-pipeline-arn", pipeline).ok()
                .path("imagePipeline");
        assertThat(updated.path("status").asText()).isEqualTo("DISABLED");
        assertThat(updated.at("/schedule/scheduleExpression").asText()).isEqualTo("rate(7 days)");
        aws(cli, me, "cancel-image-creation", "--image-build-version-arn", image).ok();
        assertThat(aws(cli, me, "get-image", "--image-build-version-arn", image).ok().at("/image/state/status")
                .asText()).isEqualTo("CANCELLED");
        aws(cli, me, "delete-image", "--image-build-version-arn", image).ok();
        aws(cli, me, "delete-image-pipeline", "--image-pipeline-arn", pipeline).ok();
        aws(cli, me, "delete-image-recipe", "--image-recipe-arn", recipe).ok();
        aws(cli, me, "delete-container-recipe", "--container-recipe-arn", container).ok();
        aws(cli, me, "delete-infrastructure-configuration", "--infrastructure-configuration-arn", infra).ok();
        aws(cli, me, "delete-distribution-configuration", "--distribution-configuration-arn", dist).ok();
        aws(cli, me, "get-image-pipeline", "--image-pipeline-arn", pipeline).failedWith("ResourceNotFoundException");
        assertThat(aws(cli, me, "list-infrastructure-configurations").ok()
                .path("infrastructureConfigurationSummaryList")).isEmpty();
    }

    // ---- tags -----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("clis")
    void tagsAreAddedListedAndRemoved(Cli cli) throws IOException {
        Identity me = newAccount("tags");
        String arn = aws(cli, me, "create-component", "--name", unique("tagged"), "--semantic-version", "1.0.0",
                "--platform", "Linux", "--data", DOC).ok().path("componentBuildVersionArn").asText();

        assertThat(aws(cli, me, "tag-resource", "--resource-arn", arn, "--tags", "a=1,b=2,team=kiln").ok()).isEmpty();
        JsonNode tags = aws(cli, me, "list-tags-for-resource", "--resource-arn", arn).ok().path("tags");
        assertThat(tags.path("a").asText()).isEqualTo("1");
        assertThat(tags.path("b").asText()).isEqualTo("2");
        assertThat(tags.path("team").asText()).isEqualTo("kiln");
        aws(cli, me, "untag-resource", "--resource-arn", arn, "--tag-keys", "a", "b").ok();
        JsonNode left = aws(cli, me, "list-tags-for-resource", "--resource-arn", arn).ok().path("tags");
        assertThat(left.size()).isEqualTo(1);
        assertThat(left.path("team").asText()).isEqualTo("kiln");

        aws(cli, me, "list-tags-for-resource", "--resource-arn", arn(EAST, me.account(), "component/no-such/1.0.0/1"))
                .failedWith("ResourceNotFoundException");
        aws(cli, me, "tag-resource", "--resource-arn", "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/"
                + "2026.11.0/1", "--tags", "a=b").failedWith("ForbiddenException");
    }

    // ---- errors ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("clis")
    void everyErrorReachesTheCliByName(Cli cli) throws IOException {
        Identity me = newAccount("errors");
        String name = unique("errors");
        String component = aws(cli, me, "create-component", "--name", name, "--semantic-version", "1.0.0",
                "--platform", "Linux", "--data", DOC).ok().path("componentBuildVersionArn").asText();

        Result notFound = aws(cli, me, "get-component", "--component-build-version-arn",
                arn(EAST, me.account(), "component/no-such/1.0.0/1")).failedWith("ResourceNotFoundException");
        assertThat(notFound.stderr()).contains("GetComponent");
        aws(cli, me, "create-component", "--name", unique("both"), "--semantic-version", "1.0.0", "--platform",
                "Linux", "--data", DOC, "--uri", "s3://bucket/doc.yaml")
                .failedWith("InvalidParameterCombinationException");
        aws(cli, me, "create-component", "--name", "bad name!", "--semantic-version", "1.0.0", "--platform", "Linux",
                "--data", DOC).failedWith("InvalidRequestException");
        aws(cli, me, "create-component", "--name", unique("v"), "--semantic-version", "1073741824.0.0",
                "--platform", "Linux", "--data", DOC).failedWith("InvalidVersionNumberException");
        aws(cli, me, "list-components", "--next-token", "not-a-token", "--no-paginate")
                .failedWith("InvalidPaginationTokenException");
        aws(cli, me, "list-components", "--filters", filter("colour", "red")).failedWith("InvalidRequestException");

        String token = UUID.randomUUID().toString();
        aws(cli, me, "create-component", "--name", unique("idem"), "--semantic-version", "1.0.0", "--platform",
                "Linux", "--data", DOC, "--client-token", token).ok();
        aws(cli, me, "create-component", "--name", unique("idem"), "--semantic-version", "1.0.0", "--platform",
                "Linux", "--data", DOC, "--client-token", token).failedWith("IdempotentParameterMismatchException");

        String recipe = aws(cli, me, "create-image-recipe", "--name", name, "--semantic-version", "1.0.0",
                "--parent-image", managedParent(EAST), "--components", "[{\"componentArn\":\"" + component + "\"}]")
                .ok().path("imageRecipeArn").asText();
        aws(cli, me, "create-image-recipe", "--name", name, "--semantic-version", "1.0.0", "--parent-image",
                managedParent(EAST), "--components", "[{\"componentArn\":\"" + component + "\"}]")
                .failedWith("ResourceAlreadyExistsException");
        aws(cli, me, "create-image-recipe", "--name", unique("v"), "--semantic-version", "1.0.0", "--parent-image",
                managedParent(EAST), "--components", "[{\"componentArn\":\"" + arn(EAST, me.account(),
                        "component/" + name + "/x.0.x") + "\"}]").failedWith("InvalidVersionNumberException");
        aws(cli, me, "delete-component", "--component-build-version-arn", component)
                .failedWith("ResourceDependencyException");
        assertThat(recipe).isNotBlank();

        if (cliSkeleton(cli, "create-component").has("dryRun")) {
            Result dryRun = aws(cli, me, "create-component", "--name", unique("dry"), "--semantic-version", "1.0.0",
                    "--platform", "Linux", "--data", DOC, "--dry-run").failedWith("DryRunOperationException");
            assertThat(dryRun.stderr()).contains("CreateComponent");
        } else {
            // this CLI's model predates dryRun: the CLI refuses the flag itself
            assertThat(cli.major()).isEqualTo(2);
            assertThat(aws(cli, me, "create-component", "--name", unique("dry"), "--semantic-version", "1.0.0",
                    "--platform", "Linux", "--data", DOC, "--dry-run").exitCode()).isNotZero();
        }
    }

    // ---- authentication -------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("clis")
    void wrongSecretsUnknownKeysAndRevokedKeysAreRefused(Cli cli) throws IOException {
        Identity me = newAccount("auth");
        Path wrong = KilnTestServer.writeCredentials(work.resolve(unique("wrong")), me.key().accessKeyId(),
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        aws(cli, wrong, EAST, "list-components").failedWith("InvalidSignatureException");
        aws(cli, wrong, EAST, "create-component", "--name", "x1", "--semantic-version", "1.0.0", "--platform",
                "Linux", "--data", DOC).failedWith("InvalidSignatureException");
        Path unknown = KilnTestServer.writeCredentials(work.resolve(unique("unknown")), "AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        aws(cli, unknown, EAST, "list-images").failedWith("UnrecognizedClientException");

        assertThat(aws(cli, me, "list-components").ok().path("componentVersionList")).isEmpty();
        try (Database db = Database.open(Database.h2FileUrl(dataDir))) {
            assertThat(db.accounts().revokeKey(me.key().accessKeyId())).isTrue();
        }
        aws(cli, me, "list-components").failedWith("UnrecognizedClientException");
    }

    // ---- idempotency and isolation --------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("clis")
    void theSameClientTokenAnswersTheFirstResultAndMakesOneBuild(Cli cli) throws IOException {
        Identity me = newAccount("idempotency");
        String name = unique("idem");
        String token = UUID.randomUUID().toString();
        String[] create = {"create-component", "--name", name, "--semantic-version", "1.0.0", "--platform",
            "Linux", "--data", DOC, "--client-token", token};
        JsonNode first = aws(cli, me, create).ok();
        JsonNode again = aws(cli, me, create).ok();
        assertThat(again.path("componentBuildVersionArn").asText())
                .isEqualTo(first.path("componentBuildVersionArn").asText());
        assertThat(again.path("clientToken").asText()).isEqualTo(token);
        assertThat(aws(cli, me, "list-component-build-versions", "--component-version-arn",
                arn(EAST, me.account(), "component/" + name + "/1.0.0")).ok().path("componentSummaryList")).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clis")
    void regionsAndAccountsSeeOnlyTheirOwnResources(Cli cli) throws IOException {
        Identity me = newAccount("isolation");
        Identity other = newAccount("isolation-other");
        String name = unique("mine");
        String arn = aws(cli, me, "create-component", "--name", name, "--semantic-version", "1.0.0", "--platform",
                "Linux", "--data", DOC).ok().path("componentBuildVersionArn").asText();

        assertThat(aws(cli, me.credentials(), WEST, "list-components").ok().path("componentVersionList")).isEmpty();
        aws(cli, me.credentials(), WEST, "get-component", "--component-build-version-arn", arn)
                .failedWith("ResourceNotFoundException");
        // --region wins over AWS_DEFAULT_REGION, as for AWS
        assertThat(aws(cli, me.credentials(), WEST, "list-components", "--region", EAST).ok()
                .path("componentVersionList")).hasSize(1);
        aws(cli, me.credentials(), "eu-west-1", "list-components").failedWith("InvalidSignatureException");

        assertThat(aws(cli, other, "list-components").ok().path("componentVersionList")).isEmpty();
        aws(cli, other, "get-component", "--component-build-version-arn", arn).failedWith("ResourceNotFoundException");
        aws(cli, other, "delete-component", "--component-build-version-arn", arn)
                .failedWith("ResourceNotFoundException");
        assertThat(aws(cli, other, "create-component", "--name", name, "--semantic-version", "1.0.0", "--platform",
                "Linux", "--data", DOC).ok().path("componentBuildVersionArn").asText())
                .isEqualTo(arn.replace(me.account(), other.account()));
        assertThat(aws(cli, me, "get-component", "--component-build-version-arn", arn).ok()
                .at("/component/owner").asText()).isEqualTo(me.account());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clis")
    void resourcesSurviveARestart(Cli cli, @TempDir Path otherDir) throws IOException {
        String arn;
        Path credentials;
        try (KilnServer first = KilnTestServer.start(otherDir)) {
            credentials = first.credentialsFile();
            arn = aws(cli, first, credentials, EAST, "create-component", "--name", "survivor", "--semantic-version",
                    "1.0.0", "--platform", "Linux", "--data", DOC).ok().path("componentBuildVersionArn").asText();
        }
        try (KilnServer again = KilnTestServer.start(otherDir)) {
            assertThat(again.firstStart().created()).isFalse();
            assertThat(aws(cli, again, credentials, EAST, "get-component", "--component-build-version-arn", arn).ok()
                    .at("/component/data").asText()).isEqualTo(DOC);
        }
    }

    // ---- the CLI's own examples -----------------------------------------------------------------

    /** The create-* examples replayed, in an order where each finds what it names. */
    static final List<String> REPLAYED = List.of("create-component.rst", "create-image-recipe.rst",
            "create-infrastructure-configuration.rst", "create-distribution-configuration.rst",
            "create-image-pipeline.rst", "create-image.rst", "start-image-pipeline-execution.rst");

    /**
     * Where Kiln's answer names another ARN than the example's output, because the example contradicts
     * itself: its component is named MyExampleComponent, whose ARN name is myexamplecomponent, but its
     * output shows examplecomponent; and create-image and start-image-pipeline-execution both show build
     * 1 of the same image version, which only the first can be.
     */
    static final Map<String, UnaryOperator<String>> EXPECTED_ARN = Map.of(
            "create-component.rst", a -> a.replace("component/examplecomponent/", "component/myexamplecomponent/"),
            "start-image-pipeline-execution.rst", a -> a.replace("/2019.12.03/1", "/2019.12.03/2"));

    /** Members that answers have gained since the examples were written, and that newer CLIs print. */
    static final Set<String> NEWER_MEMBERS = Set.of("latestVersionReferences");

    @ParameterizedTest(name = "{0}")
    @MethodSource("clis")
    void theCreateExamplesShippedWithTheCliGetAnswersOfTheirShape(Cli cli) throws IOException {
        Path examples = examplesDir(cli);
        Identity me = newAccount("examples");
        // the recipe example also names a component made by the import-component example
        aws(cli, me.credentials(), WEST, "create-component", "--name", "MyImportedComponent", "--semantic-version",
                "1.0.0", "--platform", "Linux", "--data", DOC).ok();

        int replayed = 0;
        for (String file : REPLAYED) {
            Example example = Example.parse(Files.readAllLines(examples.resolve(file), StandardCharsets.UTF_8));
            List<String> args = new ArrayList<>();
            args.add(example.command());
            if (example.input() != null) {
                ObjectNode input = (ObjectNode) ExternalClients.JSON.readTree(rewrite(example.input(), me));
                adapt(file, input);
                Path json = work.resolve(unique("input") + ".json");
                Files.writeString(json, input.toString());
                args.addAll(List.of("--cli-input-json", "file://" + json));
            } else {
                example.flags().forEach((flag, value) -> {
                    args.add(flag);
                    args.add(rewrite(value, me));
                });
            }
            JsonNode answer = aws(cli, me.credentials(), WEST, args.toArray(String[]::new)).ok();
            JsonNode expected = ExternalClients.JSON.readTree(rewrite(example.output(), me));

            Set<String> expectedKeys = keys(expected);
            Set<String> answerKeys = keys(answer);
            assertThat(answerKeys).as(file + " with " + cli).containsAll(expectedKeys);
            Set<String> extra = new TreeSet<>(answerKeys);
            extra.removeAll(expectedKeys);
            assertThat(extra).as(file + " with " + cli).isSubsetOf(NEWER_MEMBERS);
            for (String key : expectedKeys) {
                if (key.endsWith("Arn")) {
                    String want = EXPECTED_ARN.getOrDefault(file, UnaryOperator.identity())
                            .apply(expected.path(key).asText());
                    assertThat(answer.path(key).asText()).as(file + " " + key + " with " + cli).isEqualTo(want);
                } else {
                    assertThat(answer.path(key).asText()).as(file + " " + key).isNotBlank();
                }
            }
            replayed++;
        }
        assertThat(replayed).isEqualTo(REPLAYED.size());
    }

    /** The examples' account becomes this test's; their region (us-west-2) is one Kiln serves. */
    static String rewrite(String text, Identity me) {
        return text.replace("123456789012", me.account());
    }

    /** What each example needs changed to run here, beyond the account. */
    static void adapt(String file, ObjectNode input) {
        switch (file) {
            case "create-component.rst" -> {
                // the document from S3 becomes inline data; a Linux document, so Linux
                input.remove("uri");
                input.put("data", DOC).put("platform", "Linux");
            }
            case "create-image-recipe.rst" ->
                    // a Windows Server base image becomes Kiln's Debian one
                    input.put("parentImage", managedParent(WEST));
            case "create-distribution-configuration.rst" -> {
                // eu-west-1 is not served here; the second distribution goes to us-east-1
                ((ObjectNode) input.withArray("distributions").get(1)).put("region", EAST);
            }
            case "create-image-pipeline.rst" ->
                    // the example's cron(0 0 * * SUN) has five fields; Image Builder's cron has six
                    ((ObjectNode) input.get("schedule")).put("scheduleExpression", "cron(0 0 ? * SUN *)");
            default -> {
            }
        }
    }

    static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** The imagebuilder examples that come with a CLI, beside its awscli package. */
    static Path examplesDir(Cli cli) throws IOException {
        String python = null;
        try (InputStream in = Files.newInputStream(Path.of(cli.executable()))) {
            String first = new String(in.readNBytes(512), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (first.startsWith("#!")) {
                python = first.substring(2).strip().split("\\s+")[0];
            }
        }
        if (python != null) {
            Result r = ExternalClients.run(List.of(python, "-c",
                    "import awscli, os; print(os.path.dirname(awscli.__file__))"), Map.of(), 60);
            Path dir = Path.of(r.stdout().strip(), "examples", "imagebuilder");
            if (r.exitCode() == 0 && Files.isDirectory(dir)) {
                return dir;
            }
        }
        throw new AssertionError(cli + " has no imagebuilder examples beside it. Debian's awscli package ships"
                + " them (/usr/lib/python3/dist-packages/awscli/examples/imagebuilder): apt-get install -y awscli");
    }

    /** One example file: the command, its flags or its --cli-input-json contents, and the output shown. */
    record Example(String command, Map<String, String> flags, String input, String output) {
        static Example parse(List<String> lines) {
            StringBuilder commandLine = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().startsWith("aws imagebuilder ")) {
                    for (int j = i; j < lines.size(); j++) {
                        String line = lines.get(j).strip();
                        boolean more = line.endsWith("\\");
                        commandLine.append(more ? line.substring(0, line.length() - 1) : line).append(' ');
                        if (!more) {
                            break;
                        }
                    }
                    break;
                }
            }
            Iterator<String> words = List.of(commandLine.toString().strip().split("\\s+")).iterator();
            words.next();
            words.next();
            String command = words.next();
            Map<String, String> flags = new LinkedHashMap<>();
            while (words.hasNext()) {
                String flag = words.next();
                flags.put(flag, words.hasNext() ? words.next() : "");
            }
            String input = flags.containsKey("--cli-input-json") ? block(lines, "Contents of ") : null;
            return new Example(command, flags, input, block(lines, "Output::"));
        }

        /** The indented block after the line that starts with {@code marker} and ends with {@code ::}. */
        private static String block(List<String> lines, String marker) {
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.startsWith(marker) && l.endsWith("::")) {
                    StringBuilder sb = new StringBuilder();
                    for (int j = i + 1; j < lines.size(); j++) {
                        String line = lines.get(j);
                        if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                            break;
                        }
                        sb.append(line).append('\n');
                    }
                    return sb.toString().strip();
                }
            }
            throw new AssertionError("no block '" + marker + "' in the example");
        }
    }

    // ---- boto3 ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("pythons")
    void boto3CreatesReadsListsPaginatesAndReadsErrorsAsClientErrorCodes(Python python) throws IOException {
        Identity me = newAccount("boto3");
        Path script = work.resolve("boto3_flow.py");
        try (InputStream in = AwsCliIT.class.getResourceAsStream("/boto3_flow.py")) {
            assertThat(in).as("boto3_flow.py on the test class path").isNotNull();
            Files.write(script, in.readAllBytes());
        }
        Result r = ExternalClients.run(List.of(python.executable(), script.toString(), server.endpoint(), EAST, WEST),
                Map.of("AWS_SHARED_CREDENTIALS_FILE", me.credentials().toString(), "AWS_CONFIG_FILE", "/dev/null",
                        "AWS_EC2_METADATA_DISABLED", "true", "AWS_MAX_ATTEMPTS", "1"), 300);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode summary = ExternalClients.JSON.readTree(r.stdout().strip().lines().reduce((a, b) -> b).orElse("{}"));
        assertThat(summary.path("account").asText()).isEqualTo(me.account());
        assertThat(summary.path("paged").asInt()).isEqualTo(30);
        assertThat(summary.path("pages").asInt()).isEqualTo(5);
        List<String> errors = new ArrayList<>();
        summary.path("errors").forEach(e -> errors.add(e.asText()));
        assertThat(errors).contains("ResourceNotFoundException", "ResourceAlreadyExistsException",
                "InvalidParameterCombinationException", "InvalidRequestException", "InvalidVersionNumberException",
                "InvalidPaginationTokenException", "IdempotentParameterMismatchException",
                "ResourceDependencyException", "ResourceInUseException", "InvalidSignatureException",
                "UnrecognizedClientException");
        if (summary.path("hasDryRun").asBoolean()) {
            assertThat(errors).contains("DryRunOperationException");
        }
    }
}
