package dev.kiln.server;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * How to run the server: where it listens, its data folder, the regions it serves (the first is the
 * default for messages) and the database (null for the embedded H2 database in the data folder).
 */
public record ServerConfig(String host, int port, Path dataDir, List<String> regions, String dbUrl,
                           String dbUser, String dbPassword, Clock clock) {
    public ServerConfig {
        regions = List.copyOf(regions);
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("a server serves at least one region");
        }
    }

    public static ServerConfig local(Path dataDir, int port, List<String> regions) {
        return new ServerConfig("127.0.0.1", port, dataDir, regions, null, null, null, Clock.systemUTC());
    }
}
