package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.machine.MachineImage;
import dev.kiln.machines.Machines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.AmiDistributionConfiguration;
import software.amazon.awssdk.services.imagebuilder.model.Distribution;
import software.amazon.awssdk.services.imagebuilder.model.Image;
import software.amazon.awssdk.services.imagebuilder.model.ImageStatus;
import software.amazon.awssdk.services.imagebuilder.model.Platform;

/**
 * Distribution for real, through the AWS SDK: a sandbox build distributed to two regions and to
 * other accounts, with launch permissions, each copy a checksum-verified disk in that region's image
 * store; a region that cannot take its copy fails the image naming it, and RetryImage distributes
 * the rest without building again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributionIT {
    private static final String EAST = "us-east-1";
    private static final String WEST = "us-west-2";
    private static final String EU = "eu-west-1";
    private static final String SHARED_WITH = "222222222222";
    private static final String TARGET = "333333333333";
    private static final String WRITER = """
            name: Writer
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - name: Write
                    action: ExecuteBash
                    inputs:
                      commands: [echo distributed > /etc/kiln-dist]
            """;

    @RegisterExtension
    static final KilnServerExtension kiln = KilnServerExtension.inRegions(EAST, WEST, EU)
            .configured(c -> c.withBuilds(1).withBaseImagesFolder(ImagePipelineIT.BASE_IMAGES));

    ImagebuilderClient api;
    String component;
    String infrastructure;
    String owner;

    @BeforeAll
    void start() throws IOException {
        api = kiln.imageBuilder(EAST);
        owner = kiln.server().firstStart().account().id();
        component = api.createComponent(r -> r.name("writer").semanticVersion("1.0.0").platform(Platform.LINUX)
                .data(WRITER)).componentBuildVersionArn();
        infrastructure = api.createInfrastructureConfiguration(r -> r.name("sandbox").instanceProfileName("kiln")
                .instanceTypes("kiln.sandbox")).infrastructureConfigurationArn();
    }

    private String build(Distribution... distributions) {
        String name = "d-" + UUID.randomUUID().toString().substring(0, 8);
        String recipe = api.createImageRecipe(r -> r.name(name).semanticVersion("1.0.0")
                .parentImage("arn:aws:imagebuilder:" + EAST + ":aws:image/debian-12-x86/x.x.x")
                .components(c -> c.componentArn(component))).imageRecipeArn();
        String distribution = api.createDistributionConfiguration(r -> r.name(name).distributions(distributions))
                .distributionConfigurationArn();
        return api.createImage(r -> r.imageRecipeArn(recipe).infrastructureConfigurationArn(infrastructure)
                .distributionConfigurationArn(distribution).imageTestsConfiguration(t -> t.imageTestsEnabled(false)))
                .imageBuildVersionArn();
    }

    private Image await(String arn) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        Image image;
        do {
            Thread.sleep(300);
            image = api.getImage(r -> r.imageBuildVersionArn(arn)).image();
        } while (image.state().status() != ImageStatus.AVAILABLE && image.state().status() != ImageStatus.FAILED
                && System.nanoTime() < deadline);
        return image;
    }

    private MachineImage stored(String region, String imageId) {
        return Machines.in(kiln.dataDir(), Clock.systemUTC(), ImagePipelineIT.BASE_IMAGES).images()
                .find(region, imageId)
                .orElseThrow(() -> new AssertionError(imageId + " is not in " + region));
    }

    @Test
    void anImageReachesEveryRegionAndAccountWithItsLaunchPermissions() throws Exception {
        String arn = build(
                Distribution.builder().region(EAST).amiDistributionConfiguration(AmiDistributionConfiguration.builder()
                        .name("web-{{ imagebuilder:buildDate }}").launchPermission(p -> p.userIds(SHARED_WITH))
                        .build()).build(),
                Distribution.builder().region(WEST).amiDistributionConfiguration(AmiDistributionConfiguration.builder()
                        .name("web-west").targetAccountIds(TARGET).launchPermission(p -> p.userGroups("all"))
                        .amiTags(java.util.Map.of("team", "kiln")).build()).build());

        Image image = await(arn);

        assertThat(image.state().status()).as(image.state().reason()).isEqualTo(ImageStatus.AVAILABLE);
        assertThat(image.outputResources().amis()).extracting(a -> a.region() + "/" + a.accountId())
                .containsExactly(EAST + "/" + owner, WEST + "/" + owner, WEST + "/" + TARGET);
        MachineImage east = stored(EAST, image.outputResources().amis().get(0).image());
        assertThat(east.name()).matches("web-[0-9]{14}");
        assertThat(east.launchableBy(SHARED_WITH)).isTrue();
        assertThat(east.launchableBy(TARGET)).isFalse();
        MachineImage west = stored(WEST, image.outputResources().amis().get(1).image());
        assertThat(west.publicLaunch()).isTrue();
        assertThat(west.tags()).containsEntry("team", "kiln");
        assertThat(west.diskSha256()).isEqualTo(east.diskSha256());
        assertThat(west.disk()).isNotEqualTo(east.disk()).exists();
        MachineImage targetCopy = stored(WEST, image.outputResources().amis().get(2).image());
        assertThat(targetCopy.ownerId()).isEqualTo(TARGET);
    }

    @Test
    void aRegionThatCannotTakeItsCopyIsNamedAndRetryImageFinishesWithoutRebuilding() throws Exception {
        // eu-west-1's image folder is a file: its copy cannot be written.
        Path blocker = kiln.dataDir().resolve("regions").resolve(EU).resolve("images");
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "not a folder");
        String arn = build(
                Distribution.builder().region(EAST).amiDistributionConfiguration(a -> a.name("web")).build(),
                Distribution.builder().region(EU).amiDistributionConfiguration(a -> a.name("web-eu")).build());

        Image failed = await(arn);

        assertThat(failed.state().status()).isEqualTo(ImageStatus.FAILED);
        assertThat(failed.state().reason()).contains("distribution failed in " + EU, "RetryImage");
        assertThat(failed.outputResources().amis()).hasSize(1);

        Files.delete(blocker);
        api.retryImage(r -> r.imageBuildVersionArn(arn).clientToken(UUID.randomUUID().toString()));
        Image retried = await(arn);

        assertThat(retried.state().status()).as(retried.state().reason()).isEqualTo(ImageStatus.AVAILABLE);
        assertThat(retried.outputResources().amis()).extracting(a -> a.region()).containsExactly(EAST, EU);
        assertThat(retried.outputResources().amis().get(0).image())
                .isEqualTo(failed.outputResources().amis().get(0).image());
        String log = kiln.buildLog(arn);
        assertThat(log).contains("distributing " + failed.outputResources().amis().get(0).image() + " again");
        assertThat(log.split("build/Write \\(ExecuteBash\\)", -1)).as("the component ran once").hasSize(2);
    }

    @Test
    void distributeImageSpreadsABuiltImageWithoutBuildingAgain() throws Exception {
        String arn = build(Distribution.builder().region(EAST).amiDistributionConfiguration(a -> a.name("once"))
                .build());
        Image built = await(arn);
        assertThat(built.state().status()).as(built.state().reason()).isEqualTo(ImageStatus.AVAILABLE);
        String west = api.createDistributionConfiguration(r -> r.name("later").distributions(
                Distribution.builder().region(WEST).amiDistributionConfiguration(a -> a.name("later")).build()))
                .distributionConfigurationArn();

        String again = api.distributeImage(r -> r.sourceImage(built.outputResources().amis().get(0).image())
                .distributionConfigurationArn(west).executionRole("kiln").clientToken(UUID.randomUUID().toString()))
                .imageBuildVersionArn();
        Image distributed = await(again);

        assertThat(distributed.state().status()).as(distributed.state().reason()).isEqualTo(ImageStatus.AVAILABLE);
        assertThat(distributed.outputResources().amis()).extracting(a -> a.region()).containsExactly(EAST, WEST);
        MachineImage copy = stored(WEST, distributed.outputResources().amis().get(1).image());
        assertThat(copy.name()).isEqualTo("later");
        assertThat(copy.diskSha256()).isEqualTo(stored(EAST, built.outputResources().amis().get(0).image())
                .diskSha256());
        String log = kiln.buildLog(again);
        assertThat(log).doesNotContain("build/Write");
    }
}
