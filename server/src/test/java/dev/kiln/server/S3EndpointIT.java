package dev.kiln.server;

import static dev.kiln.server.KilnTestServer.buildLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.build.BuildFolders;
import dev.kiln.common.s3.Credentials;
import dev.kiln.common.s3.S3Client;
import dev.kiln.common.s3.S3Config;
import dev.kiln.common.s3.S3Location;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.ContainerType;
import software.amazon.awssdk.services.imagebuilder.model.Image;
import software.amazon.awssdk.services.imagebuilder.model.ImageStatus;
import software.amazon.awssdk.services.imagebuilder.model.InvalidParameterValueException;
import software.amazon.awssdk.services.imagebuilder.model.Platform;

/**
 * Kiln with an S3-compatible endpoint (S3Proxy in this JVM, in-memory, checking SigV4 itself), through
 * the AWS SDK: {@code logging.s3Logs} uploads, read back from the bucket with the AWS CLI as a user
 * would; components and Dockerfile templates given by S3 URL; components' S3Download. Container
 * builds, because they take a second; the upload is the same for machine images.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3EndpointIT {
    private static final String REGION = KilnTestServer.EAST;
    private static final String BASE = "arn:aws:imagebuilder:" + REGION + ":aws:image/debian-12-container/x.x.x";
    private static final String TEMPLATE = """
            FROM {{{ imagebuilder:parentImage }}}
            {{{ imagebuilder:components }}}
            """;
    private static final String ACCESS_KEY_ID = "kiln-s3-it";
    private static final String SECRET_ACCESS_KEY = "kiln-s3-it-" + UUID.randomUUID();
    private static final String BUCKET = "build-logs";
    /** Fetches an object of the same bucket with S3Download, then prints it, so it shows in the logs. */
    private static final String FETCHER = """
            name: Fetcher
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - name: Fetch
                    action: S3Download
                    inputs:
                      - source: s3://build-logs/inputs/motd
                        destination: /etc/motd-from-s3
                  - name: Show
                    action: ExecuteBash
                    inputs:
                      commands: [cat /etc/motd-from-s3]
              - name: test
                steps:
                  - name: StillThere
                    action: ExecuteBash
                    inputs:
                      commands: [grep -q 'fetched through Kiln' /etc/motd-from-s3]
            """;
    @TempDir
    static Path dataDir;
    private S3Proxy s3Proxy;
    private String endpoint;
    private KilnServer server;
    private ImagebuilderClient api;

    @BeforeAll
    void start() throws Exception {
        Properties memory = new Properties();
        memory.setProperty("jclouds.provider", "transient");
        BlobStoreContext blobs = ContextBuilder.newBuilder("transient").overrides(memory)
                .build(BlobStoreContext.class);
        s3Proxy = S3Proxy.builder().blobStore(blobs.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        s3Proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!s3Proxy.getState().equals("STARTED") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        endpoint = "http://127.0.0.1:" + s3Proxy.getPort();
        S3Config s3 = S3Config.of(endpoint, new Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, null), null);
        S3Client client = new S3Client(s3, () -> null);
        client.createBucket(BUCKET);
        client.put(new S3Location(BUCKET, "inputs/motd"), "fetched through Kiln\n".getBytes(StandardCharsets.UTF_8),
                null);
        server = KilnServer.start(ServerConfig.local(dataDir, 0, List.of(REGION)).withBuilds(1)
                .withBaseImagesFolder(ImagePipelineIT.BASE_IMAGES).withS3(s3));
        api = KilnTestServer.imageBuilder(server, REGION);
    }

    @AfterAll
    void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        if (server != null) {
            server.close();
        }
        if (s3Proxy != null) {
            s3Proxy.stop();
        }
        // JUnit would warn about each symbolic link of the Debian layers in buildah's storage.
        new ProcessBuilder("rm", "-rf", dataDir.resolve("cache").toString()).inheritIO().start().waitFor();
    }

    @Test
    void anAvailableImagesLogsAreInTheBucketWhenItSaysAvailable() throws Exception {
        String arn = build(FETCHER, BUCKET, "kiln/logs/");

        Image image = await(arn);

        assertThat(image.state().status()).as(buildLog(dataDir, arn)).isEqualTo(ImageStatus.AVAILABLE);
        String prefix = "kiln/logs/" + name(arn) + "/1.0.0/1/";
        List<String> keys = keys(prefix);
        assertThat(keys).contains(prefix + "build.log");
        assertThat(keys).anyMatch(k -> k.matches(java.util.regex.Pattern.quote(prefix)
                + "components-build/TOE_[^/]+/console\\.log"));
        assertThat(keys).anyMatch(k -> k.startsWith(prefix + "components-test/TOE_") && k.endsWith("/detailedoutput.json"));
        assertThat(keys).noneMatch(k -> k.contains("/state-"));
        String buildLog = object(prefix + "build.log");
        assertThat(buildLog).contains("fetched through Kiln", "AVAILABLE: ",
                "uploading the build's logs (" + keys.size() + " file(s)) to s3://" + BUCKET + "/" + prefix);
        assertThat(buildLog).isEqualTo(buildLog(dataDir, arn).substring(0, buildLog.length()));
    }

    @Test
    void aFailedImagesLogsAreInTheBucketWithTheFailure() throws Exception {
        String arn = build(ContainerPipelineIT.FAILING, BUCKET, null);

        Image image = await(arn);

        assertThat(image.state().status()).isEqualTo(ImageStatus.FAILED);
        String buildLog = object(name(arn) + "/1.0.0/1/build.log");
        assertThat(buildLog).contains("about to fail", "FAILED: ", "Breaks");
    }

    @Test
    void aBucketThatDoesNotExistLeavesTheImageAvailableAndIsSaidInItsLog() throws Exception {
        String arn = build(FETCHER, "never-made", null);

        Image image = await(arn);

        assertThat(image.state().status()).as(buildLog(dataDir, arn)).isEqualTo(ImageStatus.AVAILABLE);
        assertThat(buildLog(dataDir, arn)).contains("could not upload the build's logs to s3://never-made/",
                "NoSuchBucket",
                "they stay in " + BuildFolders.of(dataDir.resolve("builds"), arn));
    }

    @Test
    void aComponentAndATemplateGivenByS3UrlAreReadOnceAtCreationAndBuild() throws Exception {
        String name = "s3-docs-" + UUID.randomUUID().toString().substring(0, 8);
        String template = TEMPLATE + "LABEL org.example.from=s3\n";
        s3Client().put(new S3Location(BUCKET, "documents/" + name + ".yaml"), FETCHER.getBytes(StandardCharsets.UTF_8),
                null);
        s3Client().put(new S3Location(BUCKET, "documents/" + name + ".Dockerfile"),
                template.getBytes(StandardCharsets.UTF_8), null);

        String component = api.createComponent(r -> r.name(name).semanticVersion("1.0.0").platform(Platform.LINUX)
                .uri("s3://" + BUCKET + "/documents/" + name + ".yaml")).componentBuildVersionArn();
        String recipe = api.createContainerRecipe(r -> r.name(name).semanticVersion("1.0.0")
                .containerType(ContainerType.DOCKER).parentImage(BASE)
                .dockerfileTemplateUri("s3://" + BUCKET + "/documents/" + name + ".Dockerfile")
                .targetRepository(t -> t.service("ECR").repositoryName("docs/" + name))
                .components(c -> c.componentArn(component))).containerRecipeArn();
        // Kept as read: what the objects hold later changes nothing.
        s3Client().put(new S3Location(BUCKET, "documents/" + name + ".yaml"), "not yaml: [".getBytes(StandardCharsets.UTF_8),
                null);

        assertThat(api.getComponent(r -> r.componentBuildVersionArn(component)).component().data()).isEqualTo(FETCHER);
        assertThat(api.getContainerRecipe(r -> r.containerRecipeArn(recipe)).containerRecipe().dockerfileTemplateData())
                .isEqualTo(template);
        String infra = api.createInfrastructureConfiguration(r -> r.name(name).instanceProfileName("kiln"))
                .infrastructureConfigurationArn();
        String arn = api.createImage(r -> r.containerRecipeArn(recipe).infrastructureConfigurationArn(infra))
                .imageBuildVersionArn();
        assertThat(await(arn).state().status()).as(buildLog(dataDir, arn)).isEqualTo(ImageStatus.AVAILABLE);
        assertThat(buildLog(dataDir, arn)).contains("fetched through Kiln", "LABEL org.example.from=s3");
    }

    @Test
    void anS3UrlThatCannotBeUsedIsRefusedNamingTheMemberAndTheUrl() throws Exception {
        String url = "s3://" + BUCKET + "/documents/missing.yaml";
        assertThatThrownBy(() -> api.createComponent(r -> r.name("missing").semanticVersion("1.0.0")
                .platform(Platform.LINUX).uri(url)))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("uri: " + url + " cannot be read: NoSuchKey");
        s3Client().put(new S3Location(BUCKET, "documents/bad.Dockerfile"),
                "FROM {{{ imagebuilder:parent }}}\n".getBytes(StandardCharsets.UTF_8), null);
        assertThatThrownBy(() -> api.createContainerRecipe(r -> r.name("bad-template").semanticVersion("1.0.0")
                .containerType(ContainerType.DOCKER).parentImage(BASE)
                .dockerfileTemplateUri("s3://" + BUCKET + "/documents/bad.Dockerfile")
                .targetRepository(t -> t.service("ECR").repositoryName("bad"))))
                .hasMessageContaining("dockerfileTemplateUri s3://" + BUCKET + "/documents/bad.Dockerfile")
                .hasMessageContaining("did you mean imagebuilder:parentImage");
    }

    private S3Client s3Client() throws Exception {
        return new S3Client(S3Config.of(endpoint, new Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, null), null),
                () -> null);
    }

    /** Starts a container pipeline whose infrastructure configuration sends logs to a bucket. */
    private String build(String document, String bucket, String prefix) {
        return ContainerPipelineIT.startPipeline(api, document, BASE, TEMPLATE, "logs/" + UUID.randomUUID(), true,
                r -> r.logging(l -> l.s3Logs(s -> s.s3BucketName(bucket).s3KeyPrefix(prefix))));
    }

    private Image await(String arn) throws InterruptedException {
        return KilnTestServer.awaitEnd(api, arn, Duration.ofMinutes(10), () -> buildLog(dataDir, arn));
    }

    private static String name(String arn) {
        return Arn.parse(arn).orElseThrow().name();
    }

    /** The bucket's keys under a prefix, listed by the AWS CLI. */
    private List<String> keys(String prefix) {
        JsonNode listing = s3("s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", prefix).ok();
        List<String> keys = new ArrayList<>();
        listing.path("Contents").forEach(o -> keys.add(o.path("Key").asText()));
        return keys;
    }

    /** An object's text, fetched by the AWS CLI. */
    private String object(String key) {
        ExternalClients.Result r = s3("s3", "cp", "s3://" + BUCKET + "/" + key, "-");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.stdout();
    }

    private ExternalClients.Result s3(String... args) {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", endpoint, "--output", "json"));
        Map<String, String> env = ExternalClients.cliEnvironment(REGION);
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        // Newer CLIs ask for checksums S3Proxy does not implement, unless told they are needed only where required.
        env.put("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required");
        env.put("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required");
        return ExternalClients.run(command, env, 120);
    }
}
