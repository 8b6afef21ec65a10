package dev.kiln.cli;

import dev.kiln.common.s3.S3Config;
import dev.kiln.common.s3.S3Exception;
import dev.kiln.core.store.Database;
import dev.kiln.server.Kiln;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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

    @Option(names = "--registry", paramLabel = "REGION=URL",
            description = "The OCI registry that stands in for ECR in a region, e.g."
                    + " us-east-1=https://user:password@registry.example:5000 (repeatable). Regions without one get a"
                    + " registry Kiln runs on 127.0.0.1 with its storage in the data folder.")
    Map<String, String> registryUrls = new LinkedHashMap<>();

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "An S3-compatible endpoint, e.g. http://KEY:SECRET@127.0.0.1:9000 (or keys in"
                    + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY): builds upload their logs there when their"
                    + " infrastructure configuration has logging.s3Logs, and components' S3Download and S3Upload use it.")
    String s3Endpoint;

    /** The --s3-endpoint option, checked; null when it is not given. */
    S3Config s3() {
        if (s3Endpoint == null) {
            return null;
        }
        try {
            return S3Config.fromUrl(s3Endpoint, System.getenv());
        } catch (S3Exception e) {
            throw new UserError("--s3-endpoint: " + e.getMessage());
        }
    }

    /** The --registry options as URLs, checked. */
    Map<String, URI> registries() {
        Map<String, URI> out = new LinkedHashMap<>();
        registryUrls.forEach((region, url) -> {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new UserError("--registry " + region + "=" + url + ": not a URL: " + e.getMessage());
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new UserError("--registry " + region + "=" + url + ": give an http:// or https:// URL with a"
                        + " host, e.g. https://registry.example:5000");
            }
            out.put(region, uri);
        });
        return out;
    }

    /** Work done with Kiln's database open. */
    @FunctionalInterface
    interface DatabaseWork<T> {
        T run(Database db) throws Exception;
    }

    /**
     * Runs work on Kiln's database, opened as the server opens it (creating the data folder) and closed
     * after it, also when the JVM stops meanwhile (Ctrl-C): the database is never left for the JVM to drop.
     */
    <T> T withDatabase(String command, DatabaseWork<T> work) throws Exception {
        try (Kiln kiln = openDatabase(command)) {
            return work.run(kiln.database());
        }
    }

    /** The account a command acts as when none is named: Kiln's first account (made on first use). */
    String defaultAccount() {
        try (Kiln kiln = openDatabase("kiln")) {
            return kiln.defaultAccount(dataDir.toAbsolutePath());
        } catch (IOException e) {
            throw new UserError("cannot set up Kiln's first account: " + e.getMessage(), ExitCodes.FAILED);
        }
    }

    /** The account named by --account, else the default one. */
    String accountOrDefault(String account) {
        return account != null ? account : defaultAccount();
    }

    private Kiln openDatabase(String command) {
        Kiln kiln = Kiln.create(command).closeOnShutdown();
        try {
            kiln.openDatabase(dataDir.toAbsolutePath(), dbUrl, dbUser, password());
            return kiln;
        } catch (IOException | IllegalStateException e) {
            kiln.close();
            throw new UserError("cannot open Kiln's database: " + e.getMessage());
        }
    }

    String password() {
        return dbPassword != null ? dbPassword : System.getenv("KILN_DB_PASSWORD");
    }
}
