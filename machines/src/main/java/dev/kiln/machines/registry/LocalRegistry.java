package dev.kiln.machines.registry;

import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.Tail;
import dev.kiln.common.wait.Wait;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.machines.host.ProcessSupervisor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One CNCF registry ({@code docker-registry}) serving one folder on loopback, kept running until
 * {@link #stop()}.
 *
 * <p>Why it is shaped this way:
 * <ul>
 * <li><b>Kiln's own config, rewritten at each start.</b> Debian's {@code /etc/docker/registry/config.yml}
 * turns on htpasswd auth and listens on :5000 on every interface; ours listens on 127.0.0.1 only, keeps
 * its blobs in {@code data/} beside the config, allows deletes (so images can be deleted like ECR ones)
 * and logs at warn level, since the log outlives every build. {@code REGISTRY_*} variables are removed
 * from its environment because the registry lets them override any config key.</li>
 * <li><b>A port that never moves.</b> Image URIs recorded in Kiln's database name
 * {@code 127.0.0.1:PORT}, so the port picked on the first start is kept in {@code port} and used ever
 * after. If another program has taken it, starting fails with a message naming the port and the file
 * rather than quietly moving the registry and breaking every recorded URI.</li>
 * <li><b>Output to {@code registry.log}, not a pipe.</b> The registry outlives builds, so its lines
 * belong to no build log; and a file, unlike a pipe, does not kill it with SIGPIPE when Kiln dies,
 * which keeps the process around for the orphan sweep to find by its {@code pid} file rather than
 * half-dead. The file is rotated once (to {@code registry.log.1}) past 10 MiB, at a start.</li>
 * <li><b>Supervised</b> by a {@link ProcessSupervisor}: a daemon thread waits on the process; an exit
 * that {@link #stop()} did not ask for is noted in {@code registry.log} and followed by a restart on
 * the same port after a growing pause (0.5 s doubling to 30 s, back to 0.5 s once a run lasted a minute), so a crash
 * costs a build a short wait, not a failure, and a registry that cannot start does not spin.</li>
 * <li><b>Its own session</b> (setsid, as {@link ProcessRunner} does), so a terminal's Ctrl-C meant for
 * Kiln does not reach it and Kiln stops it in order: SIGTERM, then SIGKILL after 5 s.</li>
 * </ul>
 */
final class LocalRegistry {
    static final String CONFIG_FILE = "config.yml";
    static final String PORT_FILE = "port";
    static final String PID_FILE = "pid";
    static final String LOG_FILE = "registry.log";
    static final String DATA_FOLDER = "data";
    static final String PROGRAM = "docker-registry";

    /** Folders whose registry this JVM runs: the orphan sweep leaves them alone. */
    static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration HEALTHY_RUN = Duration.ofMinutes(1);
    private static final long ROTATE_BYTES = 10L * 1024 * 1024;
    private static final int FRESH_PORT_ATTEMPTS = 5;
    private static final int TAIL_LINES = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path folder;
    private final ProcessSupervisor supervisor;
    private volatile int port;

    LocalRegistry(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
        this.supervisor = new ProcessSupervisor(PROGRAM, this.folder.resolve(PID_FILE), this::note,
                new ProcessSupervisor.Timing(STOP_GRACE, FIRST_BACKOFF, MAX_BACKOFF, HEALTHY_RUN));
    }

    Path folder() {
        return folder;
    }

    /** The port it listens on (0 before the first start when no port was persisted yet). */
    int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, as it appears in image references. */
    String host() {
        return "127.0.0.1:" + port;
    }

    URI url() {
        return URI.create("http://" + host());
    }

    boolean running() {
        return supervisor.running();
    }

    /** The registry process's pid, or -1 when none runs. */
    long pid() {
        return supervisor.pid();
    }

    /**
     * Starts the registry and supervises it, unless it already runs; concurrent callers wait for the
     * first one. Returns once {@code GET /v2/} answers 200.
     *
     * @return whether this call started it
     * @throws IOException when it does not answer within 10 s (with the last lines of registry.log),
     *         or when its persisted port is taken by another program
     */
    boolean start() throws IOException, InterruptedException {
        Path[] program = new Path[1];
        return supervisor.start(() -> {
            // Claimed before the pid file is written, so that a sweep in this JVM never takes the
            // starting registry for a leftover.
            boolean claimed = LIVE.add(folder);
            boolean ok = false;
            try {
                program[0] = HostPrograms.require(PROGRAM);
                Files.createDirectories(folder.resolve(DATA_FOLDER));
                int persisted = readPort(folder);
                if (persisted > 0) {
                    if (!portFree(persisted)) {
                        throw new IOException(portTakenMessage(persisted));
                    }
                    try {
                        launchAndAwait(program[0], persisted, "starting docker-registry on 127.0.0.1:" + persisted);
                    } catch (PortTaken e) {
                        throw new IOException(portTakenMessage(persisted) + "\n" + e.getMessage(), e);
                    }
                } else {
                    startOnFreshPort(program[0]);
                }
                ok = true;
            } finally {
                if (!ok && claimed) {
                    LIVE.remove(folder);
                }
            }
        }, () -> {
            if (!portFree(port)) {
                throw new IOException(portTakenMessage(port));
            }
            launchAndAwait(program[0], port, "restarting docker-registry on 127.0.0.1:" + port);
            note("restarted; it answers on 127.0.0.1:" + port);
        }, "registry-supervisor-" + folder.getParent().getFileName());
    }

    /**
     * Starts it if needed, then waits (bounded) until it answers: after a crash the supervisor may be
     * restarting it.
     *
     * @return whether this call started it
     */
    boolean awaitAnswering(Duration timeout) throws IOException, InterruptedException {
        boolean started = start();
        Wait.until("docker-registry to answer on " + url() + "/v2/", () -> RegistryPing.answers(url(), PING_TIMEOUT))
                .within(timeout)
                .every(Duration.ofMillis(100))
                .diagnosis(() -> tail(0))
                .failWith(f -> new IOException("it does not answer on " + url() + "/v2/ (it is restarted after a"
                        + " crash, but not within " + timeout.toSeconds() + " s); the last lines of "
                        + folder.resolve(LOG_FILE) + ":\n" + f.diagnosis()))
                .await();
        return started;
    }

    /** SIGTERM, then SIGKILL after 5 s; no restart. Does nothing when it does not run. */
    void stop() {
        if (supervisor.stop()) {
            LIVE.remove(folder);
        }
    }

    /**
     * Stops supervising and forgets the process without signalling it, as a Kiln that crashed would:
     * the process and its pid file stay. For tests of the orphan sweep.
     */
    void detach() throws InterruptedException {
        supervisor.detach();
        LIVE.remove(folder);
    }

    private void startOnFreshPort(Path program) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            int candidate = freePort();
            try {
                launchAndAwait(program, candidate, "starting docker-registry on 127.0.0.1:" + candidate
                        + ", a free port picked for its first start; it is kept in " + PORT_FILE
                        + " once the registry answers");
                writePort(folder, candidate);
                return;
            } catch (PortTaken e) {
                // Another program took the port between our probe and the registry's bind; nothing
                // names this port yet, so another one does as well.
                if (attempt == FRESH_PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Writes the config, starts the process, and waits until it answers; on failure it is killed. */
    private void launchAndAwait(Path program, int onPort, String startNote) throws IOException, InterruptedException {
        long[] logOffset = new long[1];
        URI url = URI.create("http://127.0.0.1:" + onPort);
        supervisor.launch(() -> {
            port = onPort;
            Files.writeString(folder.resolve(CONFIG_FILE), config(folder, onPort, randomSecret()));
            rotateLog();
            note(startNote);
            logOffset[0] = logSize();
            return new ProcessSupervisor.Command(
                    List.of(program.toString(), "serve", folder.resolve(CONFIG_FILE).toString()),
                    folder, folder.resolve(LOG_FILE), k -> k.startsWith("REGISTRY_"));
        }, p -> Wait.until("docker-registry in " + folder + " to answer on " + url + "/v2/",
                        () -> RegistryPing.answers(url, PING_TIMEOUT))
                .within(READY_TIMEOUT)
                .every(Duration.ofMillis(50))
                .whileAlive(p::isAlive, () -> "it exited with code " + p.exitValue())
                .diagnosis(() -> tail(logOffset[0]))
                .failWith(f -> {
                    if (f.outcome() == Wait.Outcome.GONE) {
                        String why = "docker-registry in " + folder + " exited with code " + p.exitValue()
                                + " before it answered on " + url + "/v2/; its last lines:\n" + f.diagnosis();
                        return f.diagnosis().contains("address already in use") ? new PortTaken(why)
                                : new IOException(why);
                    }
                    return new IOException("docker-registry in " + folder + " did not answer on " + url
                            + "/v2/ within " + READY_TIMEOUT.toSeconds() + " s; its last lines:\n" + f.diagnosis());
                }));
    }

    private String portTakenMessage(int taken) {
        Path portFile = folder.resolve(PORT_FILE);
        OptionalLong orphan = orphanPid(folder);
        String holder = orphan.isPresent()
                ? "is held by docker-registry pid " + orphan.getAsLong() + ", which an earlier Kiln left running"
                + " (Kiln stops such leftovers at start-up; or kill " + orphan.getAsLong() + ")"
                : "is taken by another program";
        return "its port 127.0.0.1:" + taken + " (kept in " + portFile + ") " + holder + ". Image URIs Kiln"
                + " recorded name this port, so Kiln does not move the registry by itself: stop that program, or write another port into " + portFile + ", or delete " + portFile
                + " to let Kiln pick a free one (the images stay, but URIs recorded with the old port stop working).";
    }

    /** The registry's config: loopback only, storage in {@code data/}, deletes allowed, warnings only. */
    static String config(Path folder, int port, String secret) {
        return "# Written by Kiln each time it starts this registry: edits here are lost.\n"
                + "version: 0.1\n"
                + "log:\n"
                + "  level: warn\n"
                + "  accesslog:\n"
                + "    disabled: true\n"
                + "storage:\n"
                + "  filesystem:\n"
                + "    rootdirectory: " + yamlString(folder.resolve(DATA_FOLDER).toString()) + "\n"
                + "  delete:\n"
                + "    enabled: true\n"
                + "http:\n"
                + "  addr: 127.0.0.1:" + port + "\n"
                // Without a secret it logs a warning at every start; ours changes per start, which only
                // matters to an upload left half-done across a restart.
                + "  secret: " + yamlString(secret) + "\n";
    }

    static String yamlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The persisted port, or 0 when none was persisted yet. */
    static int readPort(Path folder) throws IOException {
        Path file = folder.resolve(PORT_FILE);
        String text;
        try {
            text = Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            return 0;
        }
        try {
            int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new IOException(file + " should hold the registry's port (1-65535), not '" + text + "': correct it,"
                + " or delete it to let Kiln pick a free port");
    }

    static void writePort(Path folder, int port) throws IOException {
        Path tmp = folder.resolve(PORT_FILE + ".tmp");
        Files.writeString(tmp, port + "\n");
        Files.move(tmp, folder.resolve(PORT_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The pid in the folder's pid file when that process is still a docker-registry serving this
     * folder's config; a pid reused by an unrelated program does not match.
     */
    static OptionalLong orphanPid(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        long pid;
        try {
            pid = Long.parseLong(Files.readString(absolute.resolve(PID_FILE)).strip());
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        byte[] raw;
        try {
            raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        List<String> args = Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
        boolean isRegistry = args.stream().anyMatch(a -> a.equals(PROGRAM) || a.endsWith("/" + PROGRAM));
        boolean ourConfig = args.contains(absolute.resolve(CONFIG_FILE).toString());
        return isRegistry && ourConfig ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    /**
     * Stops the docker-registry an earlier, crashed Kiln left serving this folder (SIGTERM, then
     * SIGKILL after 5 s), unless this JVM runs it.
     *
     * @return whether one was stopped
     */
    static boolean stopOrphan(Path folder) throws InterruptedException {
        Path absolute = folder.toAbsolutePath().normalize();
        if (LIVE.contains(absolute)) {
            return false;
        }
        OptionalLong pid = orphanPid(absolute);
        if (pid.isEmpty()) {
            // Its process is gone (or the pid is another program's now): the file only misleads.
            deleteQuietly(absolute.resolve(PID_FILE));
            return false;
        }
        ProcessHandle handle = ProcessHandle.of(pid.getAsLong()).orElse(null);
        if (handle != null) {
            ProcessSupervisor.terminate(handle, STOP_GRACE);
        }
        deleteQuietly(absolute.resolve(PID_FILE));
        noteIn(absolute, "stopped docker-registry pid " + pid.getAsLong() + ", which an earlier Kiln left running");
        return true;
    }

    static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (BindException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String randomSecret() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private void rotateLog() throws IOException {
        Path log = folder.resolve(LOG_FILE);
        if (Files.exists(log) && Files.size(log) > ROTATE_BYTES) {
            Files.move(log, folder.resolve(LOG_FILE + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private long logSize() {
        try {
            return Files.size(folder.resolve(LOG_FILE));
        } catch (IOException e) {
            return 0;
        }
    }

    /** The last lines of registry.log written after {@code offset}. */
    private String tail(long offset) {
        try {
            byte[] all = Files.readAllBytes(folder.resolve(LOG_FILE));
            int from = (int) Math.min(Math.max(0, offset), all.length);
            String text = new String(all, from, all.length - from, StandardCharsets.UTF_8).strip();
            return Tail.lastLines(text, TAIL_LINES);
        } catch (IOException e) {
            return "(no " + LOG_FILE + ": " + e.getMessage() + ")";
        }
    }

    private void note(String message) {
        noteIn(folder, message);
    }

    /** A line from Kiln in registry.log, between the registry's own lines. */
    private static void noteIn(Path folder, String message) {
        String line = "time=\"" + Instant.now().truncatedTo(ChronoUnit.MILLIS) + "\" source=kiln msg="
                + yamlString(message) + "\n";
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(LOG_FILE), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // The log is for people; a registry that runs matters more than a note about it.
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A stale pid file is harmless: the sweep checks the process's command line before acting.
        }
    }


    /** The registry could not bind its port: someone else has it. */
    static final class PortTaken extends IOException {
        PortTaken(String message) {
            super(message);
        }
    }
}
