package dev.kiln.server;

import dev.kiln.core.ImageBuilderApi;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.api.RequestBinder;
import dev.kiln.core.api.ServiceModel;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.build.BuildQueue;
import dev.kiln.core.image.BaseImages;
import dev.kiln.core.image.ImageBuildEvents;
import dev.kiln.core.resource.S3Documents;
import dev.kiln.core.notify.Notifications;
import dev.kiln.core.notify.RetryPolicy;
import dev.kiln.core.pipeline.PipelineScheduler;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.machines.Machines;
import dev.kiln.core.store.Database;
import dev.kiln.machines.image.FileImageStore;
import dev.kiln.server.auth.SigV4Verifier;
import dev.kiln.server.ec2.Ec2Handler;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.UriCompliance;
import org.slf4j.LoggerFactory;

/**
 * Kiln's API server: opens the database (creating the first account and its key on first start),
 * seeds the Kiln-managed base images, and serves the Image Builder API over HTTP, and EC2's Query API
 * for the AMIs in its image store.
 */
public final class KilnServer implements AutoCloseable {
    private final Database database;
    private final Javalin app;
    private final ServerConfig config;
    private final FirstStart.Result firstStart;
    private final BuildQueue builds;
    private final Machines machines;
    private final Map<String, String> registries;
    private final Notifications notifications;
    private final PipelineScheduler scheduler;

    private KilnServer(Database database, Javalin app, ServerConfig config, FirstStart.Result firstStart,
                       BuildQueue builds, Machines machines, Map<String, String> registries,
                       Notifications notifications, PipelineScheduler scheduler) {
        this.database = database;
        this.app = app;
        this.config = config;
        this.firstStart = firstStart;
        this.builds = builds;
        this.machines = machines;
        this.registries = registries;
        this.notifications = notifications;
        this.scheduler = scheduler;
    }

    public static KilnServer start(ServerConfig config) throws IOException {
        createDataDir(config.dataDir());
        Database database = openDatabase(config);
        BuildQueue builds = null;
        Machines machines = null;
        Map<String, String> registries = new LinkedHashMap<>();
        // Image state changes go to Kiln topics' webhooks; what an earlier run left undelivered goes first.
        Notifications notifications = Notifications.start(database.topics(), java.time.Clock.systemUTC(),
                RetryPolicy.DEFAULT);
        ResourceStore resources = notifications.watching(database.resources());
        try {
            FirstStart.Result first = FirstStart.ensureAccount(database.accounts(), config.dataDir());
            Set<String> regions = new LinkedHashSet<>(config.regions());
            new BaseImages(resources, config.clock()).seed(regions);
            if (config.maxConcurrentBuilds() > 0) {
                machines = Machines.in(config.dataDir(), config.clock(), config.baseImagesFolder(),
                        config.registries());
                for (String region : regions) {
                    machines.images().sweep(region);
                }
                machines.registries().sweepOrphans();
                builds = new BuildQueue(resources, machines.environment(config.instanceReadyTimeout()).toBuilder()
                        .setS3(config.s3()).build(), config.maxConcurrentBuilds());
                builds.recover();
            }
            ImageBuilderService service = ImageBuilderApi.create(resources, database.idempotency(),
                    config.clock(), regions, builds == null ? ImageBuildEvents.NONE : builds,
                    new S3Documents(config.s3()));
            SigV4Verifier verifier = new SigV4Verifier(database.accounts()::key, config.clock(), regions);
            ApiHandler api = new ApiHandler(ServiceModel.imageBuilder(), verifier, service,
                    RequestBinder.DEFAULT_MAX_BODY_BYTES);
            Javalin app = Javalin.create(c -> {
                c.showJavalinBanner = false;
                c.startupWatcherEnabled = false;
                c.http.maxRequestSize = RequestBinder.DEFAULT_MAX_BODY_BYTES + 1L;
                // SDKs percent-encode the ARN in /tags/{resourceArn}, '/' included.
                c.jetty.modifyHttpConfiguration(h -> {
                    h.setUriCompliance(UriCompliance.LEGACY);
                    // Answer a too-large declared body with 413 at once, without waiting for it.
                    h.setDelayDispatchUntilContent(false);
                    // Signed header values must reach SigV4 as sent: Jetty's header cache would otherwise
                    // answer "charset=UTF-8" for the "charset=utf-8" the AWS CLI signs on EC2's form posts.
                    h.setHeaderCacheCaseSensitive(true);
                });
                c.jetty.modifyServer(s -> s.setErrorHandler(new AwsErrorPages()));
            });
            // EC2's Query API (AMIs) is a form post to /, where Image Builder has no operation.
            Ec2Handler ec2 = new Ec2Handler(verifier.forService("ec2"), machines != null ? machines.images()
                    : new FileImageStore(config.dataDir().toAbsolutePath().resolve("regions"), config.clock()),
                    regions);
            Handler post = ctx -> {
                if ("/".equals(ctx.req().getRequestURI()) && Ec2Handler.isEc2Request(ctx)) {
                    ec2.handle(ctx);
                } else {
                    api.handle(ctx);
                }
            };
            for (HandlerType method : new HandlerType[] {HandlerType.GET, HandlerType.PUT, HandlerType.POST,
                    HandlerType.DELETE, HandlerType.PATCH, HandlerType.HEAD}) {
                app.addHttpHandler(method, "/*", method == HandlerType.POST ? post : api);
            }
            app.addHttpHandler(HandlerType.GET, "/", api);
            app.addHttpHandler(HandlerType.POST, "/", post);
            app.start(config.host(), config.port());
            if (machines != null) {
                // After the API's port is bound: a registry's first start picks a free port, which must not
                // be the one the API was asked to listen on.
                startRegistries(machines, regions, registries);
            }
            // Pipelines run on schedule only where images are built.
            PipelineScheduler scheduler = null;
            if (builds != null) {
                scheduler = new PipelineScheduler(resources, database.leases(), config.clock(), builds);
                scheduler.start();
            }
            return new KilnServer(database, app, config, first, builds, machines, registries, notifications,
                    scheduler);
        } catch (RuntimeException | IOException | InterruptedException e) {
            if (builds != null) {
                builds.close();
            }
            if (machines != null) {
                machines.close();
            }
            notifications.close();
            database.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting", e);
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Starts each region's registry with the server, so that the image URIs of earlier builds can be
     * pulled and parent images pushed before the first build. A registry that cannot start does not
     * stop the server: container builds in that region fail and say why.
     */
    private static void startRegistries(Machines machines, Set<String> regions, Map<String, String> started) {
        BuildLog log = BuildLog.discarding(java.time.Clock.systemUTC());
        for (String region : regions) {
            try {
                started.put(region, machines.registries().registry(region, log).host());
            } catch (BuildFailure | IOException e) {
                LoggerFactory.getLogger(KilnServer.class).warn("the container registry of {} is not available: {}",
                        region, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The registry (host:port) of each region whose registry answered at start; empty without builds. */
    public Map<String, String> registries() {
        return Map.copyOf(registries);
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

    static Database openDatabase(ServerConfig config) {
        if (config.dbUrl() == null) {
            return Database.open(Database.h2FileUrl(config.dataDir()));
        }
        return Database.open(config.dbUrl(), config.dbUser(), config.dbPassword());
    }

    public int port() {
        return app.port();
    }

    public String endpoint() {
        return "http://" + config.host() + ":" + port();
    }

    /** Set when this start created the first account; what to tell the person who started it. */
    public FirstStart.Result firstStart() {
        return firstStart;
    }

    public Path credentialsFile() {
        return config.dataDir().resolve(FirstStart.CREDENTIALS_FILE);
    }

    @Override
    public void close() {
        try {
            if (scheduler != null) {
                scheduler.close();
            }
            app.stop();
        } finally {
            try {
                if (builds != null) {
                    builds.close();
                }
            } finally {
                try {
                    if (machines != null) {
                        machines.close();
                    }
                } finally {
                    try {
                        notifications.close();
                    } finally {
                        database.close();
                    }
                }
            }
        }
    }
}
