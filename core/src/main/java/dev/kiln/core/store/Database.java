package dev.kiln.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.LoggerFactory;

/**
 * Kiln's database: a connection pool on H2 (embedded, one file in the data dir) or PostgreSQL, brought
 * to the newest schema by the Flyway migrations in {@code db/migration} when opened, and the
 * stores on it. Thread-safe; close it once, at shut-down.
 */
public final class Database implements AutoCloseable {
    /** Connections per pool: enough for the HTTP edge and the build workers of one server. */
    public static final int DEFAULT_POOL_SIZE = 10;
    /** H2's error code for a connection whose session is closed (its message: "Database is already closed"). */
    private static final int H2_SESSION_CLOSED = 90121;
    /** How many Databases of this process are open on each H2 URL. */
    private static final Map<String, Integer> OPEN_H2 = new HashMap<>();

    private final HikariDataSource dataSource;
    private final ResourceStore resources;
    private final IdempotencyStore idempotency;
    private final AccountStore accounts;
    private final TopicStore topics;
    private final LeaseStore leases;

    private Database(HikariDataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        Jdbi jdbi = Jdbi.create(dataSource);
        this.resources = new JdbiResourceStore(jdbi);
        this.idempotency = new JdbiIdempotencyStore(jdbi, clock);
        this.accounts = new JdbiAccountStore(jdbi, clock);
        this.topics = new JdbiTopicStore(jdbi, clock);
        this.leases = new JdbiLeaseStore(jdbi);
    }

    /**
     * Opens a database, creating or migrating its schema.
     *
     * @param jdbcUrl e.g. {@code jdbc:h2:file:/var/lib/kiln/kiln} (see {@link #h2FileUrl}) or
     *                {@code jdbc:postgresql://host:5432/kiln?user=kiln&password=...}
     * @throws IllegalStateException when the database cannot be reached or migrated (the message
     *                               names the URL, without its password)
     */
    public static Database open(String jdbcUrl) {
        return open(jdbcUrl, null, null);
    }

    /** Opens a database with a user name and password given apart from the URL (either may be null). */
    public static Database open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, DEFAULT_POOL_SIZE);
    }

    /** Opens a database with a pool of at most {@code poolSize} connections. */
    public static Database open(String jdbcUrl, String user, String password, int poolSize) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("kiln-store");
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setExceptionOverride(new EvictClosedH2Sessions());
        config.setMinimumIdle(Math.min(2, poolSize));
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw cannotOpen(jdbcUrl, e);
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            removeH2ShutdownHook();
        }
        try {
            Flyway.configure(Database.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            if (jdbcUrl.startsWith("jdbc:h2:")) {
                synchronized (OPEN_H2) {
                    OPEN_H2.merge(jdbcUrl, 1, Integer::sum);
                }
            }
            return new Database(dataSource, Clock.systemUTC());
        } catch (RuntimeException e) {
            dataSource.close();
            throw cannotOpen(jdbcUrl, e);
        }
    }

    /**
     * The URL of the embedded database in a data dir: the file {@code <dataDir>/kiln.mv.db}. In H2's
     * automatic mixed mode ({@code AUTO_SERVER=TRUE}), so that {@code kiln accounts} and {@code kiln keys}
     * can open it while {@code kiln server} has it open: the first process opens the file itself, and a
     * later one connects to it through a TCP port that the first opens, with a random key that only the
     * lock file {@code <dataDir>/kiln.lock.db} tells. (H2 refuses {@code DB_CLOSE_ON_EXIT=FALSE} with it:
     * {@link #open} takes H2's shutdown hook away instead.)
     */
    public static String h2FileUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("kiln") + ";AUTO_SERVER=TRUE";
    }

    public ResourceStore resources() {
        return resources;
    }

    public IdempotencyStore idempotency() {
        return idempotency;
    }

    public AccountStore accounts() {
        return accounts;
    }

    /** Kiln topics, their webhooks and deliveries (notifications of image state changes). */
    public TopicStore topics() {
        return topics;
    }

    /** Named leases: which server sharing this database runs the pipeline scheduler. */
    public LeaseStore leases() {
        return leases;
    }

    /**
     * Closes the database: an embedded H2 database that this process holds open is shut down first, which
     * writes everything to its file and closes it even while other processes are connected to it (they
     * reconnect and open the file themselves); then the pool. Call it once, after everything that writes
     * has stopped: nothing else closes the file (see {@link #h2FileUrl}).
     */
    @Override
    public void close() {
        try {
            shutDownEmbeddedH2();
        } finally {
            dataSource.close();
        }
    }

    /**
     * H2 closes the session of a thread interrupted in a statement (a cancelled build, a worker stopped),
     * and says so with SQL state 90121, which HikariCP does not take for a dead connection: it would hand
     * the closed connection to the next caller. Evicted instead.
     */
    private static final class EvictClosedH2Sessions implements SQLExceptionOverride {
        @java.lang.Override
        public SQLExceptionOverride.Override adjudicate(SQLException e) {
            return e.getErrorCode() == H2_SESSION_CLOSED ? SQLExceptionOverride.Override.MUST_EVICT
                    : SQLExceptionOverride.Override.CONTINUE_EVICT;
        }
    }

    /**
     * Takes away the JVM shutdown hook H2 registers when it opens a database (its {@code DB_CLOSE_ON_EXIT},
     * which cannot be turned off with {@code AUTO_SERVER=TRUE}). That hook runs at the same time as Kiln's
     * and closes the file under the builds, the scheduler and the requests still finishing: their last
     * writes fail with "Database is already closed", and a close racing those writes can leave the file
     * without what was written since it was opened. Kiln closes the database itself, last, with
     * {@link #close()}. H2 has no public way to do this; should another H2 version lack the hook's field,
     * its hook stays and this says so.
     */
    static boolean removeH2ShutdownHook() {
        try {
            Field instance = Class.forName("org.h2.engine.OnExitDatabaseCloser").getDeclaredField("INSTANCE");
            instance.setAccessible(true);
            Runtime.getRuntime().removeShutdownHook((Thread) instance.get(null));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // IllegalStateException: the JVM is stopping already, and the hook runs.
            LoggerFactory.getLogger(Database.class).warn("H2 closes its databases itself when the JVM stops,"
                    + " perhaps before Kiln is done with them: {}", e.toString());
            return false;
        }
    }

    /**
     * SHUTDOWN on a connection to an H2 database this process hosts; nothing for PostgreSQL, nor when this
     * process is a client of another's (AUTO_SERVER): that one's database is not this process's to close.
     */
    private void shutDownEmbeddedH2() {
        String url = dataSource.getJdbcUrl();
        if (!url.startsWith("jdbc:h2:")) {
            return;
        }
        synchronized (OPEN_H2) {
            // Another Database of this process on the same file still uses it: the last one shuts it down.
            if (OPEN_H2.merge(url, -1, Integer::sum) > 0) {
                return;
            }
            OPEN_H2.remove(url);
        }
        // A connection of its own, not the pool's: the pool's would all be closed under HikariCP, which
        // would take them for broken and say so.
        try (Connection c = DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(),
                dataSource.getPassword())) {
            if (c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal) {
                try (Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                }
            }
        } catch (SQLException | RuntimeException e) {
            LoggerFactory.getLogger(Database.class).warn("could not shut the database down cleanly: {}", message(e));
        }
    }

    private static IllegalStateException cannotOpen(String jdbcUrl, RuntimeException e) {
        return new IllegalStateException("Cannot open the database " + redact(jdbcUrl) + ": " + message(e), e);
    }

    /** The URL without the value of a password parameter. */
    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String message(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && out.indexOf(m) < 0) {
                if (!out.isEmpty()) {
                    out.append(": ");
                }
                out.append(m);
            }
        }
        return out.isEmpty() ? e.toString() : out.toString();
    }
}
