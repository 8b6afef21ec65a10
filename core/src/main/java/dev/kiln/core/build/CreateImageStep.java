package dev.kiln.core.build;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.MachineImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Stops the build instance cleanly, captures its disk as a standalone image and registers it in the
 * build region's image store, owned by the building account: Image Builder's "create AMI" step.
 */
final class CreateImageStep {
    static final Duration CAPTURE_TIMEOUT = Duration.ofMinutes(10);
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private final BuildEnvironment env;

    CreateImageStep(BuildEnvironment env) {
        this.env = env;
    }

    MachineImage run(BuildPlan plan, Instance instance, Path buildFolder, BuildLog log)
            throws IOException, InterruptedException {
        Path out = buildFolder.resolve("capture");
        Files.createDirectories(out);
        log.info("stopping " + instance.instanceId() + " and capturing its disk");
        Instance.CapturedDisk disk = instance.captureImage(out, CAPTURE_TIMEOUT);
        String name = plan.recipeName() + " " + plan.recipeVersion() + " " + NAME_TIME.format(env.clock().instant());
        MachineImage template = MachineImage.builder().setRegion(plan.region()).setName(name)
                .setDescription(plan.description() == null ? "Built by Kiln from " + plan.imageArn()
                        : plan.description())
                .setOwnerId(plan.accountId()).setArchitecture(plan.parent().architecture()).setState("available")
                .setRootVolumeSizeGiB(disk.sizeGiB()).setTags(Map.of("Ec2ImageBuilderArn", plan.imageArn()))
                .setBoot(disk.boot()).build();
        MachineImage image = env.images().register(template, disk.disk());
        env.backends().stream().filter(b -> b.serves(plan.instanceType())).findFirst()
                .ifPresent(b -> b.imageRegistered(instance, image));
        log.info("registered " + image.imageId() + " (" + image.name() + ") in " + image.region()
                + ", sha256 " + image.diskSha256());
        return image;
    }
}
