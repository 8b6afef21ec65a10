package dev.kiln.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where Kiln keeps its state: the data folder and, optionally, a PostgreSQL database. */
final class DataOptions {
    @Option(names = "--data-dir", defaultValue = ".kiln", paramLabel = "DIR",
            description = "Kiln's data folder (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--db-url", paramLabel = "JDBC-URL",
            description = "A PostgreSQL database (jdbc:postgresql://host:5432/kiln) instead of the embedded one.")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "The database user.")
    String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD",
            description = "The database password (or set KILN_DB_PASSWORD).")
    String dbPassword;

    @Option(names = "--base-images", paramLabel = "DIR",
            description = "Where Kiln-managed base images are cached (default: <data-dir>/base-images); several"
                    + " data folders can share one.")
    Path baseImages;

    String password() {
        return dbPassword != null ? dbPassword : System.getenv("KILN_DB_PASSWORD");
    }
}
