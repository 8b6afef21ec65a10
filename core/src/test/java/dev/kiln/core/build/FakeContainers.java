package dev.kiln.core.build;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.ContainerEngine;
import dev.kiln.core.container.ContainerRegistries;
import dev.kiln.core.container.ContainerRegistry;
import dev.kiln.core.container.WorkingContainer;
import dev.kiln.toe.target.LocalTarget;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fast stand-in for buildah and the registries: Dockerfiles are recorded (one with {@code RUN false}
 * fails), working containers run components on this host (LocalTarget in a folder of their own), and
 * every image made and removed is counted. The real engine and registries are tested in the machines
 * module and end to end in the server's ITs.
 */
final class FakeContainers implements ContainerEngine, ContainerRegistries {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> dockerfiles = new CopyOnWriteArrayList<>();
    final Set<String> localImages = ConcurrentHashMap.newKeySet();
    final Set<String> containers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    private final Path folder;
    volatile boolean registryDown;
    /** What the host-program checks were asked, in order: "engine", "registry REGION". */
    final List<String> hostChecks = new CopyOnWriteArrayList<>();
    /** When set, the engine's host-program check fails with it, as buildah's absence would. */
    volatile String hostLacks;

    FakeContainers(Path folder) {
        this.folder = folder;
    }

    @Override
    public ContainerRegistry registry(String region, BuildLog log) {
        if (registryDown) {
            throw new BuildFailure("the registry of " + region + " at http://127.0.0.1:1 does not answer");
        }
        return new ContainerRegistry(region, "127.0.0.1:5999", URI.create("http://127.0.0.1:5999"), true);
    }

    @Override
    public void checkHostPrograms() {
        hostChecks.add("engine");
        if (hostLacks != null) {
            throw new BuildFailure(hostLacks);
        }
    }

    @Override
    public void checkHostPrograms(String region) {
        hostChecks.add("registry " + region);
    }

    @Override
    public String buildDockerfile(String dockerfile, Path contextFolder, String tag, BuildLog log) {
        dockerfiles.add(dockerfile);
        if (dockerfile.contains("RUN false")) {
            throw new BuildFailure("the Dockerfile failed: RUN false: exit status 1");
        }
        return image("bud " + tag);
    }

    @Override
    public WorkingContainer from(String image, String name, BuildLog log) throws IOException {
        events.add("from " + image + " as " + name);
        Path work = Files.createDirectories(folder.resolve(name));
        containers.add(name);
        LocalTarget target = new LocalTarget(work);
        return new WorkingContainer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Target target() {
                return target;
            }

            @Override
            public String commit(String tag, BuildLog log) {
                return image("commit " + tag);
            }

            @Override
            public void close() {
                events.add("rm " + name);
                containers.remove(name);
            }
        };
    }

    @Override
    public String push(String image, String reference, BuildLog log) {
        events.add("push " + image + " " + reference);
        return "sha256:" + "ab".repeat(32);
    }

    @Override
    public void removeImages(List<String> images, BuildLog log) {
        for (String image : images) {
            events.add("rmi " + image);
            localImages.remove(image);
        }
    }

    @Override
    public void sweepOrphans(BuildLog log) {
        events.add("sweep");
    }

    @Override
    public void close() {
    }

    private String image(String event) {
        String id = "image-" + ids.incrementAndGet();
        events.add(event + " -> " + id);
        localImages.add(id);
        return id;
    }
}
