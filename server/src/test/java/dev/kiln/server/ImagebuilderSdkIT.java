package dev.kiln.server;

import static dev.kiln.server.KilnTestServer.EAST;
import static dev.kiln.server.KilnTestServer.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiln.core.store.AccessKey;
import dev.kiln.core.store.Account;
import dev.kiln.core.store.Database;
import dev.kiln.server.ExternalClients.Result;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.AmiDistributionConfiguration;
import software.amazon.awssdk.services.imagebuilder.model.Component;
import software.amazon.awssdk.services.imagebuilder.model.ComponentConfiguration;
import software.amazon.awssdk.services.imagebuilder.model.ComponentParameter;
import software.amazon.awssdk.services.imagebuilder.model.ComponentType;
import software.amazon.awssdk.services.imagebuilder.model.ComponentVersion;
import software.amazon.awssdk.services.imagebuilder.model.ContainerRecipe;
import software.amazon.awssdk.services.imagebuilder.model.ContainerRepositoryService;
import software.amazon.awssdk.services.imagebuilder.model.ContainerType;
import software.amazon.awssdk.services.imagebuilder.model.CreateComponentRequest;
import software.amazon.awssdk.services.imagebuilder.model.CreateComponentResponse;
import software.amazon.awssdk.services.imagebuilder.model.CreateImageRecipeRequest;
import software.amazon.awssdk.services.imagebuilder.model.CreateImageRecipeResponse;
import software.amazon.awssdk.services.imagebuilder.model.Distribution;
import software.amazon.awssdk.services.imagebuilder.model.DistributionConfiguration;
import software.amazon.awssdk.services.imagebuilder.model.DryRunOperationException;
import software.amazon.awssdk.services.imagebuilder.model.Filter;
import software.amazon.awssdk.services.imagebuilder.model.ForbiddenException;
import software.amazon.awssdk.services.imagebuilder.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.imagebuilder.model.Image;
import software.amazon.awssdk.services.imagebuilder.model.ImagePipeline;
import software.amazon.awssdk.services.imagebuilder.model.ImageRecipe;
import software.amazon.awssdk.services.imagebuilder.model.ImageStatus;
import software.amazon.awssdk.services.imagebuilder.model.ImageVersion;
import software.amazon.awssdk.services.imagebuilder.model.InfrastructureConfiguration;
import software.amazon.awssdk.services.imagebuilder.model.InvalidPaginationTokenException;
import software.amazon.awssdk.services.imagebuilder.model.InvalidParameterCombinationException;
import software.amazon.awssdk.services.imagebuilder.model.InvalidParameterValueException;
import software.amazon.awssdk.services.imagebuilder.model.InvalidRequestException;
import software.amazon.awssdk.services.imagebuilder.model.InvalidVersionNumberException;
import software.amazon.awssdk.services.imagebuilder.model.ListComponentsResponse;
import software.amazon.awssdk.services.imagebuilder.model.Ownership;
import software.amazon.awssdk.services.imagebuilder.model.PipelineExecutionStartCondition;
import software.amazon.awssdk.services.imagebuilder.model.PipelineStatus;
import software.amazon.awssdk.services.imagebuilder.model.Platform;
import software.amazon.awssdk.services.imagebuilder.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.imagebuilder.model.ResourceDependencyException;
import software.amazon.awssdk.services.imagebuilder.model.ResourceInUseException;
import software.amazon.awssdk.services.imagebuilder.model.ResourceNotFoundException;
import software.amazon.awssdk.services.imagebuilder.model.Schedule;

/**
 * The AWS SDK for Java v2 {@code ImagebuilderClient}, unchanged but for its endpoint, against a Kiln
 * server started in-process: every core resource end to end, every error the SDK maps to a modeled
 * exception class, SigV4 failures, idempotency, and the isolation of regions, accounts and restarts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImagebuilderSdkIT {
    static final String DOC = """
            name: hello
            description: says hello
            schemaVersion: 1.0
            parameters:
              - Greeting:
                  type: string
                  default: hello
                  description: what to say
            phases:
              - name: build
                steps:
                  - name: Say
                    action: ExecuteBash
                    inputs:
                      commands:
                        - echo {{ Greeting }}
            """;
    static final String TEST_DOC = """
            schemaVersion: 1.0
            phases:
              - name: test
                steps:
                  - name: Check
                    action: ExecuteBash
                    inputs:
                      commands: ['true']
            """;
    static final String DOCKERFILE = "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:environments }}}\n"
            + "{{{ imagebuilder:components }}}\n";

    @RegisterExtension
    static final KilnServerExtension kiln = KilnServerExtension.inRegions(EAST, WEST);

    static Path dataDir;
    KilnServer server;
    AwsCredentials credentials;
    String account;
    ImagebuilderClient east;
    ImagebuilderClient west;
    final List<ImagebuilderClient> clients = new ArrayList<>();

    @BeforeAll
    void startServer() throws IOException {
        dataDir = kiln.dataDir();
        server = kiln.server();
        credentials = KilnTestServer.defaultProfile(server.credentialsFile());
        account = server.firstStart().account().id();
        east = client(EAST, credentials);
        west = client(WEST, credentials);
    }

    @AfterAll
    void stopServer() {
        clients.forEach(ImagebuilderClient::close);
    }

    ImagebuilderClient client(String region, AwsCredentials creds) {
        return client(server, region, creds);
    }

    ImagebuilderClient client(KilnServer on, String region, AwsCredentials creds) {
        ImagebuilderClient c = ImagebuilderClient.builder()
                .endpointOverride(URI.create(on.endpoint()))
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(creds))
                .httpClientBuilder(ApacheHttpClient.builder())
                // no retries: every answer is the server's first
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(30)))
                .build();
        clients.add(c);
        return c;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String arn(String region, String rest) {
        return "arn:aws:imagebuilder:" + region + ":" + account + ":" + rest;
    }

    static String managedParent(String region) {
        return "arn:aws:imagebuilder:" + region + ":aws:image/debian-12-x86/x.x.x";
    }

    static CreateComponentResponse createComponent(ImagebuilderClient c, String name, String version) {
        return c.createComponent(b -> b.name(name).semanticVersion(version).platform(Platform.LINUX).data(DOC));
    }

    String createRecipe(ImagebuilderClient c, String name, String componentArn) {
        return c.createImageRecipe(b -> b.name(name).semanticVersion("1.0.0").parentImage(managedParent(EAST))
                .components(ComponentConfiguration.builder().componentArn(componentArn).build())).imageRecipeArn();
    }

    static String createInfrastructure(ImagebuilderClient c, String name) {
        return c.createInfrastructureConfiguration(b -> b.name(name).instanceProfileName("kiln-builder")
                .instanceTypes("m5.large")).infrastructureConfigurationArn();
    }

    static <T extends Throwable> T thrown(Class<T> type, Runnable call) {
        T e = catchThrowableOfType(type, call::run);
        assertThat(e).as("expected " + type.getSimpleName()).isNotNull();
        return e;
    }

    // ---- first start ----------------------------------------------------------------------------

    @Test
    void firstStartWroteTheCredentialsFileForItsAccount() throws IOException {
        assertThat(server.firstStart().created()).isTrue();
        assertThat(account).matches("[0-9]{12}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.credentialsFile())))
                .isEqualTo("rw-------");
        assertThat(credentials.accessKeyId()).isEqualTo(server.firstStart().key().accessKeyId());
        assertThat(credentials.secretAccessKey()).isEqualTo(server.firstStart().key().secretAccessKey());
    }

    // ---- components -----------------------------------------------------------------------------

    @Test
    void componentIsCreatedReadListedAndDeleted() {
        String name = unique("hello");
        String token = UUID.randomUUID().toString();
        CreateComponentResponse created = east.createComponent(b -> b.name(name).semanticVersion("1.2.3")
                .platform(Platform.LINUX).description("says hello").changeDescription("first")
                .data(DOC).tags(Map.of("team", "kiln")).clientToken(token));

        assertThat(created.componentBuildVersionArn()).isEqualTo(arn(EAST, "component/" + name + "/1.2.3/1"));
        assertThat(created.clientToken()).isEqualTo(token);
        assertThat(created.requestId()).isNotBlank();
        assertThat(created.responseMetadata().requestId()).isNotBlank();

        Component c = east.getComponent(b -> b.componentBuildVersionArn(created.componentBuildVersionArn()))
                .component();
        assertThat(c.arn()).isEqualTo(created.componentBuildVersionArn());
        assertThat(c.name()).isEqualTo(name);
        assertThat(c.version()).isEqualTo("1.2.3");
        assertThat(c.description()).isEqualTo("says hello");
        assertThat(c.changeDescription()).isEqualTo("first");
        assertThat(c.platform()).isEqualTo(Platform.LINUX);
        assertThat(c.type()).isEqualTo(ComponentType.BUILD);
        assertThat(c.owner()).isEqualTo(account);
        assertThat(c.data()).isEqualTo(DOC);
        assertThat(c.tags()).containsEntry("team", "kiln");
        assertThat(Instant.parse(c.dateCreated())).isBefore(Instant.now().plusSeconds(5));
        assertThat(c.parameters()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("Greeting");
            assertThat(p.type()).isEqualToIgnoringCase("string");
            assertThat(p.defaultValue()).containsExactly("hello");
            assertThat(p.description()).isEqualTo("what to say");
        });

        // a second build of the same version, and the version's builds listed
        String second = createComponent(east, name, "1.2.3").componentBuildVersionArn();
        assertThat(second).isEqualTo(arn(EAST, "component/" + name + "/1.2.3/2"));
        assertThat(east.listComponentBuildVersions(b -> b.componentVersionArn(arn(EAST, "component/" + name
                + "/1.2.3"))).componentSummaryList())
                .extracting(s -> s.arn()).containsExactlyInAnyOrder(created.componentBuildVersionArn(), second);

        // a test-only document is a TEST component
        String test = east.createComponent(b -> b.name(name + "-test").semanticVersion("1.0.0")
                .platform(Platform.LINUX).data(TEST_DOC)).componentBuildVersionArn();
        assertThat(east.getComponent(b -> b.componentBuildVersionArn(test)).component().type())
                .isEqualTo(ComponentType.TEST);

        assertThat(east.deleteComponent(b -> b.componentBuildVersionArn(second)).componentBuildVersionArn())
                .isEqualTo(second);
        thrown(ResourceNotFoundException.class, () -> east.getComponent(b -> b.componentBuildVersionArn(second)));
        assertThat(east.getComponent(b -> b.componentBuildVersionArn(created.componentBuildVersionArn()))
                .component().name()).isEqualTo(name);
    }

    @Test
    void componentsAreListedWithFiltersAndPagedBy25() {
        String prefix = unique("page");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String name = prefix + "-" + (i < 10 ? "0" : "") + i;
            names.add(name);
            east.createComponent(b -> b.name(name).semanticVersion("1.0.0").platform(Platform.LINUX)
                    .description(prefix).data(DOC));
        }
        Filter byDescription = Filter.builder().name("description").values(prefix).build();

        ListComponentsResponse first = east.listComponents(b -> b.owner(Ownership.SELF).filters(byDescription)
                .maxResults(25));
        assertThat(first.componentVersionList()).hasSize(25);
        assertThat(first.nextToken()).isNotBlank();
        ListComponentsResponse second = east.listComponents(b -> b.owner(Ownership.SELF).filters(byDescription)
                .maxResults(25).nextToken(first.nextToken()));
        assertThat(second.componentVersionList()).hasSize(5);
        assertThat(second.nextToken()).isNull();
        List<String> listed = new ArrayList<>();
        first.componentVersionList().forEach(v -> listed.add(v.name()));
        second.componentVersionList().forEach(v -> listed.add(v.name()));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(names);

        // the SDK's own paginator walks the same pages
        List<ComponentVersion> paged = new ArrayList<>();
        east.listComponentsPaginator(b -> b.filters(byDescription).maxResults(7)).componentVersionList()
                .forEach(paged::add);
        assertThat(paged).extracting(ComponentVersion::name).containsExactlyInAnyOrderElementsOf(names);
        assertThat(east.listComponentsPaginator(b -> b.filters(byDescription).maxResults(7)).stream().count())
                .isEqualTo(5);

        // filters: several values of one filter; two filters that must both hold
        assertThat(east.listComponents(b -> b.filters(Filter.builder().name("name")
                .values(names.get(3), names.get(17), "no-such-name").build())).componentVersionList())
                .extracting(ComponentVersion::name).containsExactlyInAnyOrder(names.get(3), names.get(17));
        assertThat(east.listComponents(b -> b.filters(byDescription, Filter.builder().name("version")
                .values("9.9.9").build())).componentVersionList()).isEmpty();
        assertThat(east.listComponents(b -> b.filters(byDescription, Filter.builder().name("platform")
                .values("Linux").build()).maxResults(25)).componentVersionList()).hasSize(25);

        // byName: one entry per name, the newest version
        east.createComponent(b -> b.name(names.get(0)).semanticVersion("2.0.0").platform(Platform.LINUX)
                .description(prefix).data(DOC));
        List<ComponentVersion> newest = new ArrayList<>();
        east.listComponentsPaginator(b -> b.filters(Filter.builder().name("name").values(names.get(0)).build())
                .byName(true)).componentVersionList().forEach(newest::add);
        assertThat(newest).singleElement().satisfies(v -> assertThat(v.version()).isEqualTo("2.0.0"));

        // a token given out for one query is refused for another, and garbage is refused
        thrown(InvalidPaginationTokenException.class, () -> east.listComponents(b -> b.nextToken(first.nextToken())));
        thrown(InvalidPaginationTokenException.class, () -> east.listComponents(b -> b.filters(byDescription)
                .maxResults(25).nextToken("not-a-token")));
    }

    // ---- recipes --------------------------------------------------------------------------------

    @Test
    void imageRecipeNamesAWildcardComponentAndAKilnManagedParentImage() {
        String component = unique("recipe-part");
        createComponent(east, component, "1.0.0");
        String newest = createComponent(east, component, "1.1.0").componentBuildVersionArn();
        String name = unique("recipe");
        String wildcard = arn(EAST, "component/" + component + "/x.x.x");

        CreateImageRecipeResponse created = east.createImageRecipe(b -> b.name(name).semanticVersion("1.0.0")
                .description("a recipe").parentImage(managedParent(EAST)).workingDirectory("/var/tmp")
                .components(ComponentConfiguration.builder().componentArn(wildcard).parameters(
                        ComponentParameter.builder().name("Greeting").value("hi").build()).build())
                .tags(Map.of("stage", "test")));
        assertThat(created.imageRecipeArn()).isEqualTo(arn(EAST, "image-recipe/" + name + "/1.0.0"));
        assertThat(created.latestVersionReferences()).isNotNull();

        ImageRecipe recipe = east.getImageRecipe(b -> b.imageRecipeArn(created.imageRecipeArn())).imageRecipe();
        assertThat(recipe.name()).isEqualTo(name);
        assertThat(recipe.version()).isEqualTo("1.0.0");
        assertThat(recipe.parentImage()).isEqualTo(managedParent(EAST));
        assertThat(recipe.platform()).isEqualTo(Platform.LINUX);
        assertThat(recipe.owner()).isEqualTo(account);
        assertThat(recipe.workingDirectory()).isEqualTo("/var/tmp");
        assertThat(recipe.tags()).containsEntry("stage", "test");
        assertThat(recipe.components()).singleElement().satisfies(c -> {
            assertThat(c.componentArn()).isIn(wildcard, newest);
            assertThat(c.parameters()).singleElement().satisfies(p -> assertThat(p.value()).containsExactly("hi"));
        });

        // the same version again: ResourceAlreadyExists; an x version takes the next free one
        thrown(ResourceAlreadyExistsException.class, () -> createRecipe(east, name, wildcard));
        assertThat(east.createImageRecipe(b -> b.name(name).semanticVersion("1.0.x").parentImage(managedParent(EAST))
                .components(ComponentConfiguration.builder().componentArn(wildcard).build())).imageRecipeArn())
                .isEqualTo(arn(EAST, "image-recipe/" + name + "/1.0.1"));

        assertThat(east.listImageRecipes(b -> b.owner(Ownership.SELF).filters(Filter.builder().name("name")
                .values(name).build())).imageRecipeSummaryList()).hasSize(2)
                .allSatisfy(s -> assertThat(s.parentImage()).isEqualTo(managedParent(EAST)));

        // an unknown parent image, an unknown component
        thrown(InvalidParameterValueException.class, () -> east.createImageRecipe(b -> b.name(unique("r"))
                .semanticVersion("1.0.0").parentImage("arn:aws:imagebuilder:us-east-1:aws:image/no-such-image/x.x.x")
                .components(ComponentConfiguration.builder().componentArn(wildcard).build())));
        thrown(InvalidParameterValueException.class, () -> createRecipe(east, unique("r"),
                arn(EAST, "component/no-such-component/x.x.x")));

        // a component a recipe uses cannot be deleted
        thrown(ResourceDependencyException.class, () -> east.deleteComponent(b -> b.componentBuildVersionArn(newest)));

        assertThat(east.deleteImageRecipe(b -> b.imageRecipeArn(arn(EAST, "image-recipe/" + name + "/1.0.1")))
                .imageRecipeArn()).isEqualTo(arn(EAST, "image-recipe/" + name + "/1.0.1"));
        thrown(ResourceNotFoundException.class, () -> east.getImageRecipe(b -> b.imageRecipeArn(
                arn(EAST, "image-recipe/" + name + "/1.0.1"))));
    }

    @Test
    void containerRecipeIsCreatedReadListedAndDeleted() {
        String name = unique("container");
        String managed = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-container/x.x.x";
        String arn = east.createContainerRecipe(b -> b.containerType(ContainerType.DOCKER).name(name)
                .semanticVersion("1.0.0").parentImage(managed).dockerfileTemplateData(DOCKERFILE)
                .targetRepository(t -> t.service(ContainerRepositoryService.ECR).repositoryName("team/app"))
                .tags(Map.of("kind", "container"))).containerRecipeArn();
        assertThat(arn).isEqualTo(arn(EAST, "container-recipe/" + name + "/1.0.0"));

        ContainerRecipe recipe = east.getContainerRecipe(b -> b.containerRecipeArn(arn)).containerRecipe();
        assertThat(recipe.containerType()).isEqualTo(ContainerType.DOCKER);
        assertThat(recipe.parentImage()).isEqualTo(managed);
        assertThat(recipe.dockerfileTemplateData()).isEqualTo(DOCKERFILE);
        assertThat(recipe.targetRepository().repositoryName()).isEqualTo("team/app");
        assertThat(recipe.targetRepository().service()).isEqualTo(ContainerRepositoryService.ECR);
        assertThat(recipe.tags()).containsEntry("kind", "container");

        assertThat(east.listContainerRecipes(b -> b.filters(Filter.builder().name("name").values(name).build()))
                .containerRecipeSummaryList()).singleElement()
                .satisfies(s -> assertThat(s.arn()).isEqualTo(arn));
        // both a template and a template URI
        thrown(InvalidParameterCombinationException.class, () -> east.createContainerRecipe(b -> b
                .containerType(ContainerType.DOCKER).name(unique("c")).semanticVersion("1.0.0").parentImage(managed)
                .dockerfileTemplateData(DOCKERFILE).dockerfileTemplateUri("s3://bucket/Dockerfile")
                .targetRepository(t -> t.service(ContainerRepositoryService.ECR).repositoryName("team/app"))));

        assertThat(east.deleteContainerRecipe(b -> b.containerRecipeArn(arn)).containerRecipeArn()).isEqualTo(arn);
        thrown(ResourceNotFoundException.class, () -> east.getContainerRecipe(b -> b.containerRecipeArn(arn)));
    }

    // ---- configurations -------------------------------------------------------------------------

    @Test
    void infrastructureConfigurationIsCreatedReadListedUpdatedAndDeleted() {
        String name = unique("infra");
        String arn = east.createInfrastructureConfiguration(b -> b.name(name).description("first")
                .instanceProfileName("kiln-builder").instanceTypes("m5.large", "kiln.sandbox")
                .terminateInstanceOnFailure(true).resourceTags(Map.of("built-by", "kiln"))
                .tags(Map.of("team", "kiln"))).infrastructureConfigurationArn();
        assertThat(arn).isEqualTo(arn(EAST, "infrastructure-configuration/" + name));

        InfrastructureConfiguration got = east.getInfrastructureConfiguration(b -> b
                .infrastructureConfigurationArn(arn)).infrastructureConfiguration();
        assertThat(got.name()).isEqualTo(name);
        assertThat(got.description()).isEqualTo("first");
        assertThat(got.instanceTypes()).containsExactly("m5.large", "kiln.sandbox");
        assertThat(got.instanceProfileName()).isEqualTo("kiln-builder");
        assertThat(got.terminateInstanceOnFailure()).isTrue();
        assertThat(got.resourceTags()).containsEntry("built-by", "kiln");
        assertThat(got.tags()).containsEntry("team", "kiln");
        assertThat(got.dateCreated()).isNotBlank();

        assertThat(east.listInfrastructureConfigurations(b -> b.filters(Filter.builder().name("name").values(name)
                .build())).infrastructureConfigurationSummaryList()).singleElement()
                .satisfies(s -> assertThat(s.arn()).isEqualTo(arn));

        east.updateInfrastructureConfiguration(b -> b.infrastructureConfigurationArn(arn).description("second")
                .instanceProfileName("kiln-builder-2").instanceTypes("c6i.xlarge"));
        InfrastructureConfiguration updated = east.getInfrastructureConfiguration(b -> b
                .infrastructureConfigurationArn(arn)).infrastructureConfiguration();
        assertThat(updated.description()).isEqualTo("second");
        assertThat(updated.instanceProfileName()).isEqualTo("kiln-builder-2");
        assertThat(updated.instanceTypes()).containsExactly("c6i.xlarge");
        assertThat(updated.dateUpdated()).isNotBlank();
        assertThat(updated.dateCreated()).isEqualTo(got.dateCreated());
        assertThat(updated.tags()).containsEntry("team", "kiln");

        thrown(ResourceAlreadyExistsException.class, () -> createInfrastructure(east, name));
        thrown(ResourceNotFoundException.class, () -> east.updateInfrastructureConfiguration(b -> b
                .infrastructureConfigurationArn(arn(EAST, "infrastructure-configuration/no-such"))
                .instanceProfileName("x")));

        assertThat(east.deleteInfrastructureConfiguration(b -> b.infrastructureConfigurationArn(arn))
                .infrastructureConfigurationArn()).isEqualTo(arn);
        thrown(ResourceNotFoundException.class, () -> east.getInfrastructureConfiguration(b -> b
                .infrastructureConfigurationArn(arn)));
    }

    @Test
    void distributionConfigurationIsCreatedReadListedUpdatedAndDeleted() {
        String name = unique("dist");
        String arn = east.createDistributionConfiguration(b -> b.name(name).description("first")
                .distributions(Distribution.builder().region(EAST).amiDistributionConfiguration(
                        AmiDistributionConfiguration.builder().name("kiln-{{ imagebuilder:buildDate }}")
                                .amiTags(Map.of("os", "debian")).build()).build(),
                        Distribution.builder().region(WEST).amiDistributionConfiguration(a -> a.name("kiln-west"))
                                .build())
                .tags(Map.of("team", "kiln"))).distributionConfigurationArn();
        assertThat(arn).isEqualTo(arn(EAST, "distribution-configuration/" + name));

        DistributionConfiguration got = east.getDistributionConfiguration(b -> b.distributionConfigurationArn(arn))
                .distributionConfiguration();
        assertThat(got.name()).isEqualTo(name);
        assertThat(got.description()).isEqualTo("first");
        assertThat(got.timeoutMinutes()).isEqualTo(360);
        assertThat(got.distributions()).extracting(Distribution::region).containsExactly(EAST, WEST);
        assertThat(got.distributions().get(0).amiDistributionConfiguration().name())
                .isEqualTo("kiln-{{ imagebuilder:buildDate }}");
        assertThat(got.tags()).containsEntry("team", "kiln");

        assertThat(east.listDistributionConfigurations(b -> b.filters(Filter.builder().name("name").values(name)
                .build())).distributionConfigurationSummaryList()).singleElement().satisfies(s -> {
                    assertThat(s.arn()).isEqualTo(arn);
                    assertThat(s.regions()).containsExactlyInAnyOrder(EAST, WEST);
                });

        east.updateDistributionConfiguration(b -> b.distributionConfigurationArn(arn).description("second")
                .distributions(Distribution.builder().region(WEST).amiDistributionConfiguration(a -> a
                        .name("kiln-west-{{ imagebuilder:buildVersion }}")).build()));
        DistributionConfiguration updated = east.getDistributionConfiguration(b -> b
                .distributionConfigurationArn(arn)).distributionConfiguration();
        assertThat(updated.description()).isEqualTo("second");
        assertThat(updated.distributions()).extracting(Distribution::region).containsExactly(WEST);
        assertThat(updated.dateUpdated()).isNotBlank();

        assertThat(east.deleteDistributionConfiguration(b -> b.distributionConfigurationArn(arn))
                .distributionConfigurationArn()).isEqualTo(arn);
        thrown(ResourceNotFoundException.class, () -> east.getDistributionConfiguration(b -> b
                .distributionConfigurationArn(arn)));
    }

    // ---- pipelines and images -------------------------------------------------------------------

    @Test
    void pipelineOnACronScheduleStartsAPendingImage() {
        String component = unique("pipe-part");
        createComponent(east, component, "1.0.0");
        String recipeName = unique("pipe-recipe");
        String recipe = createRecipe(east, recipeName, arn(EAST, "component/" + component + "/x.x.x"));
        String infra = createInfrastructure(east, unique("pipe-infra"));
        String dist = east.createDistributionConfiguration(b -> b.name(unique("pipe-dist"))
                .distributions(Distribution.builder().region(EAST).amiDistributionConfiguration(a -> a
                        .name("nightly-{{ imagebuilder:buildDate }}")).build())).distributionConfigurationArn();
        String name = unique("pipeline");

        String pipeline = east.createImagePipeline(b -> b.name(name).description("nightly").imageRecipeArn(recipe)
                .infrastructureConfigurationArn(infra).distributionConfigurationArn(dist)
                .schedule(Schedule.builder().scheduleExpression("cron(0 10 * * ? *)").timezone("Europe/Berlin")
                        .pipelineExecutionStartCondition(PipelineExecutionStartCondition.EXPRESSION_MATCH_ONLY)
                        .build())
                .tags(Map.of("team", "kiln"))).imagePipelineArn();
        assertThat(pipeline).isEqualTo(arn(EAST, "image-pipeline/" + name));

        ImagePipeline got = east.getImagePipeline(b -> b.imagePipelineArn(pipeline)).imagePipeline();
        assertThat(got.name()).isEqualTo(name);
        assertThat(got.imageRecipeArn()).isEqualTo(recipe);
        assertThat(got.infrastructureConfigurationArn()).isEqualTo(infra);
        assertThat(got.distributionConfigurationArn()).isEqualTo(dist);
        assertThat(got.status()).isEqualTo(PipelineStatus.ENABLED);
        assertThat(got.schedule().scheduleExpression()).isEqualTo("cron(0 10 * * ? *)");
        assertThat(got.schedule().timezone()).isEqualTo("Europe/Berlin");
        assertThat(got.schedule().pipelineExecutionStartCondition())
                .isEqualTo(PipelineExecutionStartCondition.EXPRESSION_MATCH_ONLY);
        assertThat(got.dateNextRun()).isNotBlank();
        assertThat(east.listImagePipelines(b -> b.filters(Filter.builder().name("name").values(name).build()))
                .imagePipelineList()).singleElement().satisfies(p -> assertThat(p.arn()).isEqualTo(pipeline));

        // a bad schedule
        thrown(InvalidParameterValueException.class, () -> east.createImagePipeline(b -> b.name(unique("bad"))
                .imageRecipeArn(recipe).infrastructureConfigurationArn(infra)
                .schedule(s -> s.scheduleExpression("cron(0 10 * * * *)"))));

        // start: a PENDING image build version; a second start while it is pending is refused
        String token = UUID.randomUUID().toString();
        String image = east.startImagePipelineExecution(b -> b.imagePipelineArn(pipeline).clientToken(token))
                .imageBuildVersionArn();
        assertThat(image).isEqualTo(arn(EAST, "image/" + recipeName + "/1.0.0/1"));
        assertThat(east.startImagePipelineExecution(b -> b.imagePipelineArn(pipeline).clientToken(token))
                .imageBuildVersionArn()).as("the same clientToken answers the first start again").isEqualTo(image);
        thrown(ResourceInUseException.class, () -> east.startImagePipelineExecution(b -> b.imagePipelineArn(pipeline)));
        assertThat(east.listImagePipelineImages(b -> b.imagePipelineArn(pipeline)).imageSummaryList())
                .as("one build for one clientToken").singleElement()
                .satisfies(s -> assertThat(s.arn()).isEqualTo(image));

        Image img = east.getImage(b -> b.imageBuildVersionArn(image)).image();
        assertThat(img.arn()).isEqualTo(image);
        assertThat(img.name()).isEqualTo(recipeName);
        assertThat(img.version()).isEqualTo("1.0.0/1");
        assertThat(img.state().status()).isEqualTo(ImageStatus.PENDING);
        assertThat(img.imageRecipe().arn()).isEqualTo(recipe);
        assertThat(img.sourcePipelineArn()).isEqualTo(pipeline);

        // ListImages: our image for owner Self, the Kiln-managed images for owner Amazon
        List<ImageVersion> mine = new ArrayList<>();
        east.listImagesPaginator(b -> b.owner(Ownership.SELF)).imageVersionList().forEach(mine::add);
        assertThat(mine).extracting(ImageVersion::arn).contains(arn(EAST, "image/" + recipeName + "/1.0.0"));
        assertThat(mine).allSatisfy(v -> assertThat(v.owner()).isEqualTo(account));
        List<ImageVersion> kilns = east.listImages(b -> b.owner(Ownership.AMAZON)).imageVersionList();
        assertThat(kilns).extracting(ImageVersion::name).contains("debian-12-x86", "debian-12-container");
        assertThat(kilns).allSatisfy(v -> assertThat(v.owner()).isEqualTo("Amazon"));
        assertThat(east.listImageBuildVersions(b -> b.imageVersionArn(arn(EAST, "image/" + recipeName + "/1.0.0")))
                .imageSummaryList()).singleElement().satisfies(s -> {
                    assertThat(s.arn()).isEqualTo(image);
                    assertThat(s.state().status()).isEqualTo(ImageStatus.PENDING);
                });

        // what the pipeline uses cannot be deleted while it exists
        thrown(ResourceDependencyException.class, () -> east.deleteImageRecipe(b -> b.imageRecipeArn(recipe)));
        thrown(ResourceDependencyException.class, () -> east.deleteInfrastructureConfiguration(b -> b
                .infrastructureConfigurationArn(infra)));
        thrown(ResourceDependencyException.class, () -> east.deleteDistributionConfiguration(b -> b
                .distributionConfigurationArn(dist)));

        // update (not a partial update: the required members again), then deletes in order
        east.updateImagePipeline(b -> b.imagePipelineArn(pipeline).description("weekly").imageRecipeArn(recipe)
                .infrastructureConfigurationArn(infra).status(PipelineStatus.DISABLED)
                .schedule(s -> s.scheduleExpression("rate(7 days)")));
        ImagePipeline updated = east.getImagePipeline(b -> b.imagePipelineArn(pipeline)).imagePipeline();
        assertThat(updated.description()).isEqualTo("weekly");
        assertThat(updated.status()).isEqualTo(PipelineStatus.DISABLED);
        assertThat(updated.schedule().scheduleExpression()).isEqualTo("rate(7 days)");
        assertThat(updated.distributionConfigurationArn()).isNull();

        thrown(ResourceNotFoundException.class, () -> east.deleteImage(b -> b.imageBuildVersionArn(
                "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/2026.11.0/1")));
        // a pending image is cancelled before it is deleted; then the pipeline may start again
        thrown(ResourceDependencyException.class, () -> east.deleteImage(b -> b.imageBuildVersionArn(image)));
        assertThat(east.cancelImageCreation(b -> b.imageBuildVersionArn(image)).imageBuildVersionArn())
                .isEqualTo(image);
        assertThat(east.getImage(b -> b.imageBuildVersionArn(image)).image().state().status())
                .isEqualTo(ImageStatus.CANCELLED);
        assertThat(east.deleteImage(b -> b.imageBuildVersionArn(image)).imageBuildVersionArn()).isEqualTo(image);
        thrown(ResourceNotFoundException.class, () -> east.getImage(b -> b.imageBuildVersionArn(image)));
        assertThat(east.deleteImagePipeline(b -> b.imagePipelineArn(pipeline)).imagePipelineArn()).isEqualTo(pipeline);
        thrown(ResourceNotFoundException.class, () -> east.getImagePipeline(b -> b.imagePipelineArn(pipeline)));
        east.deleteImageRecipe(b -> b.imageRecipeArn(recipe));
        east.deleteInfrastructureConfiguration(b -> b.infrastructureConfigurationArn(infra));
        east.deleteDistributionConfiguration(b -> b.distributionConfigurationArn(dist));
    }

    @Test
    void createImageMakesAPendingImageWithoutAPipeline() {
        String component = unique("direct-part");
        createComponent(east, component, "1.0.0");
        String recipeName = unique("direct-recipe");
        String recipe = createRecipe(east, recipeName, arn(EAST, "component/" + component + "/1.0.0"));
        String infra = createInfrastructure(east, unique("direct-infra"));

        String image = east.createImage(b -> b.imageRecipeArn(recipe).infrastructureConfigurationArn(infra)
                .tags(Map.of("made", "directly"))).imageBuildVersionArn();
        assertThat(image).isEqualTo(arn(EAST, "image/" + recipeName + "/1.0.0/1"));
        Image img = east.getImage(b -> b.imageBuildVersionArn(image)).image();
        assertThat(img.state().status()).isEqualTo(ImageStatus.PENDING);
        assertThat(img.tags()).containsEntry("made", "directly");
        // neither or both recipes
        thrown(InvalidParameterCombinationException.class, () -> east.createImage(b -> b.imageRecipeArn(recipe)
                .containerRecipeArn(arn(EAST, "container-recipe/c/1.0.0")).infrastructureConfigurationArn(infra)));
    }

    // ---- tags -----------------------------------------------------------------------------------

    @Test
    void tagsAreAddedListedAndRemovedOnBuildVersionsAndConfigurations() {
        String component = createComponent(east, unique("tagged"), "1.0.0").componentBuildVersionArn();

        east.tagResource(b -> b.resourceArn(component).tags(Map.of("a", "1", "b c", "2", "x:y/z", "3")));
        assertThat(east.listTagsForResource(b -> b.resourceArn(component)).tags())
                .isEqualTo(Map.of("a", "1", "b c", "2", "x:y/z", "3"));
        east.untagResource(b -> b.resourceArn(component).tagKeys("b c", "x:y/z"));
        assertThat(east.listTagsForResource(b -> b.resourceArn(component)).tags()).isEqualTo(Map.of("a", "1"));
        assertThat(east.getComponent(b -> b.componentBuildVersionArn(component)).component().tags())
                .isEqualTo(Map.of("a", "1"));

        String infra = createInfrastructure(east, unique("tagged-infra"));
        east.tagResource(b -> b.resourceArn(infra).tags(Map.of("team", "kiln")));
        assertThat(east.listTagsForResource(b -> b.resourceArn(infra)).tags()).containsEntry("team", "kiln");

        thrown(ResourceNotFoundException.class, () -> east.listTagsForResource(b -> b.resourceArn(
                arn(EAST, "component/no-such/1.0.0/1"))));
        thrown(ForbiddenException.class, () -> east.tagResource(b -> b.resourceArn(
                "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/2026.11.0/1").tags(Map.of("a", "b"))));
    }

    // ---- errors ---------------------------------------------------------------------------------

    @Test
    void everyModeledErrorReachesTheSdkAsItsExceptionClass() {
        String name = unique("errors");
        String component = createComponent(east, name, "1.0.0").componentBuildVersionArn();

        ResourceNotFoundException notFound = thrown(ResourceNotFoundException.class, () -> east.getComponent(b -> b
                .componentBuildVersionArn(arn(EAST, "component/no-such-component/1.0.0/1"))));
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
        assertThat(notFound.awsErrorDetails().errorMessage()).isNotBlank();
        assertThat(notFound.requestId()).isNotBlank();

        InvalidParameterCombinationException both = thrown(InvalidParameterCombinationException.class,
                () -> east.createComponent(b -> b.name(unique("both")).semanticVersion("1.0.0")
                        .platform(Platform.LINUX).data(DOC).uri("s3://bucket/doc.yaml")));
        assertThat(both.statusCode()).isEqualTo(400);

        InvalidRequestException badName = thrown(InvalidRequestException.class, () -> east.createComponent(b -> b
                .name("bad name!").semanticVersion("1.0.0").platform(Platform.LINUX).data(DOC)));
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(badName.getMessage()).contains("name");
        thrown(InvalidRequestException.class, () -> east.listComponents(b -> b.maxResults(26)));
        thrown(InvalidRequestException.class, () -> east.listComponents(b -> b.filters(Filter.builder()
                .name("colour").values("red").build())));

        // a node past 2^30-1; a wildcard with a number right of an x
        thrown(InvalidVersionNumberException.class, () -> east.createImageRecipe(b -> b.name(unique("v"))
                .semanticVersion("1.0.1073741824").parentImage(managedParent(EAST))
                .components(ComponentConfiguration.builder().componentArn(component).build())));
        thrown(InvalidVersionNumberException.class, () -> createRecipe(east, unique("v"),
                arn(EAST, "component/" + name + "/x.0.x")));
        thrown(InvalidVersionNumberException.class, () -> east.createComponent(b -> b.name(unique("v"))
                .semanticVersion("1073741824.0.0").platform(Platform.LINUX).data(DOC)));

        DryRunOperationException dryRun = thrown(DryRunOperationException.class, () -> east.createComponent(b -> b
                .name(unique("dry")).semanticVersion("1.0.0").platform(Platform.LINUX).data(DOC).dryRun(true)));
        assertThat(dryRun.statusCode()).isEqualTo(412);

        String token = UUID.randomUUID().toString();
        east.createComponent(b -> b.name(unique("idem")).semanticVersion("1.0.0").platform(Platform.LINUX)
                .data(DOC).clientToken(token));
        thrown(IdempotentParameterMismatchException.class, () -> east.createComponent(b -> b.name(unique("idem"))
                .semanticVersion("1.0.0").platform(Platform.LINUX).data(DOC).clientToken(token)));

        // ResourceAlreadyExists, ResourceDependency, ResourceInUse, InvalidPaginationToken: in the flows above,
        // and here once more each
        String recipe = createRecipe(east, name, component);
        thrown(ResourceAlreadyExistsException.class, () -> createRecipe(east, name, component));
        thrown(ResourceDependencyException.class, () -> east.deleteComponent(b -> b
                .componentBuildVersionArn(component)));
        thrown(InvalidPaginationTokenException.class, () -> east.listImageRecipes(b -> b.nextToken("bm90IGEgdG9rZW4")));
        String pipeline = east.createImagePipeline(b -> b.name(name).imageRecipeArn(recipe)
                .infrastructureConfigurationArn(createInfrastructure(east, name))).imagePipelineArn();
        east.startImagePipelineExecution(b -> b.imagePipelineArn(pipeline));
        ResourceInUseException inUse = thrown(ResourceInUseException.class,
                () -> east.startImagePipelineExecution(b -> b.imagePipelineArn(pipeline)));
        assertThat(inUse.statusCode()).isEqualTo(400);
    }

    // ---- authentication -------------------------------------------------------------------------

    @Test
    void aWrongSecretIsInvalidSignature() {
        ImagebuilderClient wrong = client(EAST, AwsBasicCredentials.create(credentials.accessKeyId(),
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        AwsServiceException e = thrown(AwsServiceException.class, () -> wrong.listComponents(b -> { }));
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
        // a request with a body is refused the same way
        AwsServiceException put = thrown(AwsServiceException.class, () -> createComponent(wrong, unique("w"), "1.0.0"));
        assertThat(put.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
    }

    @Test
    void anUnknownKeyIsAnUnrecognizedClient() {
        ImagebuilderClient unknown = client(EAST, AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        AwsServiceException e = thrown(AwsServiceException.class, () -> unknown.listImages(b -> { }));
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
    }

    @Test
    void aRevokedKeyIsRefusedFromTheNextRequestOn() {
        AccessKey key;
        try (Database db = Database.open(Database.h2FileUrl(dataDir))) {
            key = db.accounts().createKey(account);
        }
        ImagebuilderClient second = client(EAST, AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
        String arn = createComponent(second, unique("second-key"), "1.0.0").componentBuildVersionArn();
        assertThat(arn).contains(":" + account + ":");

        try (Database db = Database.open(Database.h2FileUrl(dataDir))) {
            assertThat(db.accounts().revokeKey(key.accessKeyId())).isTrue();
        }
        AwsServiceException e = thrown(AwsServiceException.class, () -> second.getComponent(b -> b
                .componentBuildVersionArn(arn)));
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
        // the first key still works
        assertThat(east.getComponent(b -> b.componentBuildVersionArn(arn)).component().arn()).isEqualTo(arn);
    }

    /**
     * What {@code kiln accounts create} and {@code kiln keys revoke} do while {@code kiln server} runs: another
     * process opens the same embedded database (H2's automatic mixed mode lets it).
     */
    @Test
    void anotherProcessManagesAccountsAndKeysWhileTheServerRuns() throws Exception {
        Result made = inAnotherJvm("create");
        assertThat(made.exitCode()).as(made.stderr()).isZero();
        String[] created = made.stdout().strip().split(" ");
        ImagebuilderClient theirs = client(EAST, AwsBasicCredentials.create(created[1], created[2]));
        assertThat(createComponent(theirs, "from-another-process", "1.0.0").componentBuildVersionArn())
                .contains(":" + created[0] + ":");

        Result revoked = inAnotherJvm("revoke", created[1]);
        assertThat(revoked.exitCode()).as(revoked.stderr()).isZero();
        AwsServiceException e = thrown(AwsServiceException.class, () -> theirs.listComponents(b -> { }));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
    }

    private static Result inAnotherJvm(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), OtherProcess.class.getName(),
                dataDir.toString()));
        command.addAll(List.of(args));
        return ExternalClients.run(command, Map.of(), 120);
    }

    /** The other process: opens the data dir's database as the CLI's accounts and keys commands do. */
    static final class OtherProcess {
        public static void main(String[] args) {
            try (Database db = Database.open(Database.h2FileUrl(Path.of(args[0])))) {
                if (args[1].equals("create")) {
                    Account account = db.accounts().createAccount("from-another-process");
                    AccessKey key = db.accounts().createKey(account.id());
                    System.out.println(account.id() + " " + key.accessKeyId() + " " + key.secretAccessKey());
                } else if (!db.accounts().revokeKey(args[2])) {
                    throw new IllegalStateException("no key " + args[2]);
                }
            }
        }
    }

    // ---- idempotency ----------------------------------------------------------------------------

    @Test
    void theSameClientTokenWithTheSameParametersAnswersTheFirstResult() {
        String name = unique("idempotent");
        String token = UUID.randomUUID().toString();
        Consumer<CreateComponentRequest.Builder> request = b -> b.name(name).semanticVersion("1.0.0")
                .platform(Platform.LINUX).data(DOC).clientToken(token);

        String first = east.createComponent(request).componentBuildVersionArn();
        String again = east.createComponent(request).componentBuildVersionArn();
        assertThat(again).isEqualTo(first);
        assertThat(east.listComponentBuildVersions(b -> b.componentVersionArn(arn(EAST, "component/" + name
                + "/1.0.0"))).componentSummaryList()).as("one build").hasSize(1);

        IdempotentParameterMismatchException mismatch = thrown(IdempotentParameterMismatchException.class,
                () -> east.createComponent(b -> b.name(name).semanticVersion("1.0.0").platform(Platform.LINUX)
                        .data(DOC).description("other").clientToken(token)));
        assertThat(mismatch.statusCode()).isEqualTo(400);

        // a recipe: same token, same answer, no ResourceAlreadyExists
        String component = first;
        String recipeToken = UUID.randomUUID().toString();
        Consumer<CreateImageRecipeRequest.Builder> recipe = b -> b.name(name).semanticVersion("1.0.0")
                .parentImage(managedParent(EAST)).clientToken(recipeToken)
                .components(ComponentConfiguration.builder().componentArn(component).build());
        assertThat(east.createImageRecipe(recipe).imageRecipeArn())
                .isEqualTo(east.createImageRecipe(recipe).imageRecipeArn());
    }

    // ---- isolation ------------------------------------------------------------------------------

    @Test
    void anotherRegionSeesNoneOfThisRegionsResources() {
        String name = unique("regional");
        String arn = createComponent(east, name, "1.0.0").componentBuildVersionArn();
        Filter byName = Filter.builder().name("name").values(name).build();

        assertThat(east.listComponents(b -> b.filters(byName)).componentVersionList()).hasSize(1);
        assertThat(west.listComponents(b -> b.filters(byName)).componentVersionList()).isEmpty();
        thrown(ResourceNotFoundException.class, () -> west.getComponent(b -> b.componentBuildVersionArn(arn)));
        thrown(ResourceNotFoundException.class, () -> west.listTagsForResource(b -> b.resourceArn(arn)));

        // the same name and version may exist in each region
        assertThat(createComponent(west, name, "1.0.0").componentBuildVersionArn())
                .isEqualTo(arn.replace(EAST, WEST));
        assertThat(west.listImages(b -> b.owner(Ownership.AMAZON)).imageVersionList())
                .allSatisfy(v -> assertThat(v.arn()).startsWith("arn:aws:imagebuilder:us-west-2:aws:image/"));
        // a region the server does not serve
        ImagebuilderClient elsewhere = client("eu-west-1", credentials);
        AwsServiceException e = thrown(AwsServiceException.class, () -> elsewhere.listComponents(b -> { }));
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
        assertThat(e.awsErrorDetails().errorMessage()).contains("eu-west-1");
    }

    @Test
    void anotherAccountSeesNoneOfThisAccountsResources() {
        String name = unique("private");
        String component = createComponent(east, name, "1.0.0").componentBuildVersionArn();
        String infra = createInfrastructure(east, name);

        Account other;
        AccessKey key;
        try (Database db = Database.open(Database.h2FileUrl(dataDir))) {
            other = db.accounts().createAccount("other");
            key = db.accounts().createKey(other.id());
        }
        assertThat(other.id()).isNotEqualTo(account).matches("[0-9]{12}");
        ImagebuilderClient theirs = client(EAST, AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));

        assertThat(theirs.listComponents(b -> b.owner(Ownership.SELF)).componentVersionList()).isEmpty();
        assertThat(theirs.listInfrastructureConfigurations(b -> { }).infrastructureConfigurationSummaryList())
                .isEmpty();
        assertThat(theirs.listImageRecipes(b -> { }).imageRecipeSummaryList()).isEmpty();
        assertThat(theirs.listImagePipelines(b -> { }).imagePipelineList()).isEmpty();
        assertThat(theirs.listImages(b -> b.owner(Ownership.SELF)).imageVersionList()).isEmpty();
        thrown(ResourceNotFoundException.class, () -> theirs.getComponent(b -> b.componentBuildVersionArn(component)));
        thrown(ResourceNotFoundException.class, () -> theirs.getInfrastructureConfiguration(b -> b
                .infrastructureConfigurationArn(infra)));
        thrown(ResourceNotFoundException.class, () -> theirs.deleteComponent(b -> b
                .componentBuildVersionArn(component)));
        thrown(ResourceNotFoundException.class, () -> theirs.tagResource(b -> b.resourceArn(component)
                .tags(Map.of("x", "y"))));
        // their recipe cannot use our component
        thrown(InvalidParameterValueException.class, () -> theirs.createImageRecipe(b -> b.name(name)
                .semanticVersion("1.0.0")
                .parentImage(managedParent(EAST))
                .components(ComponentConfiguration.builder().componentArn(component).build())));

        // the same names are theirs to use, in their own ARNs; Kiln's images are everyone's
        String mine = createComponent(theirs, name, "1.0.0").componentBuildVersionArn();
        assertThat(mine).isEqualTo(component.replace(account, other.id()));
        assertThat(theirs.listImages(b -> b.owner(Ownership.AMAZON)).imageVersionList()).isNotEmpty();
        assertThat(east.getComponent(b -> b.componentBuildVersionArn(component)).component().tags())
                .doesNotContainKey("x");
    }

    // ---- restart --------------------------------------------------------------------------------

    @Test
    void resourcesSurviveARestartAndNoNewAccountIsMade(@TempDir Path parent) throws IOException {
        Path otherDir = parent.resolve("data");
        String component;
        String pipeline;
        String image;
        String credentialsText;
        String firstAccount;
        try (KilnServer first = KilnTestServer.start(otherDir)) {
            assertThat(first.firstStart().created()).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(otherDir)))
                    .as("the data dir holds every secret key").isEqualTo("rwx------");
            firstAccount = first.firstStart().account().id();
            credentialsText = Files.readString(first.credentialsFile());
            ImagebuilderClient c = client(first, EAST, KilnTestServer.defaultProfile(first.credentialsFile()));
            component = createComponent(c, "survivor", "1.0.0").componentBuildVersionArn();
            String recipe = c.createImageRecipe(b -> b.name("survivor").semanticVersion("1.0.0")
                    .parentImage(managedParent(EAST))
                    .components(ComponentConfiguration.builder().componentArn(component).build())).imageRecipeArn();
            pipeline = c.createImagePipeline(b -> b.name("survivor").imageRecipeArn(recipe)
                    .infrastructureConfigurationArn(createInfrastructure(c, "survivor"))
                    .schedule(s -> s.scheduleExpression("cron(30 22 ? * tue#2 *)"))).imagePipelineArn();
            image = c.startImagePipelineExecution(b -> b.imagePipelineArn(pipeline)).imageBuildVersionArn();
            c.tagResource(b -> b.resourceArn(component).tags(Map.of("kept", "yes")));
        }

        try (KilnServer again = KilnTestServer.start(otherDir)) {
            assertThat(again.firstStart().created()).isFalse();
            assertThat(Files.readString(again.credentialsFile())).isEqualTo(credentialsText);
            try (Database db = Database.open(Database.h2FileUrl(otherDir))) {
                assertThat(db.accounts().accounts()).extracting(Account::id).containsExactly(firstAccount);
            }
            ImagebuilderClient c = client(again, EAST, KilnTestServer.defaultProfile(again.credentialsFile()));
            Component got = c.getComponent(b -> b.componentBuildVersionArn(component)).component();
            assertThat(got.data()).isEqualTo(DOC);
            assertThat(got.tags()).containsEntry("kept", "yes");
            assertThat(c.getImagePipeline(b -> b.imagePipelineArn(pipeline)).imagePipeline().schedule()
                    .scheduleExpression()).isEqualTo("cron(30 22 ? * tue#2 *)");
            assertThat(c.getImage(b -> b.imageBuildVersionArn(image)).image().state().status())
                    .isEqualTo(ImageStatus.PENDING);
            assertThat(c.listImages(b -> b.owner(Ownership.AMAZON)).imageVersionList())
                    .extracting(ImageVersion::name).contains("debian-12-x86");
            // the next build number continues where it stopped
            assertThat(createComponent(c, "survivor", "1.0.0").componentBuildVersionArn())
                    .isEqualTo(component.replace("/1.0.0/1", "/1.0.0/2"));
        }
    }
}
