package dev.kiln.core.build;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.InstanceBackend;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.core.machine.MachineImage;
import java.io.IOException;
import java.nio.file.Path;

/** Launches a build or test instance of an image on the backend that serves the plan's instance type. */
final class LaunchInstanceStep {
    private final BuildEnvironment env;

    LaunchInstanceStep(BuildEnvironment env) {
        this.env = env;
    }

    /**
     * @param purpose "build" or "test", for the log
     * @param userData the script for the instance's first boot, or null
     */
    Instance run(BuildPlan plan, MachineImage image, String purpose, String userData, Path buildFolder, BuildLog log)
            throws IOException, InterruptedException {
        String instanceType = plan.machine().instanceType();
        InstanceBackend backend = env.backends().stream()
                .filter(b -> b.serves(instanceType))
                .findFirst()
                .orElseThrow(() -> new BuildFailure("no instance backend serves the instance type " + instanceType));
        String instanceId = InstanceRequest.newInstanceId();
        log.info("launching " + purpose + " instance " + instanceId + " (" + instanceType + ") from "
                + image.imageId());
        Instance instance = backend.launch(new InstanceRequest(instanceId, image, instanceType, userData,
                buildFolder.resolve("instances").resolve(instanceId), env.readyTimeout()), log);
        log.info(purpose + " instance " + instanceId + " is reachable");
        return instance;
    }
}
