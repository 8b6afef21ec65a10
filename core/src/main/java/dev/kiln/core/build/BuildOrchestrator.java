package dev.kiln.core.build;

import dev.kiln.common.files.Trees;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.kiln.core.container.WorkingContainer;
import dev.kiln.core.image.BuildIntent;
import dev.kiln.core.image.ImageRecord;
import dev.kiln.core.image.ImageStatus;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Builds one image build version: owns the order of the steps, the image's state transitions
 * (PENDING → BUILDING → CREATING → TESTING → DISTRIBUTING → AVAILABLE, or FAILED / CANCELLED), and
 * cleanup: every instance, working container and local image is released in reverse order in
 * {@code finally}, even when the build thread is interrupted by a cancel. Machine images go build
 * instance → capture → test instance → distribution; container images go Dockerfile and components
 * → test container → push to the region's registry. A failed build with {@code terminateInstanceOnFailure: false} keeps its
 * build instance running and says in the image's reason how to reach it.
 */
public final class BuildOrchestrator {
    private static final List<String> BUILD_PHASES = List.of("build", "validate");

    private final ResourceStore store;
    private final BuildEnvironment env;
    private final ImageStates states;
    private final HostCheckStep hostCheck;
    private final ResolveRecipeStep resolve;
    private final LaunchInstanceStep launch;
    private final RunComponentsStep components;
    private final CreateImageStep create;
    private final DistributeStep distribute;
    private final TestComponentsStep test;
    private final UploadLogsStep uploadLogs;
    /** Build instances kept after a failure, by image ARN, until Kiln stops or the image is deleted. */
    private final Map<String, Instance> kept = new ConcurrentHashMap<>();

    public BuildOrchestrator(ResourceStore store, BuildEnvironment env) {
        this.store = store;
        this.env = env;
        this.states = new ImageStates(store);
        this.hostCheck = new HostCheckStep(env);
        this.resolve = new ResolveRecipeStep(store, env);
        this.launch = new LaunchInstanceStep(env);
        this.create = new CreateImageStep(env);
        this.distribute = new DistributeStep(env);
        this.components = new RunComponentsStep(env.s3());
        this.test = new TestComponentsStep(components);
        this.uploadLogs = new UploadLogsStep(env.s3());
    }

    /** What a finished build made: its output resources of one kind, and what to call it in the log. */
    private record Made(ImageRecord.Output kind, ArrayNode resources, String name) {
    }

    /**
     * Builds a PENDING image to its end state; returns at once for an image that is not PENDING
     * (cancelled while it waited, or taken by another worker).
     *
     * @param follower receives each build log line as it is written (CLI progress), or null
     */
    public void build(String imageArn, Consumer<String> follower) {
        build(imageArn, follower, null);
    }

    /**
     * As {@link #build(String, Consumer)}, with the folder a container recipe's Dockerfile reads COPY
     * and ADD sources from ({@code kiln build} passes the build file's folder); null for an empty one.
     * What the build is to do is what the image's record implies ({@link BuildIntent#of}).
     */
    public void build(String imageArn, Consumer<String> follower, Path contextFolder) {
        build(imageArn, null, follower, contextFolder);
    }

    /**
     * Builds a PENDING image as its start said.
     *
     * @param intent what the build is to do, as the start said it; null for what the image's record implies
     */
    public void build(String imageArn, BuildIntent intent, Consumer<String> follower, Path contextFolder) {
        StoredResource image = store.get(imageArn).orElse(null);
        if (image == null || ImageRecord.of(image).status() != ImageStatus.PENDING) {
            return;
        }
        BuildIntent todo = intent != null ? intent : BuildIntent.of(ImageRecord.of(image));
        Path folder = BuildFolders.of(env.buildsFolder(), imageArn);
        try (BuildLog log = BuildLog.append(folder.resolve("build.log"), env.clock())) {
            if (follower != null) {
                log.follow(follower);
            }
            run(image, todo, folder, contextFolder, log);
        } catch (IOException e) {
            fail(imageArn, "Kiln could not write the build's files in " + folder + ": " + e.getMessage(), null);
        }
    }

    private void run(StoredResource image, BuildIntent intent, Path folder, Path contextFolder, BuildLog log) {
        String arn = image.arn();
        BuildPlan plan = null;
        Instance buildInstance = null;
        Instance testInstance = null;
        MachineImage output = null;
        boolean keepBuildInstance = false;
        JsonNode distributed = null;
        // Both written only after cleanup and the logs' upload: whoever sees the image AVAILABLE or
        // FAILED finds nothing of the build left, and its logs where the configuration sends them.
        String failure = null;
        Made made = null;
        try {
            log.info("building " + arn);
            states.status(arn, ImageStatus.BUILDING);
            hostCheck.run(image, intent);
            plan = resolve.run(image, folder, contextFolder, log);
            if (plan.container() != null) {
                made = buildContainer(plan, folder, log);
                return;
            }
            if (intent == BuildIntent.DISTRIBUTE) {
                made = redistribute(plan, image, log);
                return;
            }
            buildInstance = launch.run(plan, plan.machine().parent(), "build", plan.machine().userData(), folder, log);
            components.run(plan, buildInstance.target(), BUILD_PHASES, folder.resolve("components-build"), log);
            states.status(arn, ImageStatus.CREATING);
            output = create.run(plan, buildInstance, folder, log);
            close(buildInstance, log);
            buildInstance = null;
            if (plan.tests().enabled()) {
                states.status(arn, ImageStatus.TESTING);
                testInstance = launch.run(plan, output, "test", null, folder, log);
                test.run(plan, testInstance.target(), folder, log);
                close(testInstance, log);
                testInstance = null;
            } else {
                log.info("image tests are disabled: no test instance");
            }
            states.status(arn, ImageStatus.DISTRIBUTING);
            MachineImage tested = output;
            // From here on the image is tested: a failed distribution keeps it for RetryImage.
            output = null;
            ArrayNode amis = distribute.run(plan, tested, null, copies -> states.distributed(arn, copies), log);
            made = new Made(ImageRecord.Output.AMIS, amis, tested.imageId());
        } catch (ImageStates.Cancelled e) {
            log.info("cancelled by request; cleaning up");
        } catch (InterruptedException e) {
            if (states.cancelled(arn)) {
                log.info("cancelled by request; cleaning up");
            } else {
                failure = "Kiln stopped while building this image";
            }
        } catch (DistributeStep.Failed e) {
            failure = e.getMessage();
            distributed = e.amis();
        } catch (BuildFailure | InstanceException e) {
            failure = e.getMessage();
            if (buildInstance != null && plan != null && !plan.machine().terminateInstanceOnFailure()) {
                keepBuildInstance = true;
                failure += "\nThe build instance " + buildInstance.instanceId() + " was kept running"
                        + " (terminateInstanceOnFailure is false); reach it with: " + buildInstance.howToConnect();
            }
        } catch (IOException | RuntimeException e) {
            failure = "Kiln failed while building this image: " + e;
        } finally {
            boolean interrupted = Thread.interrupted();
            close(testInstance, log);
            if (keepBuildInstance) {
                kept.put(arn, buildInstance);
            } else {
                close(buildInstance, log);
            }
            if (output != null) {
                deregister(output, log);
            }
            Trees.deleteQuietly(folder.resolve("capture"));
            finish(image, folder, failure, distributed, made, log);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * RetryImage of an image whose distribution failed: the tested image (the build region's copy in
     * its output resources) is distributed again; the copies made before are kept and not made twice.
     */
    private Made redistribute(BuildPlan plan, StoredResource image, BuildLog log) throws IOException {
        ImageRecord record = ImageRecord.of(image);
        JsonNode done = record.amis();
        MachineImage tested = record.ami(plan.region(), plan.accountId())
                .flatMap(copy -> env.images().find(plan.region(), copy.imageId())).orElse(null);
        if (tested == null) {
            throw new BuildFailure("the image built before is no longer in " + plan.region()
                    + ": it cannot be distributed again");
        }
        log.info("distributing " + tested.imageId() + " again (RetryImage); " + done.size() + " copy(ies) exist");
        states.status(plan.imageArn(), ImageStatus.DISTRIBUTING);
        ArrayNode amis = distribute.run(plan, tested, done, copies -> states.distributed(plan.imageArn(), copies),
                log);
        return new Made(ImageRecord.Output.AMIS, amis, tested.imageId());
    }

    /**
     * A container recipe: build locally, test in a container from the result, push. Working containers
     * are removed as each stage ends; the local images it made are removed in {@code finally}, whatever
     * happened (the parent image stays cached in the engine's storage).
     */
    private Made buildContainer(BuildPlan plan, Path folder, BuildLog log) throws IOException, InterruptedException {
        String arn = plan.imageArn();
        ContainerNames names = ContainerNames.of(arn);
        List<String> made = new ArrayList<>();
        CompletableFuture<Void> testContainerRemoved = CompletableFuture.completedFuture(null);
        try {
            String image = new BuildContainerStep(env.containers(), components)
                    .run(plan, names, folder, made, () -> states.status(arn, ImageStatus.CREATING), log);
            if (plan.tests().enabled()) {
                states.status(arn, ImageStatus.TESTING);
                WorkingContainer container = env.containers().from(image, names.container("test"), log);
                try {
                    test.run(plan, container.target(), folder, log);
                } finally {
                    // Removed while the image is pushed: it is on no one's way, and the build saves the wait.
                    testContainerRemoved = CompletableFuture.runAsync(container::close);
                }
            } else {
                log.info("image tests are disabled: no test container");
            }
            states.status(arn, ImageStatus.DISTRIBUTING);
            ArrayNode containers = new PushContainerStep(env.containers(), env.registries()).run(plan, image, log);
            testContainerRemoved.join();
            return new Made(ImageRecord.Output.CONTAINERS, containers,
                    containers.path(0).path("imageUris").path(0).asText());
        } finally {
            boolean interrupted = Thread.interrupted();
            testContainerRemoved.join();
            List<String> newestFirst = new ArrayList<>(made);
            Collections.reverse(newestFirst);
            env.containers().removeImages(newestFirst, log);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The build's end, after its cleanup: the outcome said in the log, the logs uploaded, then the final
     * state written (a cancelled build's is already).
     */
    private void finish(StoredResource image, Path folder, String failure, JsonNode distributed, Made made,
                        BuildLog log) {
        if (failure != null && states.cancelled(image.arn())) {
            // A cancel can land where it turns into a failure, not an interruption: a file copy into the
            // instance, say, fails as interrupted, and so does its step.
            log.info("cancelled by request; the build stopped at: " + failure.lines().findFirst().orElse(""));
            failure = null;
        }
        if (failure != null) {
            log.info("FAILED: " + failure);
        } else if (made != null) {
            log.info("AVAILABLE: " + made.name());
        }
        uploadLogs.run(image.arn(), ImageRecord.of(image).infrastructure(), folder, log);
        if (failure != null) {
            fail(image.arn(), failure, distributed);
        } else if (made != null) {
            try {
                states.available(image.arn(), made.kind(), made.resources());
            } catch (ImageStates.Cancelled e) {
                log.info("cancelled by request before it could be marked AVAILABLE");
            }
        }
    }

    private void fail(String arn, String reason, JsonNode amis) {
        try {
            states.failed(arn, reason, amis);
        } catch (ImageStates.Cancelled e) {
            // Cancelled meanwhile: CANCELLED stays.
        }
    }

    private static void close(Instance instance, BuildLog log) {
        if (instance != null) {
            log.info("terminating " + instance.instanceId());
            instance.close();
        }
    }

    /** An image whose tests failed is not kept, as in Image Builder. */
    private void deregister(MachineImage image, BuildLog log) {
        try {
            env.images().deregister(image.region(), image.imageId());
            log.info("deregistered " + image.imageId() + ": the build did not finish");
        } catch (IOException e) {
            log.info("could not deregister " + image.imageId() + ": " + e.getMessage());
        }
    }

    /** Terminates the build instance a failed build kept, if any. */
    public void releaseKept(String imageArn) {
        Instance instance = kept.remove(imageArn);
        if (instance != null) {
            instance.close();
        }
    }

    /** Terminates every kept instance (Kiln is stopping). */
    public void close() {
        kept.keySet().forEach(this::releaseKept);
        test.close();
    }
}
