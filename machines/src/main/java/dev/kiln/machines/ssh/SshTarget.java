package dev.kiln.machines.ssh;

import dev.kiln.common.wait.Deadline;
import dev.kiln.machines.target.ShellTarget;
import dev.kiln.common.process.ExecResult;
import dev.kiln.toe.target.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote Linux machine driven over SSH as its root user: one authenticated session for the
 * target's life (handshakes are slow on an emulated guest), one exec channel per command. A command
 * that times out is killed on the machine, not just abandoned; a connection lost mid-command fails
 * that command with an IOException that says so.
 */
public final class SshTarget extends ShellTarget implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SshTarget.class);
    static final Duration DEFAULT_REBOOT_TIMEOUT = Duration.ofMinutes(5);
    private static final String BOOT_ID = "/proc/sys/kernel/random/boot_id";
    /** Detached from the SSH session so the channel can close before the machine goes down. */
    private static final String SCHEDULE_REBOOT = """
            if command -v setsid >/dev/null 2>&1; then
              setsid sh -c 'sleep "$1"; reboot' sh "$1" </dev/null >/dev/null 2>&1 &
            else
              ( sleep "$1"; reboot ) </dev/null >/dev/null 2>&1 &
            fi
            """;
    private static final Duration SHORT_COMMAND = Duration.ofSeconds(60);
    private static final Duration RECONNECT = Duration.ofSeconds(30);

    private final Connector connector;
    private final SshEndpoint endpoint;
    private volatile ClientSession session;
    private volatile Duration rebootTimeout = DEFAULT_REBOOT_TIMEOUT;
    private volatile boolean closed;

    /** Whether the machine is still alive, as awaitReachable was told; a reboot stops waiting when it is not. */
    private final BooleanSupplier stillRunning;

    private SshTarget(Connector connector, ClientSession session, BooleanSupplier stillRunning) {
        super(connector.endpoint().toString(), Platform.LINUX);
        this.connector = connector;
        this.endpoint = connector.endpoint();
        this.session = session;
        this.stillRunning = stillRunning;
    }

    /** One attempt to connect and authenticate. */
    public static SshTarget connect(SshEndpoint endpoint, Duration timeout) throws IOException {
        return connect(endpoint, timeout, Connector.Timing.DEFAULT);
    }

    static SshTarget connect(SshEndpoint endpoint, Duration timeout, Connector.Timing timing) throws IOException {
        Connector connector = new Connector(endpoint, timing);
        try {
            return new SshTarget(connector, connector.open(timeout), () -> true);
        } catch (IOException | RuntimeException e) {
            connector.close();
            throw e;
        }
    }

    /**
     * Polls every second until a connection and `true` succeed, the timeout passes (IOException naming
     * the endpoint and the last error) or stillRunning says the machine died.
     */
    public static SshTarget awaitReachable(SshEndpoint endpoint, Duration timeout, BooleanSupplier stillRunning)
            throws IOException, InterruptedException {
        return awaitReachable(endpoint, timeout, stillRunning, Connector.Timing.DEFAULT);
    }

    static SshTarget awaitReachable(SshEndpoint endpoint, Duration timeout, BooleanSupplier stillRunning,
                                    Connector.Timing timing) throws IOException, InterruptedException {
        Connector connector = new Connector(endpoint, timing);
        try {
            return new SshTarget(connector, connector.await(Deadline.after(timeout), stillRunning,
                    "the first connection"),
                    stillRunning);
        } catch (IOException | InterruptedException | RuntimeException e) {
            connector.close();
            throw e;
        }
    }

    /** How long {@link #reboot} waits for the machine to come back; 5 minutes unless set. */
    public SshTarget withRebootTimeout(Duration timeout) {
        this.rebootTimeout = Objects.requireNonNull(timeout);
        return this;
    }

    public SshEndpoint endpoint() {
        return endpoint;
    }

    @Override
    protected ExecResult execRaw(List<String> argv, InputStream stdin, OutputStream stdout, OutputStream stderr,
                                 Duration timeout) throws IOException, InterruptedException {
        return RemoteExec.run(liveSession(), endpoint, argv, stdin, stdout, stderr, timeout);
    }

    /**
     * The session, or a new one when the last was lost (the command running then failed with that
     * news): later commands, such as collecting logs after a failed step, still reach the machine.
     */
    private ClientSession liveSession() throws IOException {
        ClientSession s = session;
        if (s.isOpen() && !s.isClosing()) {
            return s;
        }
        synchronized (this) {
            s = session;
            if (s.isOpen() && !s.isClosing()) {
                return s;
            }
            if (closed) {
                throw new IOException("the connection to " + endpoint + " was closed");
            }
            LOG.info("The connection to {} was lost; connecting again", endpoint);
            try {
                session = connector.open(RECONNECT);
            } catch (IOException e) {
                throw new IOException("the connection to " + endpoint + " was lost and connecting again failed: "
                        + e.getMessage(), e);
            }
            workFolderMayHaveVanished();
            return session;
        }
    }

    /**
     * Schedules a reboot after the delay, waits for the connection to drop and for the machine to come
     * back with a new boot id (reconnecting with the same endpoint, bounded by the reboot timeout, and
     * giving up early when the stillRunning given to {@link #awaitReachable} says the machine died, as
     * QEMU started with -no-reboot does on a reboot).
     */
    @Override
    public RebootOutcome reboot(Duration delay) throws IOException, InterruptedException {
        Deadline deadline = Deadline.after(delay.plus(rebootTimeout));
        ClientSession old = liveSession();
        String before = bootId(old);
        long seconds = Math.max(1, (delay.toMillis() + 999) / 1000);
        RemoteExec.Captured scheduled = RemoteExec.capture(old, endpoint,
                List.of("sh", "-c", SCHEDULE_REBOOT, "sh", Long.toString(seconds)), SHORT_COMMAND);
        if (scheduled.exitCode() != 0) {
            throw new IOException("cannot schedule a reboot of " + endpoint + ": exit code " + scheduled.exitCode()
                    + " " + scheduled.stderr().strip());
        }
        LOG.info("Rebooting {} in {} s (boot id {})", endpoint, seconds, before);
        while (true) {
            waitUntilClosed(old, deadline);
            ClientSession fresh = connector.await(deadline, stillRunning, "the machine to come back from a reboot");
            String after;
            try {
                after = bootId(fresh);
            } catch (IOException e) {
                fresh.close(true);
                continue;
            }
            if (!after.equals(before)) {
                session = fresh;
                old.close(true);
                workFolderMayHaveVanished();
                LOG.info("{} is back (boot id {})", endpoint, after);
                return RebootOutcome.RESUMED;
            }
            // The connection dropped but the machine did not restart (yet): wait on the new one.
            old.close(true);
            old = fresh;
            if (deadline.expired()) {
                throw new IOException(endpoint + " did not reboot within " + rebootTimeout.toSeconds()
                        + " s: its boot id is still " + before);
            }
            Thread.sleep(1_000);
        }
    }

    /** For a person: "ssh -i FILE -p PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1". */
    public String connectCommand(Path privateKeyFile) {
        String file = privateKeyFile.toString();
        if (!file.matches("[A-Za-z0-9_./:@%+=,-]+")) {
            file = RemoteExec.quote(file);
        }
        return "ssh -i " + file + " -p " + endpoint.port()
                + " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null " + endpoint.user() + "@"
                + endpoint.host();
    }

    @Override
    public void close() {
        closed = true;
        try {
            session.close(true);
        } finally {
            connector.close();
        }
    }

    private String bootId(ClientSession s) throws IOException, InterruptedException {
        RemoteExec.Captured r = RemoteExec.capture(s, endpoint, List.of("cat", BOOT_ID), SHORT_COMMAND);
        if (r.exitCode() != 0 || r.stdout().isBlank()) {
            throw new IOException("cannot read " + BOOT_ID + " on " + endpoint + ": exit code " + r.exitCode() + " "
                    + r.stderr().strip());
        }
        return r.stdout().strip();
    }

    private void waitUntilClosed(ClientSession s, Deadline deadline) throws IOException, InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        s.addCloseFutureListener(f -> closed.countDown());
        if (!closed.await(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
            throw new IOException(endpoint + " did not go down for its reboot within " + rebootTimeout.toSeconds()
                    + " s");
        }
    }
}
