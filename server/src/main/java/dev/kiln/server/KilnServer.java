package dev.kiln.server;

import dev.kiln.core.api.RequestBinder;
import dev.kiln.core.api.ServiceModel;
import dev.kiln.machines.image.FileImageStore;
import dev.kiln.server.auth.SigV4Verifier;
import dev.kiln.server.ec2.Ec2Handler;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.UriCompliance;

/**
 * Kiln's API server: the {@link Kiln} assembly (the database, with the first account and its key on
 * first start, the base images, the builds...) with the Image Builder API over HTTP on top, and EC2's
 * Query API for the AMIs in its image store. Its HTTP edge is one more step on the assembly's stack: a
 * failed start and {@link #close()} close the same stack.
 */
public final class KilnServer implements AutoCloseable {
    /** Jetty's graceful stop: the requests already in finish, within this. */
    static final Duration HTTP_BOUND = Duration.ofSeconds(10);

    private final Kiln kiln;
    private final Javalin app;
    private final ServerConfig config;

    private KilnServer(Kiln kiln, Javalin app, ServerConfig config) {
        this.kiln = kiln;
        this.app = app;
        this.config = config;
    }

    public static KilnServer start(ServerConfig config) throws IOException {
        Javalin[] app = new Javalin[1];
        // The registries start after the API's port is bound: a registry's first start picks a free port,
        // which must not be the one the API was asked to listen on.
        Kiln kiln = Kiln.open(config, k -> {
            app[0] = httpEdge(k, config);
            app[0].start(config.host(), config.port());
            k.add("HTTP API", HTTP_BOUND, app[0]::stop);
        });
        return new KilnServer(kiln, app[0], config);
    }

    private static Javalin httpEdge(Kiln kiln, ServerConfig config) {
        Set<String> regions = new LinkedHashSet<>(config.regions());
        SigV4Verifier verifier = new SigV4Verifier(kiln.database().accounts()::key, config.clock(), regions);
        ApiHandler api = new ApiHandler(ServiceModel.imageBuilder(), verifier, kiln.service(),
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
        Ec2Handler ec2 = new Ec2Handler(verifier.forService("ec2"), kiln.machines() != null ? kiln.machines().images()
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
        return app;
    }

    /** The registry (host:port) of each region whose registry answered at start; empty without builds. */
    public Map<String, String> registries() {
        return kiln.registries();
    }

    public int port() {
        return app.port();
    }

    public String endpoint() {
        return "http://" + config.host() + ":" + port();
    }

    /** Set when this start created the first account; what to tell the person who started it. */
    public FirstStart.Result firstStart() {
        return kiln.firstStart();
    }

    public Path credentialsFile() {
        return config.dataDir().resolve(FirstStart.CREDENTIALS_FILE);
    }

    /** The assembly under the HTTP edge. */
    Kiln kiln() {
        return kiln;
    }

    /** Closes the server when the JVM stops (SIGTERM, Ctrl-C): the process's one shutdown hook. */
    public KilnServer closeOnShutdown() {
        kiln.closeOnShutdown();
        return this;
    }

    /** Waits until the server is closed, e.g. by the shutdown hook. */
    public void awaitClosed() {
        kiln.awaitClosed();
    }

    /**
     * Stops in the reverse order of the start: the scheduler, the HTTP edge (requests in flight finish),
     * the builds, the machines, the notifications, and the database last.
     */
    @Override
    public void close() {
        kiln.close();
    }
}
