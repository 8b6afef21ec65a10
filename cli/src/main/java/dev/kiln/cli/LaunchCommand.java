package dev.kiln.cli;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.InstanceBackend;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.machines.Machines;
import dev.kiln.machines.host.HostPackages;
import dev.kiln.server.Kiln;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln images launch}: boot an image for a person to look around, until Ctrl-C. */
@Command(name = "launch", mixinStandardHelpOptions = true,
        description = "Boot a machine image (an ami- id, or a Kiln base image such as debian-12-x86) and print how"
                + " to reach it; Ctrl-C terminates it.")
final class LaunchCommand implements Callable<Integer> {
    /** How long terminating the instance may take. */
    private static final Duration INSTANCE_BOUND = Duration.ofSeconds(30);

    @Parameters(paramLabel = "IMAGE", description = "ami-... from kiln images list, or debian-12-x86.")
    String image;

    @Option(names = "--instance-type", defaultValue = "t3.micro",
            description = "An EC2 type for a QEMU VM, or kiln.sandbox (default: ${DEFAULT-VALUE}).")
    String instanceType;

    @Option(names = "--console", description = "Print the serial console (and Kiln's log) while it runs.")
    boolean console;

    @Mixin
    ImageUser user;

    @Override
    public Integer call() throws Exception {
        Prerequisites.require(instanceType.equals("kiln.sandbox") ? HostPackages.Feature.SANDBOX
                : HostPackages.Feature.VM);
        // Assembled as the server assembles Kiln: a stop (Ctrl-C) terminates the instance, then the machines.
        try (Kiln kiln = Kiln.create("kiln images launch").closeOnShutdown()) {
            Machines machines = kiln.openMachines(user.data.dataDir, Clock.systemUTC(), user.data.baseImages, Map.of());
            launch(kiln, machines);
            kiln.awaitClosed();
        }
        return ExitCodes.OK;
    }

    private void launch(Kiln kiln, Machines machines) throws Exception {
        BuildLog log = BuildLog.discarding(Clock.systemUTC());
        if (console) {
            log.follow(System.err::println);
        } else {
            log.follow(line -> {
                if (line.contains("[kiln]") && (line.contains("base image") || line.contains("warning"))) {
                    System.err.println(line);
                }
            });
        }
        MachineImage machineImage = image.startsWith("ami-") ? user.find(image)
                : machines.baseImage(image, user.region, log);
        InstanceBackend backend = machines.backends().stream().filter(b -> b.serves(instanceType)).findFirst()
                .orElseThrow(() -> new UserError("no backend runs instance type '" + instanceType
                        + "': give an EC2 type such as t3.micro, or kiln.sandbox"));
        String instanceId = InstanceRequest.newInstanceId();
        System.err.println("Launching " + instanceId + " (" + instanceType + ") from " + machineImage.imageId() + "...");
        Instance instance;
        try {
            instance = kiln.add("instance " + instanceId, backend.launch(new InstanceRequest(instanceId, machineImage,
                    instanceType, null, machines.buildsFolder().resolve("launched").resolve(instanceId),
                    Machines.READY_TIMEOUT), log), INSTANCE_BOUND);
        } catch (InstanceException e) {
            throw new UserError(e.getMessage(), ExitCodes.FAILED);
        }
        System.err.println(instanceId + " is running. Reach it with:\n  " + instance.howToConnect()
                + "\nCtrl-C terminates it (nothing it wrote is kept).");
    }
}
