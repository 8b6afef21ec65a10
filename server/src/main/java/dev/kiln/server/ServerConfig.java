package dev.kiln.server;

import dev.kiln.common.s3.S3Config;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How to run the server: where it listens, its data folder, the regions it serves (the first is the
 * default for messages), the database (null for the embedded H2 database in the data folder), and
 * how many images it builds at once (0: no build worker, images stay PENDING), and where Kiln-managed
 * base images are cached (null: {@code <data>/base-images}), and how long an instance may take to
 * become reachable (null: {@link dev.kiln.machines.Machines#READY_TIMEOUT}), and the registries the
 * operator runs for some regions (the others get one Kiln runs on loopback), and the S3-compatible
 * endpoint builds upload their logs to and components' S3 actions reach (null: none).
 */
public record ServerConfig(String host, int port, Path dataDir, List<String> regions, String dbUrl,
                           String dbUser, String dbPassword, Clock clock, int maxConcurrentBuilds,
                           Path baseImagesFolder, Duration instanceReadyTimeout, Map<String, URI> registries,
                           S3Config s3) {
    /** Builds at once when nobody says: two fit the 2-core, few-GiB machines Kiln is tested on. */
    public static final int DEFAULT_CONCURRENT_BUILDS = 2;

    public ServerConfig {
        regions = List.copyOf(regions);
        registries = registries == null ? Map.of() : Map.copyOf(registries);
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("a server serves at least one region");
        }
        if (maxConcurrentBuilds < 0) {
            throw new IllegalArgumentException("maxConcurrentBuilds must be 0 (no build worker) or more");
        }
    }

    /** A server on loopback with the embedded database and no build worker: images stay PENDING. */
    public static ServerConfig local(Path dataDir, int port, List<String> regions) {
        return new ServerConfig("127.0.0.1", port, dataDir, regions, null, null, null, Clock.systemUTC(), 0, null, null,
                Map.of(), null);
    }

    /** The same with a build worker running up to this many builds at once. */
    public ServerConfig withBuilds(int maxConcurrentBuilds) {
        return new ServerConfig(host, port, dataDir, regions, dbUrl, dbUser, dbPassword, clock, maxConcurrentBuilds,
                baseImagesFolder, instanceReadyTimeout, registries, s3);
    }

    /** The same with Kiln-managed base images kept (and shared) in another folder. */
    public ServerConfig withBaseImagesFolder(Path folder) {
        return new ServerConfig(host, port, dataDir, regions, dbUrl, dbUser, dbPassword, clock, maxConcurrentBuilds,
                folder, instanceReadyTimeout, registries, s3);
    }

    /** The same with another bound on how long an instance may take to become reachable. */
    public ServerConfig withInstanceReadyTimeout(Duration timeout) {
        return new ServerConfig(host, port, dataDir, regions, dbUrl, dbUser, dbPassword, clock, maxConcurrentBuilds,
                baseImagesFolder, timeout, registries, s3);
    }

    /**
     * The same with operator-run registries for some regions (URL, credentials in its user info); the
     * other regions get a registry Kiln runs on loopback.
     */
    public ServerConfig withRegistries(Map<String, URI> registries) {
        return new ServerConfig(host, port, dataDir, regions, dbUrl, dbUser, dbPassword, clock, maxConcurrentBuilds,
                baseImagesFolder, instanceReadyTimeout, registries, s3);
    }

    /** The same with an S3-compatible endpoint (null for none). */
    public ServerConfig withS3(S3Config s3) {
        return new ServerConfig(host, port, dataDir, regions, dbUrl, dbUser, dbPassword, clock, maxConcurrentBuilds,
                baseImagesFolder, instanceReadyTimeout, registries, s3);
    }
}
