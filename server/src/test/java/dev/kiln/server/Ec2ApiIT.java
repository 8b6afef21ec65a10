package dev.kiln.server;

import static dev.kiln.server.KilnTestServer.EAST;
import static dev.kiln.server.KilnTestServer.WEST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.machines.image.FileImageStore;
import dev.kiln.server.ExternalClients.Cli;
import dev.kiln.server.ExternalClients.Result;
import dev.kiln.server.KilnServerExtension.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code aws ec2} (every AWS CLI on this machine) against Kiln's EC2 Query API, with images registered
 * straight into the server's image store: private, shared and public images seen from three accounts,
 * launch permissions changed by the owner only, a copy to another region, and deregistration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Ec2ApiIT {
    @RegisterExtension
    static final KilnServerExtension kiln = KilnServerExtension.inRegions(EAST, WEST);
    @TempDir
    static Path work;

    static Path dataDir;

    KilnServer server;
    FileImageStore store;

    @BeforeAll
    void startServer() throws IOException {
        dataDir = kiln.dataDir();
        server = kiln.server();
        store = new FileImageStore(dataDir.toAbsolutePath().resolve("regions"), Clock.systemUTC());
    }

    static List<Cli> clis() {
        return ExternalClients.awsClis();
    }

    Identity newAccount(String name) throws IOException {
        return kiln.newAccount(name, work);
    }

    MachineImage register(Identity owner, String name, boolean isPublic, Map<String, String> tags) throws IOException {
        Path disk = work.resolve(UUID.randomUUID() + ".qcow2");
        ExternalClients.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "1G"), Map.of(), 60)
                .ok();
        return store.register(MachineImage.builder().setRegion(EAST).setName(name).setDescription("made by " + name)
                .setOwnerId(owner.account()).setRootVolumeSizeGiB(1).setTags(tags).setBoot(Boot.firmware())
                .setPublicLaunch(isPublic).build(), disk);
    }

    Result ec2(Cli cli, Identity id, String region, String... args) {
        List<String> command = new ArrayList<>(List.of(cli.executable(), "ec2"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", server.endpoint(), "--output", "json", "--region", region));
        Map<String, String> env = ExternalClients.cliEnvironment(region);
        env.put("AWS_SHARED_CREDENTIALS_FILE", id.credentials().toString());
        return ExternalClients.run(command, env, 120);
    }

    List<String> visibleIds(Cli cli, Identity id, String region, String... args) {
        List<String> all = new ArrayList<>(List.of("describe-images"));
        all.addAll(List.of(args));
        List<String> ids = new ArrayList<>();
        ec2(cli, id, region, all.toArray(String[]::new)).ok().path("Images").forEach(i -> ids.add(i.path("ImageId")
                .asText()));
        return ids;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clis")
    void accountsSeeOwnedSharedAndPublicImagesOnly(Cli cli) throws IOException {
        Identity a = newAccount("owner");
        Identity b = newAccount("friend");
        Identity c = newAccount("stranger");
        String prefix = "web-" + UUID.randomUUID().toString().substring(0, 8);
        MachineImage priv = register(a, prefix + "-private", false, Map.of("team", "kiln"));
        MachineImage pub = register(a, prefix + "-public", true, Map.of());

        JsonNode image = ec2(cli, a, EAST, "describe-images", "--image-ids", priv.imageId()).ok().path("Images")
                .get(0);
        assertThat(image.path("ImageId").asText()).isEqualTo(priv.imageId());
        assertThat(image.path("OwnerId").asText()).isEqualTo(a.account());
        assertThat(image.path("Name").asText()).isEqualTo(prefix + "-private");
        assertThat(image.path("State").asText()).isEqualTo("available");
        assertThat(image.path("Public").asBoolean(true)).isFalse();
        assertThat(image.path("Architecture").asText()).isEqualTo("x86_64");
        assertThat(image.path("RootDeviceName").asText()).isEqualTo("/dev/xvda");
        assertThat(image.path("BlockDeviceMappings").get(0).path("Ebs").path("VolumeSize").asInt()).isEqualTo(1);
        assertThat(image.path("Tags").get(0).path("Key").asText()).isEqualTo("team");
        assertThat(image.path("PlatformDetails").asText()).isEqualTo("Linux/UNIX");
        assertThat(image.path("CreationDate").asText()).endsWith("Z");
        assertThat(image.path("ImageType").asText()).isEqualTo("machine");
        assertThat(image.path("RootDeviceType").asText()).isEqualTo("ebs");
        assertThat(image.path("VirtualizationType").asText()).isEqualTo("hvm");
        assertThat(image.path("EnaSupport").asBoolean()).isTrue();
        assertThat(image.path("UsageOperation").asText()).isEqualTo("RunInstances");

        assertThat(visibleIds(cli, a, EAST, "--owners", "self")).containsExactlyInAnyOrder(priv.imageId(),
                pub.imageId());
        assertThat(visibleIds(cli, a, EAST, "--owners", "self", "--filters", "Name=name,Values=" + prefix + "-pr*"))
                .containsExactly(priv.imageId());
        assertThat(visibleIds(cli, a, EAST, "--filters", "Name=tag:team,Values=kiln", "Name=owner-id,Values="
                + a.account())).containsExactly(priv.imageId());
        assertThat(visibleIds(cli, a, EAST, "--owners", "self", "--executable-users", "all"))
                .containsExactly(pub.imageId());

        // others see only the public one
        assertThat(visibleIds(cli, b, EAST, "--owners", a.account())).containsExactly(pub.imageId());
        assertThat(visibleIds(cli, c, EAST, "--filters", "Name=name,Values=" + prefix + "*"))
                .containsExactly(pub.imageId());
        ec2(cli, b, EAST, "describe-images", "--image-ids", priv.imageId()).failedWith("InvalidAMIID.NotFound");

        // shared with b
        ec2(cli, a, EAST, "modify-image-attribute", "--image-id", priv.imageId(), "--launch-permission",
                "Add=[{UserId=" + b.account() + "}]").ok();
        assertThat(visibleIds(cli, b, EAST, "--owners", a.account())).containsExactlyInAnyOrder(priv.imageId(),
                pub.imageId());
        assertThat(visibleIds(cli, b, EAST, "--executable-users", "self", "--owners", a.account()))
                .containsExactly(priv.imageId());
        assertThat(visibleIds(cli, c, EAST, "--owners", a.account())).containsExactly(pub.imageId());
        JsonNode permissions = ec2(cli, a, EAST, "describe-image-attribute", "--image-id", priv.imageId(),
                "--attribute", "launchPermission").ok().path("LaunchPermissions");
        assertThat(permissions.get(0).path("UserId").asText()).isEqualTo(b.account());

        // only the owner changes or removes it
        ec2(cli, b, EAST, "modify-image-attribute", "--image-id", priv.imageId(), "--launch-permission",
                "Add=[{Group=all}]").failedWith("AuthFailure");
        ec2(cli, b, EAST, "deregister-image", "--image-id", priv.imageId()).failedWith("AuthFailure");
        ec2(cli, c, EAST, "deregister-image", "--image-id", priv.imageId()).failedWith("InvalidAMIID.NotFound");

        // b copies the shared image to another region: its own, same disk
        String copyId = ec2(cli, b, WEST, "copy-image", "--source-region", EAST, "--source-image-id",
                priv.imageId(), "--name", prefix + "-copy").ok().path("ImageId").asText();
        MachineImage copy = store.find(WEST, copyId).orElseThrow();
        assertThat(copy.ownerId()).isEqualTo(b.account());
        assertThat(copy.diskSha256()).isEqualTo(priv.diskSha256());
        assertThat(visibleIds(cli, b, WEST, "--owners", "self")).contains(copyId);
        assertThat(visibleIds(cli, a, WEST, "--filters", "Name=image-id,Values=" + copyId)).isEmpty();
        ec2(cli, c, WEST, "copy-image", "--source-region", EAST, "--source-image-id", priv.imageId(), "--name",
                "stolen")
                .failedWith("InvalidAMIID.NotFound");

        // made public, then private again, then unshared
        ec2(cli, a, EAST, "modify-image-attribute", "--image-id", priv.imageId(), "--launch-permission",
                "Add=[{Group=all}]").ok();
        assertThat(visibleIds(cli, c, EAST, "--owners", a.account())).containsExactlyInAnyOrder(priv.imageId(),
                pub.imageId());
        ec2(cli, a, EAST, "modify-image-attribute", "--image-id", priv.imageId(), "--launch-permission",
                "Remove=[{Group=all},{UserId=" + b.account() + "}]").ok();
        assertThat(visibleIds(cli, b, EAST, "--owners", a.account())).containsExactly(pub.imageId());

        // description
        ec2(cli, a, EAST, "modify-image-attribute", "--image-id", priv.imageId(), "--description",
                "Value=new words").ok();
        assertThat(ec2(cli, a, EAST, "describe-image-attribute", "--image-id", priv.imageId(), "--attribute",
                "description").ok().path("Description").path("Value").asText()).isEqualTo("new words");

        // deregistered by its owner
        assertThat(ec2(cli, a, EAST, "deregister-image", "--image-id", priv.imageId()).exitCode()).isZero();
        ec2(cli, a, EAST, "describe-images", "--image-ids", priv.imageId()).failedWith("InvalidAMIID.NotFound");
        assertThat(store.find(EAST, priv.imageId())).isEmpty();
        assertThat(Files.exists(priv.disk())).isFalse();
    }

    static List<ExternalClients.Python> pythons() {
        return ExternalClients.boto3Pythons();
    }

    /** {@code python3 -c SCRIPT ACTION IMAGE_ID ACCOUNT} with boto3's ec2 client as one identity. */
    static final String BOTO3 = String.join("\n",
            "import boto3, json, sys, botocore.exceptions as x",
            "action, image, account = sys.argv[1:4]",
            "ec2 = boto3.client('ec2', endpoint_url=sys.argv[4], region_name='us-east-1')",
            "if action == 'share':",
            "    ec2.modify_image_attribute(ImageId=image, LaunchPermission={'Add': [{'UserId': account}]})",
            "    p = ec2.describe_image_attribute(ImageId=image, Attribute='launchPermission')",
            "    print(json.dumps([l.get('UserId') for l in p['LaunchPermissions']]))",
            "else:",
            "    try:",
            "        ec2.deregister_image(ImageId=image)",
            "        print('deregistered')",
            "    except x.ClientError as e:",
            "        pass",
            "    print(json.dumps([i['ImageId'] for i in ec2.describe_images(Owners=[account])['Images']]))");

    Result boto3(ExternalClients.Python python, Identity id, String... args) {
        List<String> command = new ArrayList<>(List.of(python.executable(), "-c", BOTO3));
        command.addAll(List.of(args));
        command.add(server.endpoint());
        return ExternalClients.run(command, Map.of("AWS_SHARED_CREDENTIALS_FILE", id.credentials().toString(),
                "AWS_CONFIG_FILE", "/dev/null", "AWS_EC2_METADATA_DISABLED", "true", "AWS_MAX_ATTEMPTS", "1"), 120);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pythons")
    void boto3SharesAnImageAndTheOtherAccountSeesIt(ExternalClients.Python python) throws IOException {
        Identity a = newAccount("boto-owner");
        Identity b = newAccount("boto-friend");
        MachineImage image = register(a, "boto-" + UUID.randomUUID().toString().substring(0, 8), false, Map.of());

        Result before = boto3(python, b, "look", image.imageId(), a.account());
        assertThat(before.ok()).as(before.toString()).isEmpty();
        Result shared = boto3(python, a, "share", image.imageId(), b.account());
        assertThat(shared.ok().toString()).as(shared.toString()).contains(b.account());
        Result after = boto3(python, b, "look", image.imageId(), a.account());
        assertThat(after.stdout()).as(after.toString()).doesNotContain("deregistered").contains(image.imageId());
        assertThat(store.find(EAST, image.imageId())).isPresent();
    }

    @Test
    void badRequestsGetEc2Errors() throws IOException {
        Cli cli = clis().get(0);
        Identity a = newAccount("errors");
        ec2(cli, a, EAST, "describe-images", "--image-ids", "ami-nothex").failedWith("InvalidAMIID.Malformed");
        ec2(cli, a, EAST, "describe-images", "--filters", "Name=colour,Values=red")
                .failedWith("InvalidParameterValue");
        ec2(cli, a, EAST, "describe-instances").failedWith("InvalidAction");
        Path wrong = KilnTestServer.writeCredentials(work.resolve("wrong"), "AKIAWRONGWRONGWRONG0",
                "secretsecretsecretsecretsecretsecret0000");
        ec2(cli, new Identity("000000000000", null, wrong), EAST, "describe-images").failedWith("AuthFailure");
    }
}
