package dev.kiln.core.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the store contracts share: a new, empty database for each test, opened as {@link #db}, on the
 * backend a subclass names (H2 in a temp dir, or the throwaway PostgreSQL server).
 */
abstract class StoreFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";

    /** The URL of the test's database, for reopening it. */
    protected String url;
    protected Database db;

    /** A URL of a new, empty database. */
    protected abstract String newDatabaseUrl();

    @BeforeEach
    final void openDatabase() {
        url = newDatabaseUrl();
        db = Database.open(url);
    }

    @AfterEach
    final void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }

    /** Closes the database and opens it again, as a server restart does. */
    protected void restart() {
        db.close();
        db = null;
        db = Database.open(url);
    }

    static StoredResource component(String name, String version) {
        return versioned(REGION, ACCOUNT, "component", name, version);
    }

    static StoredResource versioned(String region, String account, String type, String name, String version) {
        String arn = "arn:aws:imagebuilder:" + region + ":" + account + ":" + type + "/"
                + name.toLowerCase().replace(' ', '-') + "/" + version;
        ObjectNode body = JSON.createObjectNode().put("name", name).put("version", version);
        return new StoredResource(arn, account, region, type, name, version, null, Instant.now(), body);
    }

    static StoredResource unversioned(String region, String account, String type, String name) {
        String arn = "arn:aws:imagebuilder:" + region + ":" + account + ":" + type + "/"
                + name.toLowerCase().replace(' ', '-');
        ObjectNode body = JSON.createObjectNode().put("arn", arn).put("name", name);
        return new StoredResource(arn, account, region, type, name, null, null, Instant.now(), body);
    }

    /** Runs a task on {@code threads} threads released at the same moment; answers each outcome. */
    static <T> List<Outcome<T>> concurrently(int threads, Callable<T> task) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            ready.await();
            go.countDown();
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    outcomes.add(new Outcome<>(f.get(60, TimeUnit.SECONDS), null));
                } catch (ExecutionException e) {
                    outcomes.add(new Outcome<>(null, e.getCause()));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("a concurrent call did not finish in 60 s", e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    record Outcome<T>(T value, Throwable error) {
    }
}
