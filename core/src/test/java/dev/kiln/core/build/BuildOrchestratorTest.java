package dev.kiln.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.ImageBuilderApi;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.image.BaseImages;
import dev.kiln.core.pipeline.Dependencies;
import dev.kiln.core.resource.Json;
import dev.kiln.core.store.StoredResource;
import dev.kiln.core.testing.InMemoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildOrchestratorTest {
    private static final String BASE = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x";

    @TempDir
    Path dir;

    private final InMemoryStore store = new InMemoryStore();
    private final FakeMachines machines = new FakeMachines();
    private final CallContext me = new CallContext("111111111111", "us-east-1", "req");
    private ImageBuilderService service = ImageBuilderApi.create(store, store, Clock.systemUTC(),
            Set.of("us-east-1", "us-west-2"));

    BuildOrchestratorTest() {
        new BaseImages(store, Clock.systemUTC()).seed(List.of("us-east-1"));
    }

    private FakeContainers containers;

    private BuildEnvironment env() {
        if (containers == null) {
            containers = new FakeContainers(dir.resolve("containers"));
        }
        return BuildEnvironment.builder().setImages(machines).setBackends(List.of(machines)).setBaseImages(machines)
                .setBuildsFolder(dir.resolve("builds")).setClock(Clock.systemUTC())
                .setReadyTimeout(Duration.ofSeconds(30)).setContainers(containers).setRegistries(containers).build();
    }

    private ObjectNode call(String operation, ObjectNode in) {
        in.put("clientToken", UUID.randomUUID().toString());
        return service.call(me, operation, in);
    }

    /** A component whose phases run the given bash lines, each a step. */
    private String component(String name, String build, String test) {
        String yaml = "name: " + name + "\nschemaVersion: 1.0\nphases:\n"
                + "  - name: build\n    steps:\n      - name: Make\n        action: ExecuteBash\n"
                + "        inputs:\n          commands:\n            - " + build + "\n"
                + "  - name: validate\n    steps:\n      - name: Check\n        action: ExecuteBash\n"
                + "        inputs:\n          commands:\n            - " + build.replace("echo built >", "test -f") + "\n"
                + "  - name: test\n    steps:\n      - name: Probe\n        action: ExecuteBash\n"
                + "        inputs:\n          commands:\n            - " + test + "\n";
        return call("CreateComponent", Json.object().put("name", name).put("semanticVersion", "1.0.0")
                .put("platform", "Linux").put("data", yaml)).path("componentBuildVersionArn").asText();
    }

    private String image(String componentArn, boolean tests, boolean terminateOnFailure) {
        return image(componentArn, tests, terminateOnFailure, null);
    }

    private String image(String componentArn, boolean tests, boolean terminateOnFailure, String workingDirectory) {
        ObjectNode recipe = Json.object().put("name", "web-" + UUID.randomUUID().toString().substring(0, 8))
                .put("semanticVersion", "1.0.0").put("parentImage", BASE);
        if (workingDirectory != null) {
            recipe.put("workingDirectory", workingDirectory);
        }
        recipe.putArray("components").addObject().put("componentArn", componentArn);
        String recipeArn = call("CreateImageRecipe", recipe).path("imageRecipeArn").asText();
        ObjectNode infra = Json.object().put("name", "infra-" + UUID.randomUUID().toString().substring(0, 8))
                .put("instanceProfileName", "kiln").put("terminateInstanceOnFailure", terminateOnFailure);
        infra.putArray("instanceTypes").add("t3.micro");
        String infraArn = call("CreateInfrastructureConfiguration", infra).path("infrastructureConfigurationArn").asText();
        ObjectNode create = Json.object().put("imageRecipeArn", recipeArn).put("infrastructureConfigurationArn", infraArn);
        create.putObject("imageTestsConfiguration").put("imageTestsEnabled", tests);
        return call("CreateImage", create).path("imageBuildVersionArn").asText();
    }

    private String containerImage(String componentArn, String template, boolean tests) {
        return containerImage(componentArn, template, tests, null);
    }

    private String containerImage(String componentArn, String template, boolean tests, String distributionArn) {
        ObjectNode recipe = Json.object().put("name", "app-" + UUID.randomUUID().toString().substring(0, 8))
                .put("semanticVersion", "2.1.0").put("containerType", "DOCKER").put("parentImage", "127.0.0.1:5999/base:1")
                .put("dockerfileTemplateData", template);
        recipe.putObject("targetRepository").put("service", "ECR").put("repositoryName", "team/app");
        recipe.putArray("components").addObject().put("componentArn", componentArn);
        String recipeArn = call("CreateContainerRecipe", recipe).path("containerRecipeArn").asText();
        ObjectNode infra = Json.object().put("name", "infra-" + UUID.randomUUID().toString().substring(0, 8))
                .put("instanceProfileName", "kiln");
        String infraArn = call("CreateInfrastructureConfiguration", infra).path("infrastructureConfigurationArn").asText();
        ObjectNode create = Json.object().put("containerRecipeArn", recipeArn).put("infrastructureConfigurationArn", infraArn);
        create.putObject("imageTestsConfiguration").put("imageTestsEnabled", tests);
        if (distributionArn != null) {
            create.put("distributionConfigurationArn", distributionArn);
        }
        return call("CreateImage", create).path("imageBuildVersionArn").asText();
    }

    private static final String TEMPLATE = "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:environments }}}\n"
            + "ENV STAGE=one\n{{{ imagebuilder:components }}}\nCMD [\"bash\"]\n";

    @Test
    void aContainerBuildRunsTheTemplateAroundTheComponentsTestsAndPushesVersionBuildAndDigest() {
        String arn = containerImage(component("writer", "echo built > " + marker(), "test -f " + marker()), TEMPLATE,
                true);

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("AVAILABLE");
        assertThat(containers.dockerfiles).containsExactly("FROM 127.0.0.1:5999/base:1\n\nENV STAGE=one\n",
                "FROM image-2\nCMD [\"bash\"]\n\n");
        assertThat(store.get(arn).orElseThrow().body().at("/outputResources/containers/0/imageUris"))
                .extracting(JsonNode::asText)
                .containsExactly("127.0.0.1:5999/team/app:2.1.0-1", "127.0.0.1:5999/team/app@sha256:" + "ab".repeat(32));
        assertThat(containers.events).filteredOn(e -> e.startsWith("from") || e.startsWith("push"))
                .containsExactly("from image-1 as " + ContainerNames.of(arn).container("build"),
                        "from image-3 as " + ContainerNames.of(arn).container("test"),
                        "push image-3 127.0.0.1:5999/team/app:2.1.0-1");
        assertThat(containers.containers).isEmpty();
        assertThat(containers.localImages).isEmpty();
        assertThat(BuildFolders.log(dir.resolve("builds"), arn)).content()
                .contains("[component/writer] build/Make", "[component/writer] test/Probe");
    }

    @Test
    void aContainerBuildOnAHostWithoutItsEngineFailsAtOnceNamingThePackage() {
        String arn = containerImage(component("writer", "echo built > " + marker(), "true"), TEMPLATE, true);
        env();
        containers.hostLacks = "buildah is not installed: install the Debian package buildah (sudo ./kiln setup)";

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("FAILED");
        assertThat(state(arn).path("reason").asText())
                .isEqualTo("buildah is not installed: install the Debian package buildah (sudo ./kiln setup)");
        assertThat(containers.hostChecks).containsExactly("engine");
        assertThat(containers.dockerfiles).isEmpty();
        assertThat(containers.events).isEmpty();
    }

    @Test
    void aBuildChecksTheProgramsOfWhatItWillUseBeforeItStarts() {
        String vm = image(component("writer", "echo built > " + marker(), "true"), false, true);
        new BuildOrchestrator(store, env()).build(vm, null);
        assertThat(state(vm).path("status").asText()).isEqualTo("AVAILABLE");
        assertThat(machines.hostChecks).containsExactly("backend", "base-image debian-12-x86");

        String container = containerImage(component("other", "echo built > " + marker(), "true"), TEMPLATE, false);
        new BuildOrchestrator(store, env()).build(container, null);
        assertThat(state(container).path("status").asText()).isEqualTo("AVAILABLE");
        assertThat(containers.hostChecks).containsExactly("engine", "registry us-east-1");
    }

    @Test
    void aVmBuildOnAHostWithoutQemuFailsBeforeItMakesOrLaunchesAnything() {
        String arn = image(component("writer", "echo built > " + marker(), "true"), true, true);
        machines.hostLacks = "qemu-system-x86_64, qemu-img are not installed: install the Debian packages"
                + " qemu-system-x86 qemu-utils (sudo ./kiln setup)";

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("FAILED");
        assertThat(state(arn).path("reason").asText()).isEqualTo(machines.hostLacks);
        assertThat(machines.hostChecks).containsExactly("backend");
        assertThat(machines.events).isEmpty();
        assertThat(BuildFolders.log(dir.resolve("builds"), arn)).content()
                .contains("FAILED: qemu-system-x86_64, qemu-img are not installed");
    }

    @Test
    void containerDistributionPushesToEachRegionsRepositoryWithItsTags() {
        ObjectNode config = Json.object().put("name", "containers");
        ObjectNode west = config.putArray("distributions").addObject().put("region", "us-west-2");
        ObjectNode target = west.putObject("containerDistributionConfiguration");
        target.putObject("targetRepository").put("service", "ECR").put("repositoryName", "west/app");
        target.putArray("containerTags").add("latest").add("stable");
        String distribution = call("CreateDistributionConfiguration", config).path("distributionConfigurationArn")
                .asText();
        String arn = containerImage(component("writer", "echo built > " + marker(), "true"), TEMPLATE, false,
                distribution);

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("AVAILABLE");
        JsonNode containers = store.get(arn).orElseThrow().body().at("/outputResources/containers");
        assertThat(containers.path(1).path("region").asText()).isEqualTo("us-west-2");
        assertThat(containers.path(1).path("imageUris")).extracting(JsonNode::asText).containsExactly(
                "127.0.0.1:5999/west/app:latest", "127.0.0.1:5999/west/app:stable",
                "127.0.0.1:5999/west/app@sha256:" + "ab".repeat(32));
    }

    @Test
    void aFailingContainerTestPushesNothingAndLeavesNoLocalImage() {
        String arn = containerImage(component("writer", "echo built > " + marker(), "echo missing >&2; false"),
                TEMPLATE, true);

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("FAILED");
        assertThat(state(arn).path("reason").asText()).contains("phase test, step Probe", "missing");
        assertThat(containers.events).noneMatch(e -> e.startsWith("push"));
        assertThat(containers.containers).isEmpty();
        assertThat(containers.localImages).isEmpty();
    }

    @Test
    void aFailingDockerfileLineOrAnUnreachableRegistryFailsTheContainerImage() {
        String badTemplate = containerImage(component("a", "true", "true"),
                "FROM {{{ imagebuilder:parentImage }}}\nRUN false\n{{{ imagebuilder:components }}}", false);
        new BuildOrchestrator(store, env()).build(badTemplate, null);
        assertThat(state(badTemplate).path("reason").asText()).contains("the Dockerfile failed: RUN false");

        containers.registryDown = true;
        String noRegistry = containerImage(component("b", "true", "true"), TEMPLATE, false);
        new BuildOrchestrator(store, env()).build(noRegistry, null);
        assertThat(state(noRegistry).path("reason").asText()).contains("registry of us-east-1", "does not answer");
    }

    @Test
    void aParentOnDockerHubIsRefusedWithWhatToNameInstead() {
        ObjectNode recipe = Json.object().put("name", "hub").put("semanticVersion", "1.0.0")
                .put("containerType", "DOCKER").put("parentImage", "debian:12")
                .put("dockerfileTemplateData", TEMPLATE);
        recipe.putObject("targetRepository").put("service", "ECR").put("repositoryName", "hub");
        String recipeArn = call("CreateContainerRecipe", recipe).path("containerRecipeArn").asText();
        String infraArn = call("CreateInfrastructureConfiguration", Json.object().put("name", "i")
                .put("instanceProfileName", "kiln")).path("infrastructureConfigurationArn").asText();
        String arn = call("CreateImage", Json.object().put("containerRecipeArn", recipeArn)
                .put("infrastructureConfigurationArn", infraArn)).path("imageBuildVersionArn").asText();

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("reason").asText()).contains("'debian:12' names no registry", "127.0.0.1:5999",
                "debian-12-container");
    }

    /** An image of the writer component distributed by a configuration of the given entries. */
    private String distributedImage(ObjectNode... entries) {
        ObjectNode config = Json.object().put("name", "dist-" + UUID.randomUUID().toString().substring(0, 8));
        var list = config.putArray("distributions");
        for (ObjectNode e : entries) {
            list.add(e);
        }
        String distribution = call("CreateDistributionConfiguration", config).path("distributionConfigurationArn")
                .asText();
        String recipe = call("CreateImageRecipe", Json.object().put("name", "r-" + UUID.randomUUID().toString()
                .substring(0, 8)).put("semanticVersion", "1.0.0").put("parentImage", BASE)).path("imageRecipeArn")
                .asText();
        String infra = call("CreateInfrastructureConfiguration", Json.object().put("name", "i-" + UUID.randomUUID()
                .toString().substring(0, 8)).put("instanceProfileName", "kiln")).path("infrastructureConfigurationArn")
                .asText();
        ObjectNode create = Json.object().put("imageRecipeArn", recipe).put("infrastructureConfigurationArn", infra)
                .put("distributionConfigurationArn", distribution);
        create.putObject("imageTestsConfiguration").put("imageTestsEnabled", false);
        return call("CreateImage", create).path("imageBuildVersionArn").asText();
    }

    private static ObjectNode entry(String region, String name, String... targetAccounts) {
        ObjectNode e = Json.object().put("region", region);
        ObjectNode ami = e.putObject("amiDistributionConfiguration").put("name", name);
        if (targetAccounts.length > 0) {
            var ids = ami.putArray("targetAccountIds");
            for (String a : targetAccounts) {
                ids.add(a);
            }
        }
        return e;
    }

    @Test
    void distributionCopiesTheImageToEachRegionAndTargetAccountWithItsLaunchPermission() {
        ObjectNode west = entry("us-west-2", "web-{{ imagebuilder:buildVersion }}", "222222222222");
        ((ObjectNode) west.path("amiDistributionConfiguration")).putObject("launchPermission")
                .putArray("userGroups").add("all");
        ObjectNode east = entry("us-east-1", "web-east");
        ((ObjectNode) east.path("amiDistributionConfiguration")).putObject("launchPermission")
                .putArray("userIds").add("333333333333");
        String arn = distributedImage(east, west);

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).as(state(arn).toString()).isEqualTo("AVAILABLE");
        JsonNode amis = store.get(arn).orElseThrow().body().at("/outputResources/amis");
        assertThat(amis).extracting(a -> a.path("region").asText() + "/" + a.path("accountId").asText() + "/"
                + a.path("name").asText())
                .containsExactly("us-east-1/111111111111/web-east", "us-west-2/111111111111/web-1",
                        "us-west-2/222222222222/web-1");
        var east1 = machines.images.get(amis.path(0).path("image").asText());
        assertThat(east1.launchUserIds()).containsExactly("333333333333");
        assertThat(east1.publicLaunch()).isFalse();
        var west2 = machines.images.get(amis.path(2).path("image").asText());
        assertThat(west2.ownerId()).isEqualTo("222222222222");
        assertThat(west2.publicLaunch()).isTrue();
    }

    @Test
    void distributeImageSpreadsAnAvailableImageWithAnotherConfigurationWithoutBuilding() throws Exception {
        String arn = distributedImage(entry("us-east-1", "web"));
        new BuildOrchestrator(store, env()).build(arn, null);
        String source = store.get(arn).orElseThrow().body().at("/outputResources/amis/0/image").asText();
        long launches = machines.events.stream().filter(e -> e.startsWith("launch")).count();
        ObjectNode config = Json.object().put("name", "more");
        config.putArray("distributions").add(entry("us-west-2", "web-west", "222222222222"));
        String distribution = call("CreateDistributionConfiguration", config).path("distributionConfigurationArn")
                .asText();

        String again;
        try (BuildQueue queue = new BuildQueue(store, env(), 1)) {
            service = ImageBuilderApi.create(store, store, Clock.systemUTC(), Set.of("us-east-1", "us-west-2"), queue);
            again = call("DistributeImage", Json.object().put("sourceImage", source)
                    .put("distributionConfigurationArn", distribution).put("executionRole", "kiln"))
                    .path("imageBuildVersionArn").asText();
            awaitStatus(again, "AVAILABLE");
        }

        assertThat(again).isEqualTo(arn.substring(0, arn.lastIndexOf('/') + 1) + "2");
        assertThat(store.get(again).orElseThrow().body().at("/outputResources/amis"))
                .extracting(a -> a.path("region").asText() + "/" + a.path("accountId").asText() + "/"
                        + a.path("image").asText().equals(source))
                .containsExactly("us-east-1/111111111111/true", "us-west-2/111111111111/false",
                        "us-west-2/222222222222/false");
        assertThat(machines.events.stream().filter(e -> e.startsWith("launch")).count()).isEqualTo(launches);
    }

    @Test
    void aRegionThatFailsIsNamedAndRetryImageDistributesOnlyWhatIsMissing() throws Exception {
        machines.failingRegions.add("us-west-2");
        String arn = distributedImage(entry("us-east-1", "web"), entry("us-west-2", "web"));

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("FAILED");
        assertThat(state(arn).path("reason").asText()).contains("distribution failed in us-west-2",
                "no space left on device", "RetryImage");
        assertThat(store.get(arn).orElseThrow().body().at("/outputResources/amis")).hasSize(1);
        assertThat(machines.images).hasSize(1);

        machines.failingRegions.clear();
        long launches = machines.events.stream().filter(e -> e.startsWith("launch")).count();
        try (BuildQueue queue = new BuildQueue(store, env(), 1)) {
            service = ImageBuilderApi.create(store, store, Clock.systemUTC(), Set.of("us-east-1", "us-west-2"), queue);
            call("RetryImage", Json.object().put("imageBuildVersionArn", arn));
            awaitStatus(arn, "AVAILABLE");
        }
        assertThat(store.get(arn).orElseThrow().body().at("/outputResources/amis")).hasSize(2);
        assertThat(machines.events.stream().filter(e -> e.startsWith("launch")).count())
                .as("no rebuild").isEqualTo(launches);
        assertThat(machines.images).hasSize(2);
    }

    private JsonNode state(String arn) {
        return store.get(arn).map(StoredResource::body).orElseThrow().path("state");
    }

    private String marker() {
        return dir.resolve("built").toString();
    }

    @Test
    void aBuildRecordsWhatItResolvedAsTheSchedulerResolvesIt() {
        String component = component("writer", "echo built > " + marker(), "test -f " + marker());
        String arn = image(component, false, true);

        new BuildOrchestrator(store, env()).build(arn, null);

        JsonNode body = store.get(arn).orElseThrow().body();
        assertThat(body.at("/kilnResolved/components/0").asText()).isEqualTo(component);
        assertThat(body.at("/kilnResolved/parentImage").asText()).startsWith(BASE.replace("x.x.x", "")).endsWith("/1");
        assertThat(body.get(Dependencies.MEMBER)).isEqualTo(Dependencies.current(store, me, body.path("imageRecipe")));
    }

    @Test
    void aBuildRunsBuildAndValidateThenTestsTheNewImageOnAFreshInstance() {
        String arn = image(component("writer", "echo built > " + marker(), "test -f " + marker()), true, true);

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("AVAILABLE");
        JsonNode ami = store.get(arn).orElseThrow().body().at("/outputResources/amis/0");
        assertThat(ami.path("region").asText()).isEqualTo("us-east-1");
        String imageId = ami.path("image").asText();
        assertThat(machines.images).containsKey(imageId);
        assertThat(machines.events).containsExactly("launch ami-00000000000000aa1", "capture", "register " + imageId,
                "close", "launch " + imageId, "close");
        assertThat(machines.open).isEmpty();
        assertThat(BuildFolders.log(dir.resolve("builds"), arn)).content()
                .contains("[component/writer] build/Make", "AVAILABLE: " + imageId);
    }

    @Test
    void aFailingStepFailsTheImageNamingComponentPhaseStepAndOutput() {
        String arn = image(component("broken", "echo 'disk is full' >&2; exit 3", "true"), true, true);

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("FAILED");
        assertThat(state(arn).path("reason").asText())
                .contains("component broken, phase build, step Make failed", "disk is full");
        assertThat(machines.events).containsExactly("launch ami-00000000000000aa1", "close");
    }

    @Test
    void theRecipesWorkingDirectoryHoldsTheEnginesFilesOnTheInstance() {
        String work = dir.resolve("work").toString();
        String arn = image(component("where", "echo \"script at $0\"", "true"), false, true, work);

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("AVAILABLE");
        assertThat(BuildFolders.log(dir.resolve("builds"), arn)).content().contains("script at " + work + "/kiln-toe/");
    }

    @Test
    void disabledTestsLaunchNoTestInstance() {
        String arn = image(component("writer", "echo built > " + marker(), "false"), false, true);

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("AVAILABLE");
        assertThat(machines.events).filteredOn(e -> e.startsWith("launch")).hasSize(1);
    }

    @Test
    void aFailingTestDeregistersTheNewImage() {
        String arn = image(component("writer", "echo built > " + marker(), "echo no >&2; false"), true, true);

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("FAILED");
        assertThat(state(arn).path("reason").asText()).contains("phase test, step Probe");
        assertThat(machines.images).isEmpty();
        assertThat(machines.open).isEmpty();
    }

    @Test
    void withTerminateInstanceOnFailureFalseTheBuildInstanceIsKeptAndNamed() {
        String arn = image(component("broken", "exit 1", "true"), true, false);
        BuildOrchestrator orchestrator = new BuildOrchestrator(store, env());

        orchestrator.build(arn, null);

        assertThat(state(arn).path("reason").asText()).contains("was kept running", "reach it with: ssh i-");
        assertThat(machines.open).hasSize(1);
        orchestrator.releaseKept(arn);
        assertThat(machines.open).isEmpty();
    }

    @Test
    void deletingTheFailedImageTerminatesItsKeptInstance() throws Exception {
        try (BuildQueue queue = new BuildQueue(store, env(), 1)) {
            service = ImageBuilderApi.create(store, store, Clock.systemUTC(), Set.of("us-east-1"), queue);
            String arn = image(component("broken", "exit 1", "true"), true, false);
            awaitStatus(arn, "FAILED");
            assertThat(machines.open).hasSize(1);

            call("DeleteImage", Json.object().put("imageBuildVersionArn", arn));

            assertThat(machines.open).isEmpty();
        }
    }

    @Test
    void anUnreachableInstanceFailsTheImage() {
        machines.failLaunch = true;
        String arn = image(component("writer", "true", "true"), true, true);

        new BuildOrchestrator(store, env()).build(arn, null);

        assertThat(state(arn).path("status").asText()).isEqualTo("FAILED");
        assertThat(state(arn).path("reason").asText()).contains("never became reachable");
    }

    @Test
    void cancelStopsARunningBuildWithinSecondsAndCleansUp() throws Exception {
        try (BuildQueue queue = new BuildQueue(store, env(), 1)) {
            service = ImageBuilderApi.create(store, store, Clock.systemUTC(), Set.of("us-east-1"), queue);
            String arn = image(component("slow", "sleep 600", "true"), true, true);
            awaitLogLine(arn, "build/Make");

            long start = System.nanoTime();
            call("CancelImageCreation", Json.object().put("imageBuildVersionArn", arn));
            while (!machines.open.isEmpty() && System.nanoTime() - start < 20_000_000_000L) {
                Thread.sleep(50);
            }

            assertThat(machines.open).isEmpty();
            assertThat(state(arn).path("status").asText()).isEqualTo("CANCELLED");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void aStepThatFailsBecauseOfACancelLeavesTheImageCancelledNotFailed() throws Exception {
        String arn = image(component("late", "sleep 1; exit 3", "true"), false, true);
        Thread build = new Thread(() -> new BuildOrchestrator(store, env()).build(arn, null));
        build.start();
        awaitLogLine(arn, "build/Make");

        call("CancelImageCreation", Json.object().put("imageBuildVersionArn", arn));
        build.join(20_000);

        assertThat(state(arn).path("status").asText()).isEqualTo("CANCELLED");
        assertThat(BuildFolders.log(dir.resolve("builds"), arn)).content()
                .contains("cancelled by request; the build stopped at: ").doesNotContain("FAILED");
    }

    @Test
    void queuedImagesWaitTheirTurnAndRunInOrder() throws Exception {
        machines.launchDelay = Duration.ofMillis(200);
        try (BuildQueue queue = new BuildQueue(store, env(), 1)) {
            service = ImageBuilderApi.create(store, store, Clock.systemUTC(), Set.of("us-east-1"), queue);
            String c = component("writer", "echo built > " + marker(), "true");
            String first = image(c, false, true);
            String second = image(c, false, true);
            assertThat(state(second).path("status").asText()).isEqualTo("PENDING");
            awaitStatus(second, "AVAILABLE");
            assertThat(state(first).path("status").asText()).isEqualTo("AVAILABLE");
        }
    }

    @Test
    void recoveryFailsImagesAStoppedKilnWasBuildingAndQueuesWaitingOnes() throws Exception {
        String c = component("writer", "echo built > " + marker(), "true");
        String interrupted = image(c, false, true);
        String waiting = image(c, false, true);
        StoredResource r = store.get(interrupted).orElseThrow();
        ObjectNode body = r.body().deepCopy();
        body.putObject("state").put("status", "TESTING");
        store.update(r.withBody(body));

        try (BuildQueue queue = new BuildQueue(store, env(), 1)) {
            assertThat(queue.recover()).isEqualTo(1);
            awaitStatus(waiting, "AVAILABLE");
        }
        assertThat(state(interrupted).path("status").asText()).isEqualTo("FAILED");
        assertThat(state(interrupted).path("reason").asText()).contains("Kiln stopped while this image was TESTING");
        assertThat(machines.events).first().isEqualTo("sweep");
        assertThat(containers.events).first().isEqualTo("sweep");
    }

    private void awaitStatus(String arn, String status) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!state(arn).path("status").asText().equals(status) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(state(arn).path("status").asText()).isEqualTo(status);
    }

    private void awaitLogLine(String arn, String text) throws Exception {
        Path log = BuildFolders.log(dir.resolve("builds"), arn);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline && !(Files.exists(log) && Files.readString(log).contains(text))) {
            Thread.sleep(20);
        }
        assertThat(log).content().contains(text);
    }
}
