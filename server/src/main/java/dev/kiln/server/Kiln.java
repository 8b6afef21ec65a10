package dev.kiln.server;

import dev.kiln.common.lifecycle.Lifecycle;
import dev.kiln.core.ImageBuilderApi;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.build.BuildQueue;
import dev.kiln.core.image.BaseImages;
import dev.kiln.core.image.ImageBuildEvents;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.notify.Notifications;
import dev.kiln.core.notify.RetryPolicy;
import dev.kiln.core.pipeline.PipelineScheduler;
import dev.kiln.core.resource.S3Documents;
import dev.kiln.core.store.Account;
import dev.kiln.core.store.Database;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.machines.Machines;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kiln assembled, without its HTTP edge: the database, the notifications, the first account, the base
 * images, the machines, the build queue, the API's operations and the pipeline scheduler, each pushed on
 * one {@link Lifecycle} as it opens. The server puts its HTTP edge on top; {@code kiln build} and
 * {@code kiln images launch} take the steps they need. Closing (or a failed start) closes the stack in
 * reverse: the database last, by Kiln, after everything that writes to it has stopped.
 */
public final class Kiln implements AutoCloseable {
    /** The bounds of each step's close; together under systemd's default 90 s stop timeout. */
    static final Duration SCHEDULER_BOUND = Duration.ofSeconds(12);
    static final Duration BUILDS_BOUND = Duration.ofSeconds(65);
    static final Duration MACHINES_BOUND = Duration.ofSeconds(20);
    static final Duration NOTIFICATIONS_BOUND = Duration.ofSeconds(8);
    static final Duration DATABASE_BOUND = Duration.ofSeconds(20);
    /** How long a stop waits for a start in progress to end before it closes what is open so far. */
    static final Duration START_BOUND = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(Kiln.class);

    private final Lifecycle lifecycle;
    private Database database;
    private ResourceStore resources;
    private FirstStart.Result firstStart = FirstStart.Result.NONE;
    private Machines machines;
    private BuildQueue builds;
    private ImageBuilderService service;
    private final Map<String, String> registries = new LinkedHashMap<>();

    private Kiln(String name) {
        this.lifecycle = new Lifecycle(name, LOG::warn);
    }

    /** An empty assembly: its steps are opened one by one with the methods below. */
    public static Kiln create(String name) {
        return new Kiln(name);
    }

    /** What is put on top of the assembly before its background work starts: the server's HTTP edge. */
    @FunctionalInterface
    public interface Edge {
        void open(Kiln kiln) throws IOException;
    }

    /**
     * Everything the server runs but its HTTP edge: the database (with the first account on first start),
     * notifications, base images, with builds the machines, the build queue (repairing what a stopped Kiln
     * left) and the API's operations, then the background work ({@link #startBackground}).
     */
    public static Kiln open(ServerConfig config) throws IOException {
        return open(config, kiln -> { });
    }

    /**
     * The same with an edge opened on top before the background work starts. The JVM shutdown hook comes
     * first: a stop during the start waits for it (within {@link #START_BOUND}), then closes all it opened.
     */
    public static Kiln open(ServerConfig config, Edge edge) throws IOException {
        Kiln kiln = new Kiln("kiln server").closeOnShutdown();
        try (Lifecycle.Opening opening = kiln.lifecycle.opening(START_BOUND)) {
            kiln.openAll(config);
            edge.open(kiln);
            kiln.startBackground(config);
            return kiln;
        } catch (RuntimeException | IOException e) {
            kiln.close();
            throw e;
        } catch (InterruptedException e) {
            kiln.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        }
    }

    private void openAll(ServerConfig config) throws IOException, InterruptedException {
        openDatabase(config.dataDir(), config.dbUrl(), config.dbUser(), config.dbPassword());
        // Image state changes go to Kiln topics' webhooks; what an earlier run left undelivered goes first.
        Notifications notifications = lifecycle.add("notifications", Notifications.start(database.topics(),
                Clock.systemUTC(), RetryPolicy.DEFAULT), NOTIFICATIONS_BOUND);
        resources = notifications.watching(database.resources());
        firstStart = FirstStart.ensureAccount(database.accounts(), config.dataDir());
        Set<String> regions = new LinkedHashSet<>(config.regions());
        new BaseImages(resources, config.clock()).seed(regions);
        if (config.maxConcurrentBuilds() > 0) {
            openMachines(config.dataDir(), config.clock(), config.baseImagesFolder(), config.registries());
            for (String region : regions) {
                machines.images().sweep(region);
            }
            machines.registries().sweepOrphans();
            BuildQueue queue = new BuildQueue(resources, machines.environment(config.instanceReadyTimeout())
                    .toBuilder().setS3(config.s3()).build(), config.maxConcurrentBuilds());
            lifecycle.add("builds", BUILDS_BOUND, queue::close,
                    () -> queue.running().stream().map(arn -> "building " + arn).toList());
            builds = queue;
            builds.recover();
        }
        service = ImageBuilderApi.create(resources, database.idempotency(), config.clock(), regions,
                builds == null ? ImageBuildEvents.NONE : builds, new S3Documents(config.s3()));
    }

    /**
     * Starts what runs in the background where images are built: each region's registry (so that the
     * image URIs of earlier builds can be pulled before the first build; one that cannot start is
     * logged, and container builds in its region fail saying why) and the pipeline scheduler. After the
     * HTTP port is bound: a registry's first start picks a free port, which must not be the API's.
     */
    private void startBackground(ServerConfig config) {
        if (builds == null) {
            return;
        }
        BuildLog log = BuildLog.discarding(Clock.systemUTC());
        for (String region : new LinkedHashSet<>(config.regions())) {
            try {
                registries.put(region, machines.registries().registry(region, log).host());
            } catch (BuildFailure | IOException e) {
                LOG.warn("the container registry of {} is not available: {}", region, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        PipelineScheduler scheduler = new PipelineScheduler(resources, database.leases(), config.clock(), builds);
        lifecycle.add("pipeline scheduler", scheduler, SCHEDULER_BOUND);
        scheduler.start();
    }

    /**
     * Opens the database of a data folder: PostgreSQL when {@code dbUrl} is given, else the embedded one
     * in the folder (created, readable by its owner only, when missing). It is the first step and closes
     * last.
     */
    public Database openDatabase(Path dataDir, String dbUrl, String dbUser, String dbPassword) throws IOException {
        try (Lifecycle.Opening opening = lifecycle.opening(START_BOUND)) {
            createDataDir(dataDir);
            return openDatabase(dbUrl == null ? Database.open(Database.h2FileUrl(dataDir))
                    : Database.open(dbUrl, dbUser, dbPassword));
        }
    }

    /**
     * Takes an opened database (e.g. an in-memory one) as this assembly's. Open it as the argument of this
     * call: a stop that comes while it opens then waits for it.
     */
    public Database openDatabase(Database opened) {
        database = lifecycle.add("database", opened, DATABASE_BOUND);
        resources = database.resources();
        return database;
    }

    /** Opens the machines: instance backends, image store, registries, base images. */
    public Machines openMachines(Path dataDir, Clock clock, Path baseImagesFolder, Map<String, URI> registries) {
        try (Lifecycle.Opening opening = lifecycle.opening(START_BOUND)) {
            machines = lifecycle.add("machines", Machines.in(dataDir, clock, baseImagesFolder, registries),
                    MACHINES_BOUND);
            return machines;
        }
    }

    /** Pushes another resource on this assembly's stack; it closes before what was opened earlier. */
    public <T extends AutoCloseable> T add(String what, T resource, Duration bound) {
        return lifecycle.add(what, resource, bound);
    }

    /** Pushes a close action on this assembly's stack. */
    public void add(String what, Duration bound, Lifecycle.Closer closer) {
        lifecycle.add(what, bound, closer);
    }

    /** Closes this assembly when the JVM stops (SIGTERM, Ctrl-C): the process's one shutdown hook. */
    public Kiln closeOnShutdown() {
        lifecycle.closeOnShutdown();
        return this;
    }

    /** Waits until the assembly is closed, e.g. by the shutdown hook. */
    public void awaitClosed() {
        lifecycle.awaitClosed();
    }

    /**
     * The account a command acts as when none is named: the first account, created (with the credentials
     * file) on first use as the server's first start would.
     */
    public String defaultAccount(Path dataDir) throws IOException {
        FirstStart.ensureAccount(database.accounts(), dataDir);
        return database.accounts().accounts().stream()
                .min(Comparator.comparing(Account::createdAt))
                .orElseThrow().id();
    }

    /**
     * Creates the data folder, when it does not exist yet, readable by its owner only: it holds the
     * database with every account's secret keys (and H2's lock file with the key to its TCP port).
     */
    public static void createDataDir(Path dataDir) throws IOException {
        if (Files.isDirectory(dataDir)) {
            return;
        }
        Path parent = dataDir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dataDir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dataDir); // not a POSIX file system
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dataDir)) {
                throw e;
            }
        }
    }

    public Database database() {
        return database;
    }

    /** The resources, through the notifications' watch when they run. */
    public ResourceStore resources() {
        return resources;
    }

    public FirstStart.Result firstStart() {
        return firstStart;
    }

    /** The machines; null when this assembly builds nothing. */
    public Machines machines() {
        return machines;
    }

    /** The build queue; null when this assembly builds nothing. */
    public BuildQueue builds() {
        return builds;
    }

    public ImageBuilderService service() {
        return service;
    }

    /** The registry (host:port) of each region whose registry answered at start. */
    public Map<String, String> registries() {
        return Map.copyOf(registries);
    }

    /** Closes everything opened, the last opened first, each within its bound; the database last. */
    @Override
    public void close() {
        lifecycle.close();
    }
}
