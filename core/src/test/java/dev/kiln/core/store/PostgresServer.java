package dev.kiln.core.store;

import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway PostgreSQL server for integration tests: initdb in a temp dir, started by pg_ctl on a free
 * port of 127.0.0.1 (unix socket in the temp dir), with password authentication over TCP; stopped and
 * deleted when the test run ends. One server serves the whole run, each test gets a database of its own.
 * When root runs the tests, the server runs as the {@code postgres} user (initdb refuses root).
 *
 * <p>Register with {@code @RegisterExtension static final PostgresServer.Extension POSTGRES = ...}; other
 * modules' tests have it from this module's test jar.
 * When PostgreSQL's programs are missing the tests fail, naming the package to install.
 */
public final class PostgresServer implements AutoCloseable {
    static final String USER = "kiln";
    static final String PASSWORD = "kiln-test-password";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final Path bin;
    private final boolean asPostgres;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();
    private final Thread shutdownHook;
    private boolean closed;

    private PostgresServer(Path dir, Path bin, boolean asPostgres, int port) {
        this.dir = dir;
        this.bin = bin;
        this.asPostgres = asPostgres;
        this.port = port;
        this.shutdownHook = new Thread(this::stopQuietly, "postgres-test-server-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** JUnit extension handing out the run's one server, started on first use. */
    public static final class Extension implements BeforeAllCallback {
        private PostgresServer server;

        @Override
        public void beforeAll(ExtensionContext context) {
            server = context.getRoot().getStore(ExtensionContext.Namespace.create(PostgresServer.class))
                    .getOrComputeIfAbsent("server", k -> start(), PostgresServer.class);
        }

        /** The URL (user and password in it) of a new, empty database. */
        public String newDatabaseUrl() {
            return server.newDatabaseUrl();
        }

        PostgresServer server() {
            return server;
        }
    }

    static PostgresServer start() {
        Path bin = findBin();
        boolean root = isRoot();
        try {
            Path dir = Files.createTempDirectory("kiln-pg-");
            try {
                if (root) {
                    UserPrincipal postgres;
                    try {
                        postgres = dir.getFileSystem().getUserPrincipalLookupService()
                                .lookupPrincipalByName("postgres");
                    } catch (IOException e) {
                        throw new IllegalStateException("Running as root, the test PostgreSQL server must run as"
                                + " the user postgres, which does not exist: apt-get install postgresql", e);
                    }
                    Files.setOwner(dir, postgres);
                }
                Path pwfile = dir.resolve("pwfile");
                Files.writeString(pwfile, PASSWORD + "\n");
                if (root) {
                    Files.setOwner(pwfile, Files.getOwner(dir));
                }
                run(root, List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                        "-U", USER, "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
                        "-E", "UTF8", "--locale=C", "--no-sync"), "initdb");
                IllegalStateException last = null;
                for (int attempt = 0; attempt < 3; attempt++) {
                    int port = freePort();
                    try {
                        run(root, List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                                "-l", dir.resolve("postgres.log").toString(), "-w", "-t", "60",
                                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1"
                                        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                                        + " -c max_connections=200",
                                "start"), "pg_ctl start");
                        return new PostgresServer(dir, bin, root, port);
                    } catch (IllegalStateException e) {
                        last = e; // most likely the port was taken in between: try another
                    }
                }
                throw last;
            } catch (RuntimeException | IOException e) {
                delete(dir);
                throw e;
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the test PostgreSQL server: " + e, e);
        }
    }

    String newDatabaseUrl() {
        String name = "kiln_test_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"));
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the test database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    /** The URL of a database, user and password in it. */
    String url(String database) {
        return urlWithoutCredentials(database) + "?user=" + USER + "&password=" + PASSWORD;
    }

    String urlWithoutCredentials(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            run(asPostgres, List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-m", "immediate", "-w", "-t", "60", "stop"), "pg_ctl stop");
        } finally {
            delete(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // Already shutting down: this is the hook.
            }
        }
    }

    private void stopQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("Could not stop the test PostgreSQL server in " + dir + ": " + e.getMessage());
        }
    }

    /** The newest installed PostgreSQL's bin dir ({@code KILN_PG_BIN} overrides). */
    private static Path findBin() {
        String override = System.getenv("KILN_PG_BIN");
        List<Path> candidates = new ArrayList<>();
        if (override != null && !override.isBlank()) {
            candidates.add(Path.of(override));
        } else {
            Path root = Path.of("/usr/lib/postgresql");
            if (Files.isDirectory(root)) {
                try (Stream<Path> versions = Files.list(root)) {
                    versions.map(v -> v.resolve("bin"))
                            .sorted(Comparator.comparing(PostgresServer::majorVersion).reversed())
                            .forEach(candidates::add);
                } catch (IOException e) {
                    // Treated as not installed.
                }
            }
        }
        Optional<Path> bin = candidates.stream()
                .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                .findFirst();
        return bin.orElseThrow(() -> new IllegalStateException("The PostgreSQL integration tests need PostgreSQL's"
                + " server programs (initdb, pg_ctl) in " + (override != null && !override.isBlank() ? override
                : "/usr/lib/postgresql/<version>/bin") + ", which are not installed: apt-get install postgresql"));
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void run(boolean asPostgres, List<String> command, String what) {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        List<String> output = new ArrayList<>();
        OutputListener collect = new OutputListener() {
            @Override
            public synchronized void stdout(String line) {
                output.add(line);
            }

            @Override
            public synchronized void stderr(String line) {
                output.add(line);
            }
        };
        ExecResult result;
        try {
            result = ProcessRunner.run(ExecRequest.of(full, TIMEOUT), collect);
        } catch (IOException e) {
            throw new IllegalStateException(what + " could not be started: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        }
        if (!result.succeeded()) {
            synchronized (collect) {
                throw new IllegalStateException(what + (result.timedOut() ? " timed out" : " failed with exit code "
                        + result.exitCode()) + ":\n" + String.join("\n", output));
            }
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Left for the OS to clean up with the rest of the temp dir.
                }
            });
        } catch (IOException e) {
            // Same.
        }
    }
}
