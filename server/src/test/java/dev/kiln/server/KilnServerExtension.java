package dev.kiln.server;

import dev.kiln.core.store.AccessKey;
import dev.kiln.core.store.Account;
import dev.kiln.core.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import dev.kiln.common.files.Trees;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;

/**
 * A {@link KilnServer} started in-process on a free port, with a data directory of its own, for the
 * tests of one class: started before the first, stopped after the last (with the clients it made),
 * its data directory then removed. Register it on a static field:
 * <pre>{@code
 * @RegisterExtension
 * static final KilnServerExtension kiln = KilnServerExtension.inRegions(EAST, WEST);
 * }</pre>
 * and change the configuration with {@link #configured} ({@code c -> c.withBuilds(1)}).
 */
public final class KilnServerExtension implements BeforeAllCallback, AfterAllCallback {
    private final List<String> regions;
    private final UnaryOperator<ServerConfig> configure;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private Class<?> owner;
    private Path dataDir;
    private KilnServer server;

    private KilnServerExtension(List<String> regions, UnaryOperator<ServerConfig> configure) {
        this.regions = List.copyOf(regions);
        this.configure = configure;
    }

    /** A server of Kiln's local configuration serving these regions. */
    public static KilnServerExtension inRegions(String... regions) {
        return new KilnServerExtension(List.of(regions), UnaryOperator.identity());
    }

    /** The same, its configuration changed by {@code change} before the start. */
    public KilnServerExtension configured(UnaryOperator<ServerConfig> change) {
        return new KilnServerExtension(regions, c -> change.apply(configure.apply(c)));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (owner != null) {
            return; // a @Nested class of the one that started the server
        }
        owner = context.getRequiredTestClass();
        dataDir = Files.createTempDirectory("kiln-" + context.getRequiredTestClass().getSimpleName() + "-");
        server = KilnServer.start(configure.apply(ServerConfig.local(dataDir, 0, regions)));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        try {
            for (AutoCloseable c : clients) {
                c.close();
            }
            clients.clear();
            if (server != null) {
                server.close();
            }
        } finally {
            server = null;
            owner = null;
            deleteQuietly(dataDir);
        }
    }

    public KilnServer server() {
        if (server == null) {
            throw new IllegalStateException("the server is started before the first test of the class");
        }
        return server;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String endpoint() {
        return server().endpoint();
    }

    /** The account the first start made. */
    public String accountId() {
        return server().firstStart().account().id();
    }

    /** The keys the first start wrote to the credentials file. */
    public AwsBasicCredentials credentials() {
        return KilnTestServer.defaultProfile(server().credentialsFile());
    }

    /** An AWS SDK Image Builder client of the first account, in a region, closed with the server. */
    public ImagebuilderClient imageBuilder(String region) {
        return closedAfterAll(KilnTestServer.imageBuilder(server(), region));
    }

    /** The log of one of the server's builds, "(no log)" before there is one. */
    public String buildLog(String arn) {
        return KilnTestServer.buildLog(dataDir, arn);
    }

    /** An account of the server's with one access key, and the credentials file it is written to. */
    public record Identity(String account, AccessKey key, Path credentials) {
    }

    /**
     * Makes an account with one access key straight in the server's database (as {@code kiln accounts}
     * does), and writes the key to a credentials file of its own in {@code dir}.
     */
    public Identity newAccount(String name, Path dir) throws IOException {
        try (Database db = Database.open(Database.h2FileUrl(dataDir))) {
            Account account = db.accounts().createAccount(name);
            AccessKey key = db.accounts().createKey(account.id());
            Path file = KilnTestServer.writeCredentials(dir.resolve("credentials-" + key.accessKeyId()),
                    key.accessKeyId(), key.secretAccessKey());
            return new Identity(account.id(), key, file);
        }
    }

    /** Closes something after the last test, before the server stops. */
    public <T extends AutoCloseable> T closedAfterAll(T closeable) {
        clients.add(closeable);
        return closeable;
    }

    /** Removes a directory tree, without following links, leaving what cannot be removed. */
    static void deleteQuietly(Path root) {
        if (root != null) {
            Trees.deleteQuietly(root);
        }
    }
}
