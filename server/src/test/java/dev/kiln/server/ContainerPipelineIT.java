package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.ContainerType;
import software.amazon.awssdk.services.imagebuilder.model.CreateInfrastructureConfigurationRequest;
import software.amazon.awssdk.services.imagebuilder.model.Image;
import software.amazon.awssdk.services.imagebuilder.model.ImageStatus;
import software.amazon.awssdk.services.imagebuilder.model.Platform;

/**
 * Container pipelines that build for real, driven through the AWS SDK: buildah with chroot isolation,
 * the region's registry that Kiln runs (the CNCF registry on loopback), and the Kiln-managed Debian
 * container base image (from the mirror on first use, cached in /var/tmp/kiln-test-cache). Results are
 * read back with skopeo from the registry, as a user would pull them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerPipelineIT {
    private static final String REGION = KilnTestServer.EAST;
    private static final String BASE = "arn:aws:imagebuilder:" + REGION + ":aws:image/debian-12-container/x.x.x";
    private static final String TEMPLATE = """
            FROM {{{ imagebuilder:parentImage }}}
            {{{ imagebuilder:environments }}}
            ENV STAGE=it
            LABEL org.example.team="kiln-it"
            {{{ imagebuilder:components }}}
            WORKDIR /srv
            CMD ["cat", "/etc/kiln-it"]
            """;
    private static final String WRITER = """
            name: Writer
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - name: Write
                    action: ExecuteBash
                    inputs:
                      commands:
                        - echo "made in a container, STAGE=$STAGE" > /etc/kiln-it
                        - echo wrote /etc/kiln-it
              - name: validate
                steps:
                  - name: Check
                    action: ExecuteBash
                    inputs:
                      commands: [grep -q container /etc/kiln-it]
              - name: test
                steps:
                  - name: StillThere
                    action: ExecuteBash
                    inputs:
                      commands: [grep -q 'STAGE=it' /etc/kiln-it]
            """;
    static final String FAILING = """
            name: Failing
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - name: Breaks
                    action: ExecuteBash
                    inputs:
                      commands:
                        - echo 'about to fail' >&2
                        - exit 7
            """;
    private static final String FAILING_TEST = """
            name: FailingTest
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - name: Fine
                    action: ExecuteBash
                    inputs:
                      commands: [echo fine]
              - name: test
                steps:
                  - name: Missing
                    action: ExecuteBash
                    inputs:
                      commands: [test -f /etc/never-written]
            """;

    @RegisterExtension
    static final KilnServerExtension kiln = KilnServerExtension.inRegions(REGION)
            .configured(c -> c.withBuilds(2).withBaseImagesFolder(ImagePipelineIT.BASE_IMAGES));

    ImagebuilderClient api;

    @BeforeAll
    void start() {
        api = kiln.imageBuilder(REGION);
    }

    private static ImagebuilderClient client(KilnServer server) {
        return KilnTestServer.imageBuilder(server, REGION);
    }

    /** Starts a container pipeline and answers the image build version. */
    private String run(ImagebuilderClient client, String document, String parent, String template, String repository,
                       boolean tests) {
        return startPipeline(client, document, parent, template, repository, tests, infrastructure -> {
        });
    }

    /**
     * Makes a component of the document, a container recipe, an infrastructure configuration (as the
     * consumer adds to it) and a pipeline, starts it, and answers the image build version.
     */
    static String startPipeline(ImagebuilderClient client, String document, String parent, String template,
                                String repository, boolean tests,
                                Consumer<CreateInfrastructureConfigurationRequest.Builder> infrastructure) {
        String name = "c-" + UUID.randomUUID().toString().substring(0, 8);
        String component = client.createComponent(r -> r.name(name).semanticVersion("1.0.0").platform(Platform.LINUX)
                .data(document)).componentBuildVersionArn();
        String recipe = client.createContainerRecipe(r -> r.name(name).semanticVersion("1.0.0")
                .containerType(ContainerType.DOCKER).parentImage(parent).dockerfileTemplateData(template)
                .targetRepository(t -> t.service("ECR").repositoryName(repository))
                .components(c -> c.componentArn(component))).containerRecipeArn();
        String infra = client.createInfrastructureConfiguration(r -> infrastructure.accept(
                r.name(name).instanceProfileName("kiln"))).infrastructureConfigurationArn();
        String pipeline = client.createImagePipeline(r -> r.name(name).containerRecipeArn(recipe)
                .infrastructureConfigurationArn(infra)
                .imageTestsConfiguration(t -> t.imageTestsEnabled(tests))).imagePipelineArn();
        return client.startImagePipelineExecution(r -> r.imagePipelineArn(pipeline)).imageBuildVersionArn();
    }

    private Image await(ImagebuilderClient client, String arn, Duration timeout) throws InterruptedException {
        return KilnTestServer.awaitEnd(client, arn, timeout, () -> kiln.buildLog(arn));
    }

    private String registryHost;

    /** The region's registry, as its image URIs name it (host:port), found by a first build. */
    private synchronized String registryHost() throws Exception {
        if (registryHost != null) {
            return registryHost;
        }
        String arn = run(api, WRITER, BASE, TEMPLATE, "probe", false);
        Image image = await(api, arn, Duration.ofMinutes(10));
        assertThat(image.state().status()).as(kiln.buildLog(arn)).isEqualTo(ImageStatus.AVAILABLE);
        String uri = image.outputResources().containers().get(0).imageUris().get(0);
        registryHost = uri.substring(0, uri.indexOf('/'));
        return registryHost;
    }

    private static String exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    /** The tags a repository has in the registry (none when the repository does not exist). */
    private static List<String> tags(String host, String repository) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + host + "/v2/" + repository + "/tags/list")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return List.of();
        }
        JsonNode tags = new ObjectMapper().readTree(r.body()).path("tags");
        return tags.isArray() ? new ObjectMapper().convertValue(tags, List.class) : List.of();
    }

    /** A file's text from the newest layer of a pulled image that has it. */
    private static String fileInImage(String reference, String path, Path work) throws Exception {
        Path layout = work.resolve("pulled-" + UUID.randomUUID());
        exec(List.of("skopeo", "copy", "--src-tls-verify=false", "docker://" + reference, "oci:" + layout + ":it"));
        ObjectMapper json = new ObjectMapper();
        JsonNode index = json.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = json.readTree(blob(layout, index.at("/manifests/0/digest").asText()).toFile());
        String found = null;
        for (JsonNode layer : manifest.path("layers")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(blob(layout, layer.path("digest").asText())));
                 TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                for (TarArchiveEntry e = tar.getNextTarEntry(); e != null; e = tar.getNextTarEntry()) {
                    if (e.getName().replaceFirst("^\\./", "").equals(path.substring(1))) {
                        found = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
            }
        }
        return found;
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }

    @Test
    void aContainerPipelineBuildsTestsAndPushesAPullableImage(@TempDir Path work) throws Exception {
        String arn = run(api, WRITER, BASE, TEMPLATE, "team/app", true);

        Image image = await(api, arn, Duration.ofMinutes(10));

        assertThat(image.state().status()).as(kiln.buildLog(arn)).isEqualTo(ImageStatus.AVAILABLE);
        List<String> uris = image.outputResources().containers().get(0).imageUris();
        assertThat(image.outputResources().containers().get(0).region()).isEqualTo(REGION);
        assertThat(uris.get(0)).matches("127\\.0\\.0\\.1:[0-9]+/team/app:1\\.0\\.0-1");
        assertThat(uris.get(1)).matches("127\\.0\\.0\\.1:[0-9]+/team/app@sha256:[0-9a-f]{64}");
        JsonNode config = new ObjectMapper().readTree(exec(List.of("skopeo", "inspect", "--tls-verify=false",
                "--config", "docker://" + uris.get(1))));
        assertThat(config.at("/config/Env").toString()).contains("STAGE=it");
        assertThat(config.at("/config/Cmd").toString()).isEqualTo("[\"cat\",\"/etc/kiln-it\"]");
        assertThat(config.at("/config/WorkingDir").asText()).isEqualTo("/srv");
        assertThat(config.at("/config/Labels/org.example.team").asText()).isEqualTo("kiln-it");
        assertThat(fileInImage(uris.get(0), "/etc/kiln-it", work)).isEqualTo("made in a container, STAGE=it\n");
        assertThat(kiln.buildLog(arn)).contains("[component/", "wrote /etc/kiln-it", "test/StillThere success");
        assertThat(exec(List.of("buildah", "--root", kiln.dataDir().resolve("cache/containers/storage").toString(),
                "containers", "--all", "--format", "{{.ContainerName}}"))).doesNotContain("kiln-");
    }

    @Test
    void aContainerImageIsAParentForTheNextRecipe() throws Exception {
        String first = run(api, WRITER, BASE, TEMPLATE, "chain/first", false);
        assertThat(await(api, first, Duration.ofMinutes(10)).state().status()).as(kiln.buildLog(first))
                .isEqualTo(ImageStatus.AVAILABLE);
        String versionArn = first.substring(0, first.lastIndexOf('/'));

        String second = run(api, WRITER.replace("echo \"made", "cat /etc/kiln-it; echo \"made"), versionArn,
                TEMPLATE, "chain/second", false);

        assertThat(await(api, second, Duration.ofMinutes(10)).state().status()).as(kiln.buildLog(second))
                .isEqualTo(ImageStatus.AVAILABLE);
        assertThat(kiln.buildLog(second)).contains("made in a container, STAGE=it");
    }

    @Test
    void aFailingComponentFailsTheImageAndPushesNothing() throws Exception {
        String host = registryHost();
        String arn = run(api, FAILING, BASE, TEMPLATE, "broken/build", true);

        Image image = await(api, arn, Duration.ofMinutes(10));

        assertThat(image.state().status()).isEqualTo(ImageStatus.FAILED);
        assertThat(image.state().reason()).contains("phase build, step Breaks failed", "about to fail");
        assertThat(tags(host, "broken/build")).isEmpty();
    }

    @Test
    void aFailingTestPhaseFailsTheImageBeforeAnythingIsPushed() throws Exception {
        String host = registryHost();
        String arn = run(api, FAILING_TEST, BASE, TEMPLATE, "broken/test", true);

        Image image = await(api, arn, Duration.ofMinutes(10));

        assertThat(image.state().status()).isEqualTo(ImageStatus.FAILED);
        assertThat(image.state().reason()).contains("phase test, step Missing failed");
        assertThat(tags(host, "broken/test")).isEmpty();
    }

    @Test
    void aBadTemplateLineFailsTheImageNamingIt() throws Exception {
        String arn = run(api, WRITER, BASE, TEMPLATE.replace("ENV STAGE=it", "FROBNICATE now"), "broken/template",
                false);

        Image image = await(api, arn, Duration.ofMinutes(10));

        assertThat(image.state().status()).isEqualTo(ImageStatus.FAILED);
        assertThat(image.state().reason()).contains("Dockerfile").containsIgnoringCase("frobnicate");
    }

    @Test
    void aMissingParentImageFailsTheImageNamingIt() throws Exception {
        String host = registryHost();
        String arn = run(api, WRITER, host + "/nowhere/parent:1", TEMPLATE, "broken/parent", false);

        Image image = await(api, arn, Duration.ofMinutes(5));

        assertThat(image.state().status()).isEqualTo(ImageStatus.FAILED);
        assertThat(image.state().reason()).contains(host + "/nowhere/parent:1");
    }

    @Test
    void anUnreachableRegistryFailsTheImageNamingIt(@TempDir Path otherData) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (KilnServer other = KilnServer.start(ServerConfig.local(otherData, 0, List.of(REGION)).withBuilds(1)
                .withBaseImagesFolder(ImagePipelineIT.BASE_IMAGES)
                .withRegistries(Map.of(REGION, URI.create("http://127.0.0.1:" + closed))));
             ImagebuilderClient client = client(other)) {
            String arn = run(client, WRITER, BASE, TEMPLATE, "nowhere", false);

            Image image = await(client, arn, Duration.ofMinutes(2));

            assertThat(image.state().status()).isEqualTo(ImageStatus.FAILED);
            assertThat(image.state().reason()).contains("127.0.0.1:" + closed, REGION);
        } finally {
            new ProcessBuilder("rm", "-rf", otherData.resolve("cache").toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void cancellingAContainerBuildStopsItWithinSecondsAndRemovesItsContainer() throws Exception {
        String arn = run(api, FAILING.replace("echo 'about to fail' >&2", "sleep 600"), BASE, TEMPLATE,
                "slow/app", false);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!kiln.buildLog(arn).contains("build/Breaks") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(kiln.buildLog(arn)).contains("build/Breaks");

        long start = System.nanoTime();
        api.cancelImageCreation(r -> r.imageBuildVersionArn(arn).clientToken(UUID.randomUUID().toString()));
        while (!kiln.buildLog(arn).contains("cancelled by request") && System.nanoTime() - start < 30_000_000_000L) {
            Thread.sleep(100);
        }

        assertThat(await(api, arn, Duration.ofSeconds(5)).state().status()).isEqualTo(ImageStatus.CANCELLED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as(() -> "the build's log:\n" + kiln.buildLog(arn))
                .isLessThan(Duration.ofSeconds(15));
        Thread.sleep(1000);
        assertThat(exec(List.of("buildah", "--root", kiln.dataDir().resolve("cache/containers/storage").toString(),
                "containers", "--all", "--format", "{{.ContainerName}}"))).doesNotContain("kiln-");
    }
}
