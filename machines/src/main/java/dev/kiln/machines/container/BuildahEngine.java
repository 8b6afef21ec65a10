package dev.kiln.machines.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.files.Trees;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.ContainerEngine;
import dev.kiln.core.container.WorkingContainer;
import dev.kiln.machines.host.HostPackages;
import dev.kiln.machines.host.HostPrograms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container engine on buildah: daemonless, as root, {@code --isolation chroot} (no OCI runtime, no
 * cgroups), in storage of Kiln's own. Registries on loopback are spoken to over plain HTTP; pulls and
 * pushes retry once after a second so that an unreachable registry fails a build in seconds.
 *
 * <p>The storage driver is overlay, or vfs where overlay cannot mount (probed once and written next to
 * the storage); the environment variable {@code KILN_STORAGE_DRIVER} overrides it.
 */
public final class BuildahEngine implements ContainerEngine, AutoCloseable {

    static final Duration BUILD_TIMEOUT = Duration.ofHours(4);
    static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);
    static final Duration COMMIT_TIMEOUT = Duration.ofMinutes(30);
    static final Duration SHORT_TIMEOUT = Duration.ofMinutes(2);
    static final String BUILD_TAG_PREFIX = "localhost/kiln-build/";
    static final String CONTAINER_PREFIX = "kiln-";
    private static final List<String> RETRY = List.of("--retry", "1", "--retry-delay", "1s");
    private static final Pattern CONTAINER_NAME = Pattern.compile("kiln-[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern FROM_LINE =
            Pattern.compile("(?im)^\\s*FROM\\s+(?:--\\S+\\s+)*(\\S+)");
    private static final Pattern COPY_FROM = Pattern.compile("(?i)--from=(\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path storageFolder;
    private final Path runFolder;
    private final Map<String, String> environment;
    /**
     * Dockerfile builds hold it shared. A build that was killed leaves its build container behind
     * (buildah names it after the image, not after Kiln), and only when no build runs can every container
     * not named kiln-* be known to be such a leftover and removed.
     */
    private final ReadWriteLock builds = new ReentrantReadWriteLock();
    private Tools tools;
    private final Path temporaryFolder;

    /**
     * @param storageFolder where images and layers are kept ({@code --root})
     * @param runFolder     buildah's run-time state ({@code --runroot}): on a tmpfs, so that a host reboot clears it
     * @param environment   extra environment for every buildah call (CONTAINERS_REGISTRIES_CONF, REGISTRY_AUTH_FILE...)
     */
    public BuildahEngine(Path storageFolder, Path runFolder, Map<String, String> environment) {
        this.storageFolder = storageFolder.toAbsolutePath();
        this.runFolder = runFolder.toAbsolutePath();
        this.temporaryFolder = this.storageFolder.resolveSibling("tmp");
        Map<String, String> env = new java.util.HashMap<>(environment);
        // buildah's scratch folders for RUN lines: a killed buildah leaves its folder behind, and here
        // the start-up sweep finds it instead of it piling up in the host's /var/tmp.
        env.putIfAbsent("TMPDIR", temporaryFolder.toString());
        this.environment = Map.copyOf(env);
    }

    /** The storage driver in use (overlay or vfs), probing it on first use. */
    public String storageDriver(BuildLog log) throws IOException, InterruptedException {
        return tools(log).driver();
    }

    @Override
    public String buildDockerfile(String dockerfile, Path contextFolder, String tag, BuildLog log)
            throws IOException, InterruptedException {
        Buildah buildah = tools(log).buildah();
        if (!Files.isDirectory(contextFolder)) {
            throw new BuildFailure("the Dockerfile's context folder " + contextFolder + " does not exist");
        }
        // Outside the context, so that the Dockerfile is not sent along with it and cannot clash with a file there.
        Path work = Files.createTempDirectory("kiln-dockerfile-");
        try {
            Path file = work.resolve("Dockerfile");
            Path iid = work.resolve("image-id");
            Files.writeString(file, dockerfile, StandardCharsets.UTF_8);
            List<String> args = new ArrayList<>(List.of("bud", "--isolation", "chroot", "--format", "oci",
                    "--pull=true"));
            args.addAll(RETRY);
            if (dockerfileImages(dockerfile).stream().anyMatch(BuildahEngine::onLoopback)) {
                args.add("--tls-verify=false");
            }
            args.addAll(List.of("-f", file.toString(), "-t", tag, "--iidfile", iid.toString(),
                    contextFolder.toAbsolutePath().toString()));
            log.info("building the Dockerfile as " + tag);
            builds.readLock().lock();
            boolean killed = true;
            try {
                Buildah.Output out = buildah.runUnchecked(args, BUILD_TIMEOUT, log, true);
                killed = out.result().timedOut();
                if (!out.result().succeeded()) {
                    throw new BuildFailure(Buildah.failureMessage("the Dockerfile failed", out, BUILD_TIMEOUT));
                }
            } finally {
                builds.readLock().unlock();
                if (killed) {
                    removeBuildLeftovers(buildah, log);
                }
            }
            return imageId(iid);
        } finally {
            Trees.deleteQuietly(work);
        }
    }

    @Override
    public WorkingContainer from(String image, String name, BuildLog log) throws IOException, InterruptedException {
        if (!CONTAINER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a working container's name starts with kiln- and holds only"
                    + " letters, digits, '.', '_' and '-': " + name);
        }
        Tools t = tools(log);
        Buildah buildah = t.buildah();
        List<String> args = new ArrayList<>(List.of("from", "--name", name));
        args.addAll(RETRY);
        if (onLoopback(image)) {
            args.add("--tls-verify=false");
        }
        args.add(image);
        log.info("making the working container " + name + " from " + image);
        boolean made = false;
        boolean someoneElses = false;
        CompletableFuture<Holder> holder = null;
        try {
            Buildah.Output pulled = buildah.runUnchecked(args, TRANSFER_TIMEOUT, log, true);
            if (!pulled.result().succeeded()) {
                // Another container by that name is not this call's to remove.
                someoneElses = pulled.error().filter(e -> e.contains("already in use")).isPresent();
                throw new BuildFailure(Buildah.failureMessage(someoneElses
                        ? "could not make the working container " + name + " from " + image
                        : "could not pull " + image, pulled, TRANSFER_TIMEOUT));
            }
            // Components' programs enter a held buildah run (Holder): it starts now, beside the mount and
            // the engine's first step, rather than when the first program comes (about 0.15 s).
            holder = Holder.startAsync(buildah, t.host(), name);
            String mountpoint = buildah.run(List.of("mount", name), SHORT_TIMEOUT, log, false,
                    "could not mount the working container " + name).firstLine();
            String user = buildah.run(List.of("inspect", "--type", "container", "--format",
                            "{{.OCIv1.Config.User}}", name), SHORT_TIMEOUT, log, false,
                    "could not read the configuration of the working container " + name).firstLine();
            ContainerTarget target = new ContainerTarget(buildah, t.host(), name, Path.of(mountpoint), user, log,
                    holder);
            try {
                target.bindDev();
            } catch (IOException e) {
                target.releaseDev();
                throw new BuildFailure("could not prepare the working container " + name + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                target.releaseDev();
                throw e;
            }
            made = true;
            return new BuildahContainer(buildah, name, target, log);
        } finally {
            if (!made && holder != null) {
                Holder.stopWhenStarted(holder);
            }
            if (!made && !someoneElses) {
                buildah.runQuietly(List.of("rm", name), SHORT_TIMEOUT, log, "remove the container " + name);
            }
        }
    }

    @Override
    public String push(String image, String reference, BuildLog log) throws IOException, InterruptedException {
        Buildah buildah = tools(log).buildah();
        Path work = Files.createTempDirectory("kiln-push-");
        try {
            Path digestFile = work.resolve("digest");
            List<String> args = new ArrayList<>(List.of("push", "--digestfile", digestFile.toString()));
            args.addAll(RETRY);
            if (onLoopback(reference)) {
                args.add("--tls-verify=false");
            }
            args.addAll(List.of(image, "docker://" + reference));
            log.info("pushing " + image + " to " + reference);
            buildah.run(args, TRANSFER_TIMEOUT, log, true, "could not push " + image + " to " + reference);
            String digest = Files.readString(digestFile, StandardCharsets.UTF_8).strip();
            if (!digest.startsWith("sha256:")) {
                throw new BuildFailure("could not push " + image + " to " + reference
                        + ": buildah wrote no digest (" + digest + ")");
            }
            log.info("pushed " + reference + "@" + digest);
            return digest;
        } finally {
            Trees.deleteQuietly(work);
        }
    }

    @Override
    public void removeImages(List<String> images, BuildLog log) {
        Buildah buildah = toolsQuietly(log);
        if (buildah != null && !images.isEmpty()) {
            // One buildah for all: each call takes the storage lock and reads the store again (~20 ms).
            List<String> args = new ArrayList<>(List.of("rmi"));
            args.addAll(images);
            buildah.runQuietly(args, SHORT_TIMEOUT, log, "remove the images " + String.join(", ", images));
        }
    }

    /**
     * Removes the {@code kiln-*} containers and the {@code localhost/kiln-build/*} tags (an image goes
     * with its last name), then the images no name points to any more. When no Dockerfile build is
     * running, every other container is a build's leftover too (Kiln's storage holds nothing else) and
     * goes as well.
     */
    /** buildah and the host programs a container step runs through, or a failure naming their packages. */
    @Override
    public void checkHostPrograms() {
        HostPrograms.requireFor(HostPackages.Feature.CONTAINERS);
    }

    @Override
    public void sweepOrphans(BuildLog log) {
        Buildah buildah = toolsQuietly(log);
        if (buildah == null) {
            return;
        }
        boolean quiet = builds.writeLock().tryLock();
        try {
            List<String> containers = containers(buildah, log).stream()
                    .filter(n -> quiet || n.startsWith(CONTAINER_PREFIX)).toList();
            if (!containers.isEmpty()) {
                log.info("removing containers left by an earlier run: " + String.join(", ", containers));
                buildah.runQuietly(concat(List.of("rm"), containers), SHORT_TIMEOUT, log, "remove the containers");
            }
            if (quiet) {
                emptyTemporaryFolder(log);
            }
        } finally {
            if (quiet) {
                builds.writeLock().unlock();
            }
        }
        List<String> tags = buildTags(buildah, log);
        if (!tags.isEmpty()) {
            log.info("removing images left by an earlier run: " + String.join(", ", tags));
            buildah.runQuietly(concat(List.of("rmi"), tags), SHORT_TIMEOUT, log, "remove the images");
        }
        buildah.runQuietly(List.of("rmi", "--prune"), SHORT_TIMEOUT, log, "remove unnamed images");
    }

    /**
     * Unmounts what the storage keeps mounted (working containers' file systems, the overlay driver's
     * own mount of its folder); images and containers stay. Never throws.
     */
    @Override
    public void close() {
        Tools t;
        synchronized (this) {
            t = tools;
        }
        if (t == null) {
            return;
        }
        t.buildah().runQuietly(List.of("unmount", "--all"), SHORT_TIMEOUT, null, "unmount the containers");
        Path driverHome = storageFolder.resolve(t.driver());
        if (HostMounts.isMountPoint(driverHome)) {
            HostMounts.unmount(t.host().umount(), driverHome);
        }
        // Nothing mounted and no container: the run-time state is only lock files now, and a folder per
        // data folder would otherwise stay in /run until the host reboots.
        if (containers(t.buildah(), null).isEmpty()) {
            try {
                Trees.delete(runFolder);
            } catch (IOException e) {
                // Left for the host's next reboot: /run is a tmpfs.
            }
        }
    }

    private void emptyTemporaryFolder(BuildLog log) {
        try (var entries = Files.list(temporaryFolder)) {
            for (Path p : entries.toList()) {
                log.info("removing " + p + ", left by a buildah that was stopped");
                Trees.delete(p);
            }
        } catch (IOException e) {
            log.info("could not empty " + temporaryFolder + ": " + e.getMessage());
        }
    }

    /** The storage: buildah with its flags, the driver, the host programs; found and probed on first use. */
    private synchronized Tools tools(BuildLog log) throws IOException, InterruptedException {
        if (tools == null) {
            Path buildahPath = HostPrograms.require("buildah");
            HostTools host = HostTools.find();
            Files.createDirectories(storageFolder);
            Files.createDirectories(runFolder);
            Files.createDirectories(temporaryFolder);
            Optional<String> override = Optional.ofNullable(environment.get(StorageDrivers.OVERRIDE_VARIABLE))
                    .or(() -> Optional.ofNullable(System.getenv(StorageDrivers.OVERRIDE_VARIABLE)));
            String driver = StorageDrivers.choose(override, storageFolder, () -> probeOverlay(
                    new Buildah(buildahPath, host.env(), storageFolder, runFolder, StorageDrivers.OVERLAY,
                            environment), log), log::info);
            tools = new Tools(new Buildah(buildahPath, host.env(), storageFolder, runFolder, driver, environment),
                    host, driver);
        }
        return tools;
    }

    private Buildah toolsQuietly(BuildLog log) {
        boolean interrupted = Thread.interrupted();
        try {
            return tools(log).buildah();
        } catch (IOException | RuntimeException e) {
            log.info("cannot reach Kiln's container storage: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            interrupted = true;
            return null;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Overlay works when a container's file system really mounts. */
    private static Optional<String> probeOverlay(Buildah overlay, BuildLog log)
            throws IOException, InterruptedException {
        String name = "kiln-probe-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            Buildah.Output made = overlay.runUnchecked(List.of("from", "--name", name, "scratch"), SHORT_TIMEOUT,
                    null, false);
            if (!made.result().succeeded()) {
                return Optional.of(made.error().orElse("buildah from scratch failed"));
            }
            Buildah.Output mounted = overlay.runUnchecked(List.of("mount", name), SHORT_TIMEOUT, null, false);
            if (!mounted.result().succeeded()) {
                return Optional.of(mounted.error().orElse("buildah mount failed"));
            }
            return Optional.empty();
        } finally {
            overlay.runQuietly(List.of("rm", name), SHORT_TIMEOUT, log, "remove the probe container " + name);
        }
    }

    /** After a build was killed: its build container, if no other build could own it. */
    private void removeBuildLeftovers(Buildah buildah, BuildLog log) {
        if (!builds.writeLock().tryLock()) {
            return;
        }
        try {
            List<String> leftovers = containers(buildah, log).stream()
                    .filter(n -> !n.startsWith(CONTAINER_PREFIX)).toList();
            if (!leftovers.isEmpty()) {
                buildah.runQuietly(concat(List.of("rm"), leftovers), SHORT_TIMEOUT, log,
                        "remove the stopped build's container");
            }
        } finally {
            builds.writeLock().unlock();
        }
    }

    private static List<String> containers(Buildah buildah, BuildLog log) {
        JsonNode list = query(buildah, List.of("containers", "--all", "--json"), log, "list the containers");
        List<String> names = new ArrayList<>();
        for (JsonNode c : list) {
            String name = c.path("containername").asText("");
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private static List<String> buildTags(Buildah buildah, BuildLog log) {
        JsonNode list = query(buildah, List.of("images", "--all", "--json"), log, "list the images");
        Set<String> tags = new LinkedHashSet<>();
        for (JsonNode image : list) {
            for (JsonNode name : image.path("names")) {
                if (name.asText().startsWith(BUILD_TAG_PREFIX)) {
                    tags.add(name.asText());
                }
            }
        }
        return List.copyOf(tags);
    }

    /** A JSON query; an empty array when it fails (logged), since only clean-up asks. */
    private static JsonNode query(Buildah buildah, List<String> args, BuildLog log, String what) {
        boolean interrupted = Thread.interrupted();
        try {
            Buildah.Output out = buildah.runUnchecked(args, SHORT_TIMEOUT, log, false);
            if (out.result().succeeded()) {
                String text = out.stdoutText().strip();
                // buildah prints nothing at all, not [], when the list is empty.
                return text.isEmpty() ? JSON.createArrayNode() : JSON.readTree(text);
            }
            log.info("could not " + what + ": " + out.error().orElse("exit code " + out.result().exitCode()));
        } catch (IOException | RuntimeException e) {
            log.info("could not " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return JSON.createArrayNode();
    }

    /** The images a Dockerfile names: FROM lines and {@code COPY --from=} an image. */
    static List<String> dockerfileImages(String dockerfile) {
        List<String> images = new ArrayList<>();
        Matcher from = FROM_LINE.matcher(dockerfile);
        while (from.find()) {
            images.add(from.group(1));
        }
        Matcher copy = COPY_FROM.matcher(dockerfile);
        while (copy.find()) {
            images.add(copy.group(1));
        }
        return images;
    }

    /** True when a reference's registry is this host (127.0.0.0/8, localhost, [::1]): plain HTTP there. */
    static boolean onLoopback(String reference) {
        String ref = reference.startsWith("docker://") ? reference.substring("docker://".length()) : reference;
        int slash = ref.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String host = ref.substring(0, slash);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(1, end);
        } else if (host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        return host.equalsIgnoreCase("localhost") || host.equals("::1")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** The id buildah wrote, without its {@code sha256:} prefix: the form buildah prints and takes back. */
    static String imageId(Path iidFile) throws IOException {
        String id = Files.readString(iidFile, StandardCharsets.UTF_8).strip();
        if (id.startsWith("sha256:")) {
            id = id.substring("sha256:".length());
        }
        if (!id.matches("[0-9a-f]{64}")) {
            throw new BuildFailure("buildah wrote no image id to " + iidFile + " (" + id + ")");
        }
        return id;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private record Tools(Buildah buildah, HostTools host, String driver) {
    }
}
