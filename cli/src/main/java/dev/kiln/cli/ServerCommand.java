package dev.kiln.cli;

import dev.kiln.server.KilnServer;
import dev.kiln.server.ServerConfig;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kiln server}: serve the Image Builder API. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Serve the EC2 Image Builder API, for the AWS CLI and SDKs (--endpoint-url).")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host;

    @Option(names = "--regions", defaultValue = "us-east-1", split = ",", paramLabel = "us-east-1,us-west-2",
            description = "Regions this server serves (default: ${DEFAULT-VALUE}).")
    List<String> regions;

    @Option(names = "--max-builds", defaultValue = "2", paramLabel = "N",
            description = "Images built at once; the rest wait in order (default: ${DEFAULT-VALUE}; 0: build nothing).")
    int maxBuilds;

    @Option(names = "--instance-ready-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "How long a build or test instance may take to become reachable (default: ${DEFAULT-VALUE}).")
    int readyTimeoutSeconds;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        if (readyTimeoutSeconds < 1) {
            throw new UserError("--instance-ready-timeout must be at least 1 second");
        }
        if (maxBuilds < 0) {
            throw new UserError("--max-builds must be 0 or more, not " + maxBuilds);
        }
        for (String r : regions) {
            if (!r.matches("[a-z]{2,}(-[a-z]+)+-[0-9]+")) {
                throw new UserError("--regions: '" + r + "' is not a region name like us-east-1");
            }
        }
        ServerConfig config = new ServerConfig(host, port, data.dataDir.toAbsolutePath(), regions, data.dbUrl,
                data.dbUser, data.password(), Clock.systemUTC(), maxBuilds, data.baseImages,
                java.time.Duration.ofSeconds(readyTimeoutSeconds), data.registries(), data.s3());
        KilnServer server;
        try {
            server = KilnServer.start(config);
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage());
        }
        server.closeOnShutdown();
        System.err.println("Kiln serves the Image Builder API at " + server.endpoint() + " for regions "
                + String.join(", ", regions));
        if (server.firstStart().created()) {
            System.err.println("First start: created account " + server.firstStart().account().id()
                    + " and its access key, in " + server.credentialsFile() + " (mode 0600).");
            if (server.firstStart().keptCredentials() != null) {
                System.err.println("Warning: the database had no account, but " + server.credentialsFile()
                        + " was there: it is kept as " + server.firstStart().keptCredentials() + ". Was the"
                        + " database deleted, or is --db-url another one than before?");
            }
        }
        server.registries().forEach((region, host) -> System.err.println("Container registry of " + region + ": " + host
                + " (container images are pushed there; pull with --tls-verify=false)"));
        if (config.s3() != null) {
            System.err.println("Build logs are uploaded to " + config.s3().endpoint() + " for infrastructure"
                    + " configurations with logging.s3Logs; components' S3Download and S3Upload use it too.");
        }
        System.err.println("Point the AWS CLI at it:\n"
                + "  export AWS_SHARED_CREDENTIALS_FILE=" + server.credentialsFile() + " AWS_DEFAULT_REGION="
                + regions.get(0) + "\n"
                + "  aws imagebuilder list-components --endpoint-url " + server.endpoint());
        server.awaitClosed();
        return ExitCodes.OK;
    }
}
