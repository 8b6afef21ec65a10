package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.store.Database;
import dev.kiln.core.store.PostgresServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful stop loses nothing: rounds of start / write / SIGTERM / start again, on H2 and on PostgreSQL.
 * Each round starts Kiln in a process of its own ({@link SoakChild}: every fourth round with the machines,
 * the build queue and the pipeline scheduler, every eighth the whole server, HTTP edge included, writing
 * through the API), lets threads write accounts, keys and components, and
 * stops it with SIGTERM at a random moment: mostly while the writes are in flight, sometimes while it
 * still starts. Then every row the process acknowledged must be there, the first start must have
 * happened once, the credentials file must never have been written again, the pipeline scheduler's lease
 * must have been given back (its release is Kiln's last write before the database closes), and nothing
 * may have used the database after it closed.
 */
class LifecycleSoakIT {
    @RegisterExtension
    static final PostgresServer.Extension POSTGRES = new PostgresServer.Extension();
    private static final int ROUNDS = Integer.getInteger("kiln.soak.rounds", 100);
    private static final long SEED = Long.getLong("kiln.soak.seed", System.nanoTime());

    @TempDir
    Path data;

    @Test
    void noAcknowledgedRowIsLostAcrossSigtermsOnH2() throws Exception {
        soak(null);
    }

    @Test
    void noAcknowledgedRowIsLostAcrossSigtermsOnPostgres() throws Exception {
        soak(POSTGRES.newDatabaseUrl());
    }

    /** What one round's process acknowledged. */
    private record Round(int number, List<String> accounts, List<String> keys, List<String> components,
                         boolean firstStart, String stderr, int exitCode) {
    }

    private void soak(String dbUrl) throws Exception {
        Random random = new Random(SEED);
        Set<String> accounts = new HashSet<>();
        Set<String> keys = new HashSet<>();
        Set<String> components = new HashSet<>();
        Path credentials = data.resolve(FirstStart.CREDENTIALS_FILE);
        byte[] firstCredentials = null;
        int firstStarts = 0;
        Instant start = Instant.now();
        for (int n = 1; n <= ROUNDS; n++) {
            Round round = round(n, n % 8 == 0, n % 4 == 0, dbUrl, random);
            String where = "round " + n + " of " + ROUNDS + " (seed " + SEED + ")";
            assertThat(round.stderr()).as(where + ": nothing uses the database after Kiln closed it")
                    .doesNotContain("already closed");
            accounts.addAll(round.accounts());
            keys.addAll(round.keys());
            components.addAll(round.components());
            firstStarts += round.firstStart() ? 1 : 0;
            assertThat(firstStarts).as(where + ": the first account is made once").isLessThanOrEqualTo(1);
            try (Database db = open(dbUrl, where + ", " + round.stderr())) {
                Set<String> present = new HashSet<>();
                db.accounts().accounts().forEach(a -> present.add(a.id()));
                assertThat(accounts).as(where + ": every acknowledged account is there").isSubsetOf(present);
                assertThat(keys.stream().filter(k -> db.accounts().key(k).isEmpty()))
                        .as(where + ": every acknowledged key is there").isEmpty();
                assertThat(components.stream().filter(c -> db.resources().get(c).isEmpty()))
                        .as(where + ": every acknowledged component is there").isEmpty();
                assertThat(db.leases().acquire("pipeline-scheduler", "soak-check", Instant.now(), Duration.ofSeconds(1)))
                        .as(where + ": the stopped scheduler gave its lease back").isTrue();
                db.leases().release("pipeline-scheduler", "soak-check");
            }
            if (Files.exists(credentials)) {
                byte[] now = Files.readAllBytes(credentials);
                if (firstCredentials == null) {
                    firstCredentials = now;
                }
                assertThat(now).as(where + ": the credentials file is never written again").isEqualTo(firstCredentials);
            }
            try (Stream<Path> files = Files.list(data)) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("credentials.kept-")))
                        .as(where + ": no credentials file was put aside").isEmpty();
            }
        }
        System.out.printf("%s: %d rounds in %d s (seed %d): %d accounts, %d keys, %d components acknowledged,"
                        + " none lost%n", dbUrl == null ? "H2" : "PostgreSQL", ROUNDS,
                Duration.between(start, Instant.now()).toSeconds(), SEED, accounts.size(), keys.size(),
                components.size());
        assertThat(accounts).isNotEmpty();
        assertThat(components).isNotEmpty();
    }

    /**
     * One process: started, given SIGTERM at a random moment (one round in four counted from the launch,
     * so that it may still be starting; the others after it is writing), and waited for.
     */
    private Round round(int n, boolean http, boolean builds, String dbUrl, Random random) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path stderr = data.resolveSibling(data.getFileName() + "-round-" + n + ".err");
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                SoakChild.class.getName(), http ? "server" : "kiln", builds ? "1" : "0", data.toString(),
                dbUrl == null ? "-" : dbUrl));
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.equals("READY")) {
                        ready.countDown();
                    } else {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // The process is gone: what it said is in lines.
            }
        });
        reader.start();
        long launched = System.nanoTime();
        boolean early = random.nextInt(4) == 0;
        if (early) {
            Thread.sleep(random.nextInt(1800));
        } else {
            assertThat(ready.await(60, TimeUnit.SECONDS)).as("round " + n + " started: " + read(stderr)).isTrue();
            Thread.sleep(random.nextInt(500));
        }
        long ran = System.nanoTime();
        child.destroy(); // SIGTERM
        assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("round " + n + " stopped in time").isTrue();
        if (Boolean.getBoolean("kiln.soak.timing")) {
            System.out.printf("round %d: ran %d ms, stopped in %d ms; %s%n", n, (ran - launched) / 1_000_000,
                    (System.nanoTime() - ran) / 1_000_000, read(stderr).lines().filter(l -> l.startsWith("soak:"))
                            .toList());
        }
        reader.join();
        List<String> said = List.copyOf(lines);
        Round round = new Round(n, values(said, "A "), values(said, "K "), values(said, "C "),
                said.contains("START first"), (early ? "stopped " + (ready.getCount() > 0 ? "while starting" : "early")
                : "stopped while writing") + ", exit code " + child.exitValue() + ":\n" + read(stderr), child.exitValue());
        Files.deleteIfExists(stderr);
        return round;
    }

    private Database open(String dbUrl, String after) {
        try {
            return dbUrl == null ? Database.open(Database.h2FileUrl(data)) : Database.open(dbUrl);
        } catch (IllegalStateException e) {
            throw new AssertionError("the database does not open after " + after, e);
        }
    }

    private static List<String> values(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
