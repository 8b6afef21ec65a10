package dev.kiln.cli;

import dev.kiln.server.KilnServer;
import dev.kiln.server.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.Ami;
import software.amazon.awssdk.services.imagebuilder.model.ComponentConfiguration;
import software.amazon.awssdk.services.imagebuilder.model.ComponentParameter;
import software.amazon.awssdk.services.imagebuilder.model.Image;
import software.amazon.awssdk.services.imagebuilder.model.ImageStatus;
import software.amazon.awssdk.services.imagebuilder.model.Platform;
import software.amazon.awssdk.services.imagebuilder.model.ResourceAlreadyExistsException;

/**
 * {@code kiln quickstart}: the whole of Kiln once, for real. Starts a server on loopback with the
 * embedded defaults, then, as any AWS SDK user would, creates a component, an image recipe on the
 * Debian base image, an infrastructure configuration and a pipeline, runs the pipeline, follows the
 * image to AVAILABLE, and says where the time went. {@code ./kiln quickstart} installs the Debian packages
 * Kiln needs first (the launcher's {@code setup}); a build that lacks one fails at once, naming it.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Start a server, create a component, recipe, infrastructure configuration and pipeline"
                + " through the API, run the pipeline, and show the new image.")
final class QuickstartCommand implements Callable<Integer> {
    static final String REGION = "us-east-1";
    private static final String VERSION = "1.0.0";

    @Option(names = "--instance-type", defaultValue = "t3.micro",
            description = "Build and test on this instance type: an EC2 type for a QEMU VM, or kiln.sandbox"
                    + " (default: ${DEFAULT-VALUE}).")
    String instanceType;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        Instant start = Instant.now();
        ServerConfig config = new ServerConfig("127.0.0.1", 0, data.dataDir.toAbsolutePath(), List.of(REGION),
                data.dbUrl, data.dbUser, data.password(), Clock.systemUTC(), 1, data.baseImages, null,
                data.registries(), data.s3());
        try (KilnServer server = KilnServer.start(config).closeOnShutdown(); ImagebuilderClient api = client(server)) {
            System.err.println("Kiln serves the Image Builder API at " + server.endpoint());
            String imageArn = startPipeline(api);
            Image image = follow(api, server, imageArn, start);
            if (image.state().status() != ImageStatus.AVAILABLE) {
                throw new UserError("the image ended " + image.state().statusAsString() + ": "
                        + image.state().reason() + "\n(log: " + log(imageArn) + ")", ExitCodes.FAILED);
            }
            Ami ami = image.outputResources().amis().get(0);
            System.out.println(ami.image());
            System.err.println("\nThe new image: " + ami.image() + " '" + ami.name() + "' in " + ami.region()
                    + "\n  image build version " + imageArn
                    + "\n  look inside:   ./kiln images launch " + ami.image()
                    + "\n  write it out:  ./kiln images export " + ami.image() + " --output image.qcow2"
                    + "\n  build log:     ./kiln images logs " + imageArn);
            return ExitCodes.OK;
        }
    }

    private ImagebuilderClient client(KilnServer server) throws IOException {
        Properties credentials = new Properties();
        Path file = server.credentialsFile();
        if (!Files.exists(file)) {
            throw new UserError(file + " is missing: create a key with ./kiln keys create and write it there");
        }
        try (InputStream in = Files.newInputStream(file)) {
            credentials.load(in);
        }
        return ImagebuilderClient.builder()
                .endpointOverride(URI.create(server.endpoint()))
                .region(Region.of(REGION))
                .httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        credentials.getProperty("aws_access_key_id"),
                        credentials.getProperty("aws_secret_access_key"))))
                .build();
    }

    /** Creates what the pipeline needs (or finds it from an earlier run) and starts it. */
    private String startPipeline(ImagebuilderClient api) throws IOException {
        String document;
        try (InputStream in = QuickstartCommand.class.getResourceAsStream("/quickstart/hello-kiln.yaml")) {
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String component = existingOr(() -> api.createComponent(r -> r.name("hello-kiln").semanticVersion(VERSION)
                .platform(Platform.LINUX).data(document).description("Writes /etc/kiln-hello; tests it"))
                .componentBuildVersionArn(), () -> api.listComponents(r -> r.owner("Self"))
                .componentVersionList().stream().filter(c -> c.name().equals("hello-kiln")).findFirst()
                .orElseThrow().arn() + "/1");
        say("component " + component);
        String recipe = existingOr(() -> api.createImageRecipe(r -> r.name("hello-kiln").semanticVersion(VERSION)
                .parentImage("arn:aws:imagebuilder:" + REGION + ":aws:image/debian-12-x86/x.x.x")
                .components(ComponentConfiguration.builder().componentArn(component)
                        .parameters(ComponentParameter.builder().name("Greeting").value("Hello from Kiln").build())
                        .build())).imageRecipeArn(),
                () -> api.listImageRecipes(r -> r.owner("Self")).imageRecipeSummaryList().stream()
                        .filter(r -> r.name().equals("hello-kiln")).findFirst().orElseThrow().arn());
        say("image recipe " + recipe);
        String infra = existingOr(() -> api.createInfrastructureConfiguration(r -> r
                        .name("hello-kiln-" + instanceType.replace('.', '-')).instanceProfileName("kiln")
                        .instanceTypes(instanceType).terminateInstanceOnFailure(true))
                        .infrastructureConfigurationArn(),
                () -> api.listInfrastructureConfigurations(r -> { }).infrastructureConfigurationSummaryList().stream()
                        .filter(i -> i.name().equals("hello-kiln-" + instanceType.replace('.', '-'))).findFirst().orElseThrow().arn());
        say("infrastructure configuration " + infra + " (" + instanceType + ")");
        String pipeline = existingOr(() -> api.createImagePipeline(r -> r.name("hello-kiln-" + instanceType.replace('.', '-'))
                        .imageRecipeArn(recipe).infrastructureConfigurationArn(infra)
                        .description("kiln quickstart")).imagePipelineArn(),
                () -> api.listImagePipelines(r -> { }).imagePipelineList().stream()
                        .filter(p -> p.name().equals("hello-kiln-" + instanceType.replace('.', '-'))).findFirst().orElseThrow().arn());
        say("image pipeline " + pipeline);
        String image = api.startImagePipelineExecution(r -> r.imagePipelineArn(pipeline)).imageBuildVersionArn();
        say("started " + image);
        return image;
    }

    private static String existingOr(java.util.function.Supplier<String> create, java.util.function.Supplier<String> find) {
        try {
            return create.get();
        } catch (ResourceAlreadyExistsException e) {
            return find.get();
        }
    }

    /** Prints the build log as it grows and each state change with its time; answers the final image. */
    private Image follow(ImagebuilderClient api, KilnServer server, String arn, Instant start)
            throws IOException, InterruptedException {
        Map<String, Duration> phases = new LinkedHashMap<>();
        String status = ImageStatus.PENDING.toString();
        Instant since = Instant.now();
        long offset = 0;
        Path log = log(arn);
        Image image;
        while (true) {
            image = api.getImage(r -> r.imageBuildVersionArn(arn)).image();
            offset = LogFiles.print(log, offset, System.err);
            String now = image.state().statusAsString();
            if (!now.equals(status)) {
                phases.merge(status, Duration.between(since, Instant.now()), Duration::plus);
                say(status + " → " + now);
                status = now;
                since = Instant.now();
            }
            if (dev.kiln.core.image.ImageStatus.valueOf(now).terminal()) {
                break;
            }
            Thread.sleep(500);
        }
        LogFiles.print(log, offset, System.err);
        List<String> parts = new ArrayList<>();
        phases.forEach((phase, d) -> parts.add(phase + " " + seconds(d)));
        System.err.println("\nWhere the time went (" + seconds(Duration.between(start, Instant.now()))
                + " in all): " + String.join(", ", parts)
                + baseImageNote(log));
        return image;
    }

    /**
     * What the build log says about the big items inside those states: making the base image (first
     * use), probing KVM (once per host boot) and booting each instance.
     */
    private static String baseImageNote(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        List<String> notes = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            java.util.regex.Matcher m;
            if ((m = java.util.regex.Pattern.compile("base image (\\S+): built in (\\d+) s").matcher(line)).find()) {
                notes.add("making the " + m.group(1) + " base image from the Debian mirror " + m.group(2) + " s");
            } else if ((m = java.util.regex.Pattern.compile("probe VM under KVM: no marker after (\\d+) ms")
                    .matcher(line)).find()) {
                notes.add("probing KVM (once per host boot) " + Long.parseLong(m.group(1)) / 1000 + " s");
            } else if ((m = java.util.regex.Pattern.compile("reachable over SSH after ([0-9.]+) s").matcher(line))
                    .find()) {
                notes.add("booting an instance " + m.group(1).replaceAll("(\\.\\d)\\d*", "$1") + " s");
            }
        }
        return notes.isEmpty() ? "" : "\n  of which: " + String.join(", ", notes);
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private Path log(String arn) {
        return dev.kiln.core.build.BuildFolders.log(data.dataDir.toAbsolutePath().resolve("builds"), arn);
    }

    private static void say(String text) {
        System.err.println("quickstart: " + text);
    }
}
