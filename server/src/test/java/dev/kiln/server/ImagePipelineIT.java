package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.machines.Machines;
import dev.kiln.machines.base.BaseImage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.ComponentConfiguration;
import software.amazon.awssdk.services.imagebuilder.model.ComponentParameter;
import software.amazon.awssdk.services.imagebuilder.model.Image;
import software.amazon.awssdk.services.imagebuilder.model.ImageStatus;
import software.amazon.awssdk.services.imagebuilder.model.Platform;

/**
 * Image pipelines that build for real, driven through the AWS SDK: QEMU VMs under TCG and namespace
 * sandboxes, from the Kiln-managed Debian base image (built from the mirror on first use and shared by
 * the tests in /var/tmp/kiln-test-cache). Each test checks the image's end state and that nothing is
 * left behind: no QEMU process, no instance folder, no mount.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImagePipelineIT {
    static final Path BASE_IMAGES = Path.of(System.getenv().getOrDefault("KILN_TEST_CACHE", "/var/tmp/kiln-test-cache"))
            .resolve("base-images");
    private static final String REGION = KilnTestServer.EAST;
    private static final String WRITER = """
            name: Writer
            schemaVersion: 1.0
            parameters:
              - Text:
                  type: string
            phases:
              - name: build
                steps:
                  - name: Write
                    action: ExecuteBash
                    inputs:
                      commands:
                        - echo '{{ Text }}' > /etc/kiln-it
                        - echo wrote /etc/kiln-it
                  - name: RebootOnce
                    action: ExecuteBash
                    inputs:
                      commands:
                        - |
                          if [ ! -f /var/lib/kiln-boot-before ]; then
                            cat /proc/sys/kernel/random/boot_id > /var/lib/kiln-boot-before
                            exit 194
                          fi
                          echo "boot before $(cat /var/lib/kiln-boot-before), now $(cat /proc/sys/kernel/random/boot_id)"
              - name: validate
                steps:
                  - name: Check
                    action: ExecuteBash
                    inputs:
                      commands:
                        - grep -q . /etc/kiln-it
              - name: test
                steps:
                  - name: StillThere
                    action: ExecuteBash
                    inputs:
                      commands:
                        - test "$(cat /etc/kiln-it)" = '{{ Text }}'
            """;
    private static final String FAILING = """
            name: Failing
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - name: Fine
                    action: ExecuteBash
                    inputs:
                      commands: [echo fine]
                  - name: Breaks
                    action: ExecuteBash
                    inputs:
                      commands:
                        - echo 'about to fail' >&2
                        - exit 7
            """;
    private static final String SLOW = """
            name: Slow
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - name: Sleeps
                    action: ExecuteBash
                    timeoutSeconds: 3
                    inputs:
                      commands: [sleep 600]
            """;

    @RegisterExtension
    static final KilnServerExtension kiln = KilnServerExtension.inRegions(REGION)
            .configured(c -> c.withBuilds(2).withBaseImagesFolder(BASE_IMAGES));

    ImagebuilderClient api;

    @BeforeAll
    void start() {
        api = kiln.closedAfterAll(ImagebuilderClient.builder()
                .endpointOverride(URI.create(kiln.server().endpoint()))
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        KilnTestServer.defaultProfile(kiln.server().credentialsFile())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
                .build());
    }

    private String component(String document) {
        return api.createComponent(r -> r.name("c-" + UUID.randomUUID().toString().substring(0, 8))
                .semanticVersion("1.0.0").platform(Platform.LINUX).data(document)).componentBuildVersionArn();
    }

    /** Starts a pipeline of one component on an instance type and answers the image build version. */
    private String run(String componentArn, String instanceType, boolean tests, String text) {
        String name = "p-" + UUID.randomUUID().toString().substring(0, 8);
        ComponentConfiguration.Builder c = ComponentConfiguration.builder().componentArn(componentArn);
        if (text != null) {
            c.parameters(ComponentParameter.builder().name("Text").value(text).build());
        }
        String recipe = api.createImageRecipe(r -> r.name(name).semanticVersion("1.0.0")
                .parentImage("arn:aws:imagebuilder:" + REGION + ":aws:image/debian-12-x86/x.x.x")
                .components(c.build())).imageRecipeArn();
        String infra = api.createInfrastructureConfiguration(r -> r.name(name).instanceProfileName("kiln")
                .instanceTypes(instanceType)).infrastructureConfigurationArn();
        String pipeline = api.createImagePipeline(r -> r.name(name).imageRecipeArn(recipe)
                .infrastructureConfigurationArn(infra)
                .imageTestsConfiguration(t -> t.imageTestsEnabled(tests))).imagePipelineArn();
        return api.startImagePipelineExecution(r -> r.imagePipelineArn(pipeline)).imageBuildVersionArn();
    }

    private Image await(String arn, Duration timeout, ImageStatus... until) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ImageStatus> wanted = List.of(until);
        Image image;
        do {
            image = api.getImage(r -> r.imageBuildVersionArn(arn)).image();
            if (wanted.contains(image.state().status())) {
                return image;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the image " + arn + " is still " + image.state().statusAsString() + " after "
                + timeout + "; its log:\n" + kiln.buildLog(arn));
    }

    /** No QEMU process, instance folder or mount of this server's data folder is left. */
    private void assertNothingLeftBehind() throws IOException {
        List<String> qemus = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine()
                        .map(c -> c.contains("qemu") && c.contains(kiln.dataDir().toString()))
                        .orElse(false))
                .map(p -> p.info().commandLine().orElse(""))
                .toList();
        assertThat(qemus).isEmpty();
        List<Path> instances = new ArrayList<>();
        if (Files.exists(kiln.dataDir().resolve("builds"))) {
            try (Stream<Path> s = Files.walk(kiln.dataDir().resolve("builds"))) {
                s.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("instances"))
                        .forEach(instances::add);
            }
        }
        assertThat(instances).isEmpty();
        assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain(kiln.dataDir().toString());
    }

    /** The file a component wrote, read out of the registered image's disk without booting it. */
    private String fileInImage(String imageId, String path) throws Exception {
        Path disk = kiln.dataDir().resolve("regions").resolve(REGION).resolve("images").resolve(imageId + ".qcow2");
        Path raw = kiln.dataDir().resolve(imageId + ".raw");
        try {
            exec(List.of("qemu-img", "convert", "-O", "raw", disk.toString(), raw.toString()));
            return exec(List.of("debugfs", "-R", "cat " + path, raw.toString()));
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    private static String exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
        return out;
    }

    @Test
    void aVmPipelineBuildsTestsOnAFreshInstanceAndRegistersTheImage() throws Exception {
        String arn = run(component(WRITER), "t3.micro", true, "made in a VM");

        Image image = await(arn, Duration.ofMinutes(20), ImageStatus.AVAILABLE, ImageStatus.FAILED);

        assertThat(image.state().status()).as(kiln.buildLog(arn)).isEqualTo(ImageStatus.AVAILABLE);
        String imageId = image.outputResources().amis().get(0).image();
        assertThat(imageId).matches("ami-[0-9a-f]{17}");
        assertThat(image.outputResources().amis().get(0).region()).isEqualTo(REGION);
        assertThat(fileInImage(imageId, "/etc/kiln-it")).isEqualTo("made in a VM\n");
        assertThat(kiln.buildLog(arn)).contains("[console]", "wrote /etc/kiln-it", "launching test instance",
                "test/StillThere success");
        // Exit code 194 rebooted the VM for real, and the step ran again after it.
        java.util.regex.Matcher boots = java.util.regex.Pattern.compile("boot before (\\S+), now (\\S+)")
                .matcher(kiln.buildLog(arn));
        assertThat(boots.find()).as(kiln.buildLog(arn)).isTrue();
        assertThat(boots.group(1)).isNotEqualTo(boots.group(2));
        assertNothingLeftBehind();
    }

    @Test
    void aSandboxPipelineBuildsTheSameRecipe() throws Exception {
        String arn = run(component(WRITER), "kiln.sandbox", true, "made in a sandbox");

        Image image = await(arn, Duration.ofMinutes(10), ImageStatus.AVAILABLE, ImageStatus.FAILED);

        assertThat(image.state().status()).as(kiln.buildLog(arn)).isEqualTo(ImageStatus.AVAILABLE);
        assertThat(fileInImage(image.outputResources().amis().get(0).image(), "/etc/kiln-it"))
                .isEqualTo("made in a sandbox\n");
        assertNothingLeftBehind();
    }

    @Test
    void aFailingStepFailsTheImageNamingComponentStepAndOutput() throws Exception {
        String arn = run(component(FAILING), "t3.micro", true, null);

        Image image = await(arn, Duration.ofMinutes(10), ImageStatus.FAILED, ImageStatus.AVAILABLE);

        assertThat(image.state().status()).isEqualTo(ImageStatus.FAILED);
        assertThat(image.state().reason()).contains("phase build, step Breaks failed", "about to fail");
        assertNothingLeftBehind();
    }

    @Test
    void aStepThatOverrunsItsTimeoutFailsTheImage() throws Exception {
        String arn = run(component(SLOW), "kiln.sandbox", false, null);

        Image image = await(arn, Duration.ofMinutes(5), ImageStatus.FAILED, ImageStatus.AVAILABLE);

        assertThat(image.state().reason()).contains("step Sleeps failed").containsIgnoringCase("timed out");
        assertNothingLeftBehind();
    }

    @Test
    void anInstanceThatNeverBecomesReachableFailsTheImageWithItsConsole(@TempDir Path otherData) throws Exception {
        // An image that boots but never starts sshd (systemd masks it, as the kernel command line asks).
        Machines machines = Machines.in(otherData, java.time.Clock.systemUTC(), BASE_IMAGES);
        BaseImage base = machines.baseImages().ensure("debian-12", BuildLog.discarding(java.time.Clock.systemUTC()));
        Path copy = otherData.resolve("broken.qcow2");
        Files.createDirectories(otherData);
        Files.copy(base.disk(), copy);
        try (KilnServer broken = KilnServer.start(ServerConfig.local(otherData, 0, List.of(REGION)).withBuilds(1)
                .withBaseImagesFolder(BASE_IMAGES).withInstanceReadyTimeout(Duration.ofSeconds(40)));
             ImagebuilderClient other = ImagebuilderClient.builder().endpointOverride(URI.create(broken.endpoint()))
                     .region(Region.of(REGION)).httpClientBuilder(ApacheHttpClient.builder())
                     .credentialsProvider(StaticCredentialsProvider.create(
                             KilnTestServer.defaultProfile(broken.credentialsFile()))).build()) {
            MachineImage image = machines.images().register(MachineImage.builder().setRegion(REGION)
                    .setName("broken").setDescription("no sshd").setOwnerId(broken.firstStart().account().id())
                    .setRootVolumeSizeGiB(base.sizeGiB())
                    .setBoot(new Boot(Boot.Mode.KERNEL, base.kernel(), base.initrd(), base.kernelArgs()
                            + " systemd.mask=ssh.service systemd.mask=ssh.socket")).build(), copy);
            String component = other.createComponent(r -> r.name("broken-c").semanticVersion("1.0.0").platform(Platform.LINUX)
                    .data(FAILING)).componentBuildVersionArn();
            String recipe = other.createImageRecipe(r -> r.name("on-broken").semanticVersion("1.0.0")
                    .parentImage(image.imageId()).components(c -> c.componentArn(component))).imageRecipeArn();
            String infra = other.createInfrastructureConfiguration(r -> r.name("broken-infra").instanceProfileName("kiln")
                    .instanceTypes("t3.micro")).infrastructureConfigurationArn();
            String arn = other.createImage(r -> r.imageRecipeArn(recipe).infrastructureConfigurationArn(infra))
                    .imageBuildVersionArn();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            Image result;
            do {
                Thread.sleep(500);
                result = other.getImage(r -> r.imageBuildVersionArn(arn)).image();
            } while (result.state().status() != ImageStatus.FAILED && System.nanoTime() < deadline);

            assertThat(result.state().status()).isEqualTo(ImageStatus.FAILED);
            assertThat(result.state().reason()).contains("did not become reachable", "the console's last lines");
            assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                    .map(c -> c.contains("qemu") && c.contains(otherData.toString())).orElse(false))).isEmpty();
        }
    }

    @Test
    void cancellingABuildStopsItWithinSecondsAndCleansUp() throws Exception {
        String arn = run(component(SLOW.replace("timeoutSeconds: 3", "timeoutSeconds: 900")), "t3.micro", false, null);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!kiln.buildLog(arn).contains("build/Sleeps") && System.nanoTime() < deadline
                && api.getImage(r -> r.imageBuildVersionArn(arn)).image().state().status() != ImageStatus.FAILED) {
            Thread.sleep(500);
        }
        assertThat(kiln.buildLog(arn)).contains("build/Sleeps");

        long start = System.nanoTime();
        api.cancelImageCreation(r -> r.imageBuildVersionArn(arn).clientToken(UUID.randomUUID().toString()));
        while (!kiln.buildLog(arn).contains("cancelled by request") && System.nanoTime() - start < 30_000_000_000L) {
            Thread.sleep(200);
        }
        await(arn, Duration.ofSeconds(5), ImageStatus.CANCELLED);
        long cleanUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < cleanUp && kiln.buildLog(arn).contains("terminating") == false) {
            Thread.sleep(200);
        }
        Thread.sleep(2000);
        assertNothingLeftBehind();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(40));
    }
}
