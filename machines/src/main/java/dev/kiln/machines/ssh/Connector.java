package dev.kiln.machines.ssh;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Opens authenticated sessions to one endpoint. One MINA client (its threads, its pinned host key)
 * serves every session to the endpoint, so reconnecting after a reboot reuses it.
 */
final class Connector implements AutoCloseable {

    /** Keepalives find a peer that vanished without closing the connection (a VM reset, a dead QEMU). */
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    static final int HEARTBEAT_NO_REPLY_MAX = 6;
    /** A slow TCG guest may take seconds per handshake, but one attempt should never hang. */
    static final Duration MAX_ATTEMPT = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 1_000;

    private final SshEndpoint endpoint;
    private final SshClient client;
    private final PinnedHostKey pinned;

    Connector(SshEndpoint endpoint) {
        this.endpoint = endpoint;
        this.pinned = new PinnedHostKey(endpoint.hostKey());
        this.client = SshClient.setUpDefaultClient();
        // Nothing from ~/.ssh: no config file, no default identities, no known_hosts.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setServerKeyVerifier(pinned);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, HEARTBEAT_INTERVAL);
        CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, HEARTBEAT_INTERVAL);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, HEARTBEAT_NO_REPLY_MAX);
        // Long silent commands are normal (a package install); the heartbeat watches the connection.
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        client.start();
    }

    SshEndpoint endpoint() {
        return endpoint;
    }

    /** One attempt: TCP, key exchange with the pinned host key, public-key authentication. */
    ClientSession open(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        pinned.forgetMismatch();
        ClientSession session = null;
        String stage = "connect";
        try {
            ConnectFuture future = client.connect(endpoint.user(), endpoint.host(), endpoint.port());
            session = future.verify(remaining(deadline)).getSession();
            stage = "authenticate";
            session.addPublicKeyIdentity(endpoint.clientKey());
            session.auth().verify(remaining(deadline));
            return session;
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.close(true);
            }
            PublicKey presented = pinned.mismatch();
            if (presented != null) {
                throw new HostKeyMismatchException(endpoint, presented);
            }
            String why = describe(e);
            if (stage.equals("authenticate") && why.contains("No more authentication methods")) {
                throw new IOException(endpoint + " refused the client key " + KeyUtils.getFingerPrint(
                        endpoint.clientKey().getPublic()) + " (public-key authentication failed)", e);
            }
            throw new IOException("cannot " + stage + " to " + endpoint + ": " + why, e);
        }
    }

    /**
     * Attempts once a second until one succeeds and {@code true} runs, the deadline passes or the
     * machine is known dead. A host key mismatch ends the wait at once: waiting cannot fix it.
     */
    ClientSession await(long deadline, BooleanSupplier stillRunning, String waitingFor)
            throws IOException, InterruptedException {
        IOException last = null;
        while (true) {
            if (!stillRunning.getAsBoolean()) {
                throw new IOException("the machine behind " + endpoint + " stopped while waiting for "
                        + waitingFor + lastError(last), last);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException(endpoint + " did not answer SSH within the time allowed for " + waitingFor
                        + lastError(last), last);
            }
            try {
                ClientSession session = open(min(Duration.ofNanos(left), MAX_ATTEMPT));
                try {
                    RemoteExec.Captured r = RemoteExec.capture(session, endpoint, List.of("true"),
                            min(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())), MAX_ATTEMPT));
                    if (r.exitCode() == 0) {
                        return session;
                    }
                    last = new IOException("`true` answered exit code " + r.exitCode() + " " + r.stderr());
                } catch (IOException e) {
                    last = e;
                }
                session.close(true);
            } catch (HostKeyMismatchException e) {
                throw e;
            } catch (InterruptedIOException e) {
                throw interrupted(e);
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(Math.max(0, Math.min(POLL_MILLIS, (deadline - System.nanoTime()) / 1_000_000)));
        }
    }

    @Override
    public void close() {
        client.stop();
    }

    static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null && out.length() < 500; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (out.indexOf(m) < 0) {
                out.append(out.length() == 0 ? "" : ": ").append(m);
            }
        }
        return out.toString();
    }

    private static String lastError(IOException last) {
        return last == null ? "" : "; last error: " + last.getMessage();
    }

    private static InterruptedException interrupted(InterruptedIOException e) {
        InterruptedException ie = new InterruptedException(e.getMessage());
        ie.initCause(e);
        return ie;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Accepts only the endpoint's host key and remembers what else was presented, for the message. */
    private static final class PinnedHostKey implements ServerKeyVerifier {
        private final PublicKey expected;
        private volatile PublicKey mismatch;

        PinnedHostKey(PublicKey expected) {
            this.expected = expected;
        }

        @Override
        public boolean verifyServerKey(ClientSession session, SocketAddress address, PublicKey key) {
            if (KeyUtils.compareKeys(expected, key)) {
                return true;
            }
            mismatch = key;
            return false;
        }

        PublicKey mismatch() {
            return mismatch;
        }

        void forgetMismatch() {
            mismatch = null;
        }
    }

    /** The server presented another host key than the pinned one. */
    static final class HostKeyMismatchException extends IOException {
        HostKeyMismatchException(SshEndpoint endpoint, PublicKey presented) {
            super("refusing to connect to " + endpoint + ": it presented host key "
                    + KeyUtils.getFingerPrint(presented) + ", not the pinned "
                    + KeyUtils.getFingerPrint(endpoint.hostKey())
                    + " (another machine answers on that port, or its host key was replaced)");
        }
    }
}
