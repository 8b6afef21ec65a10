package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.Image;
import software.amazon.awssdk.services.imagebuilder.model.Platform;

/**
 * A Kiln server killed with SIGKILL in the middle of a VM build, then started again: the build
 * instance's QEMU (in a session of its own, so it outlives the server) is found and killed, its files
 * removed, and the image ends FAILED saying why. Runs the packaged {@code kiln.jar} as a real process.
 */
class ServerCrashIT {
    private static final Path BASE_IMAGES = Path.of(System.getenv().getOrDefault("KILN_TEST_CACHE",
            "/var/tmp/kiln-test-cache")).resolve("base-images");
    private static final String SLOW = """
            name: Slow
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - name: Sleeps
                    action: ExecuteBash
                    inputs:
                      commands: [sleep 600]
            """;

    @TempDir
    Path data;
    Process server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.destroyForcibly().waitFor();
        }
        // The killed server's registry (a session of its own) and the container storage's symbolic links,
        // which JUnit would warn about one by one.
        processesUnder(data.toString()).forEach(ProcessHandle::destroyForcibly);
        new ProcessBuilder("rm", "-rf", data.resolve("cache").toString(),
                dev.kiln.machines.Machines.containerRunFolder(data).toString()).inheritIO().start().waitFor();
    }

    private Process startServer(int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-jar", Path.of("target/kiln.jar").toAbsolutePath().toString(), "server",
                "--port", String.valueOf(port), "--data-dir", data.toString(), "--base-images", BASE_IMAGES.toString(),
                "--regions", "us-east-1,us-west-2,eu-west-1,ap-south-1")
                .redirectErrorStream(true)
                .redirectOutput(data.resolveSibling(data.getFileName() + "-server.log").toFile())
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private ImagebuilderClient client(int port) throws Exception {
        Path credentials = data.resolve("credentials");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(credentials) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(credentials)) {
            p.load(in);
        }
        ImagebuilderClient api = ImagebuilderClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1).httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        p.getProperty("aws_access_key_id"), p.getProperty("aws_secret_access_key"))))
                .build();
        while (System.nanoTime() < deadline) {
            try {
                api.listComponents(r -> { });
                return api;
            } catch (RuntimeException e) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the server did not answer in 60 s");
    }

    private List<ProcessHandle> qemus() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("qemu-system") && c.contains(data.toString()))
                        .orElse(false))
                .toList();
    }

    private String log(String arn) throws IOException {
        Path log = dev.kiln.core.build.BuildFolders.log(data.resolve("builds"), arn);
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    void aServerKilledMidBuildCleansUpAndFailsTheImageWhenItStartsAgain() throws Exception {
        int port = freePort();
        server = startServer(port);
        String arn;
        try (ImagebuilderClient api = client(port)) {
            String component = api.createComponent(r -> r.name("slow").semanticVersion("1.0.0")
                    .platform(Platform.LINUX).data(SLOW)).componentBuildVersionArn();
            String recipe = api.createImageRecipe(r -> r.name("crash").semanticVersion("1.0.0")
                    .parentImage("arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x")
                    .components(c -> c.componentArn(component))).imageRecipeArn();
            String infra = api.createInfrastructureConfiguration(r -> r.name("crash").instanceProfileName("kiln")
                    .instanceTypes("t3.micro")).infrastructureConfigurationArn();
            arn = api.createImage(r -> r.imageRecipeArn(recipe).infrastructureConfigurationArn(infra))
                    .imageBuildVersionArn();
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!log(arn).contains("build/Sleeps") && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertThat(log(arn)).contains("build/Sleeps");
        }
        assertThat(qemus()).hasSize(1);

        server.destroyForcibly().waitFor();
        assertThat(qemus()).as("QEMU runs in its own session and outlives the killed server").hasSize(1);

        server = startServer(port);
        try (ImagebuilderClient api = client(port)) {
            Image image = api.getImage(r -> r.imageBuildVersionArn(arn)).image();
            assertThat(image.state().statusAsString()).isEqualTo("FAILED");
            assertThat(image.state().reason()).contains("Kiln stopped while this image was BUILDING");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!qemus().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(qemus()).isEmpty();
        try (Stream<Path> files = Files.walk(data.resolve("builds"))) {
            assertThat(files.filter(p -> p.toString().contains("/instances/i-"))).isEmpty();
        }
    }

    private List<ProcessHandle> processesUnder(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }

    private String containers() throws Exception {
        Process p = new ProcessBuilder("buildah", "--root", data.resolve("cache/containers/storage").toString(),
                "containers", "--all", "--format", "{{.ContainerName}}").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void aServerKilledMidContainerBuildRemovesItsContainerAndRestartsItsRegistry() throws Exception {
        int port = freePort();
        server = startServer(port);
        String arn;
        try (ImagebuilderClient api = client(port)) {
            String component = api.createComponent(r -> r.name("slow").semanticVersion("1.0.0")
                    .platform(Platform.LINUX).data(SLOW)).componentBuildVersionArn();
            String recipe = api.createContainerRecipe(r -> r.name("crash").semanticVersion("1.0.0")
                    .containerType("DOCKER")
                    .parentImage("arn:aws:imagebuilder:us-east-1:aws:image/debian-12-container/x.x.x")
                    .dockerfileTemplateData("FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:components }}}\n")
                    .targetRepository(t -> t.service("ECR").repositoryName("crash"))
                    .components(c -> c.componentArn(component))).containerRecipeArn();
            String infra = api.createInfrastructureConfiguration(r -> r.name("crash").instanceProfileName("kiln"))
                    .infrastructureConfigurationArn();
            arn = api.createImage(r -> r.containerRecipeArn(recipe).infrastructureConfigurationArn(infra))
                    .imageBuildVersionArn();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!log(arn).contains("build/Sleeps") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(log(arn)).contains("build/Sleeps");
        }
        assertThat(containers()).contains("kiln-");
        String registry = data.resolve("regions/us-east-1/registry").toString();
        assertThat(processesUnder(registry)).as("the region's registry runs").hasSize(1);

        server.destroyForcibly().waitFor();

        server = startServer(port);
        try (ImagebuilderClient api = client(port)) {
            Image image = api.getImage(r -> r.imageBuildVersionArn(arn)).image();
            assertThat(image.state().statusAsString()).isEqualTo("FAILED");
            assertThat(image.state().reason()).contains("Kiln stopped while this image was BUILDING");
        }
        assertThat(containers()).doesNotContain("kiln-");
        assertThat(processesUnder(registry)).as("the old registry was stopped, a new one started").hasSize(1);
        assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain(data.resolve("cache").toString());
    }

    @Test
    void aServerKilledMidDistributionLeavesNoHalfCopyAndRetryImageFinishes() throws Exception {
        int port = freePort();
        server = startServer(port);
        String arn;
        try (ImagebuilderClient api = client(port)) {
            String component = api.createComponent(r -> r.name("quick").semanticVersion("1.0.0")
                    .platform(Platform.LINUX).data(SLOW.replace("sleep 600", "true"))).componentBuildVersionArn();
            String recipe = api.createImageRecipe(r -> r.name("spread").semanticVersion("1.0.0")
                    .parentImage("arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x")
                    .components(c -> c.componentArn(component))).imageRecipeArn();
            String infra = api.createInfrastructureConfiguration(r -> r.name("sandbox").instanceProfileName("kiln")
                    .instanceTypes("kiln.sandbox")).infrastructureConfigurationArn();
            String distribution = api.createDistributionConfiguration(r -> r.name("spread").distributions(
                    d -> d.region("us-east-1").amiDistributionConfiguration(a -> a.name("spread")),
                    d -> d.region("us-west-2").amiDistributionConfiguration(a -> a.name("spread")),
                    d -> d.region("eu-west-1").amiDistributionConfiguration(a -> a.name("spread")),
                    d -> d.region("ap-south-1").amiDistributionConfiguration(a -> a.name("spread"))))
                    .distributionConfigurationArn();
            arn = api.createImage(r -> r.imageRecipeArn(recipe).infrastructureConfigurationArn(infra)
                    .distributionConfigurationArn(distribution).imageTestsConfiguration(t -> t.imageTestsEnabled(false)))
                    .imageBuildVersionArn();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!log(arn).contains("in us-west-2 for account") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(log(arn)).contains("in us-west-2 for account");
        }

        server.destroyForcibly().waitFor();

        server = startServer(port);
        try (ImagebuilderClient api = client(port)) {
            Image image = api.getImage(r -> r.imageBuildVersionArn(arn)).image();
            assertThat(image.state().statusAsString()).isEqualTo("FAILED");
            assertThat(image.state().reason()).contains("Kiln stopped while this image was DISTRIBUTING");
            assertThat(image.outputResources().amis()).isNotEmpty();
            try (Stream<Path> files = Files.walk(data.resolve("regions"))) {
                assertThat(files.map(Path::toString).filter(f -> f.contains("/images/") && !f.endsWith("/images")
                        && !f.matches(".*/ami-[0-9a-f]{17}\\.(qcow2|json|kernel|initrd)"))).as("no half copy").isEmpty();
            }

            api.retryImage(r -> r.imageBuildVersionArn(arn).clientToken(java.util.UUID.randomUUID().toString()));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            do {
                Thread.sleep(300);
                image = api.getImage(r -> r.imageBuildVersionArn(arn)).image();
            } while (!image.state().statusAsString().equals("AVAILABLE") && System.nanoTime() < deadline);
            assertThat(image.state().statusAsString()).as(image.state().reason()).isEqualTo("AVAILABLE");
            assertThat(image.outputResources().amis()).extracting(a -> a.region())
                    .containsExactly("us-east-1", "us-west-2", "eu-west-1", "ap-south-1");
        }
    }
}
