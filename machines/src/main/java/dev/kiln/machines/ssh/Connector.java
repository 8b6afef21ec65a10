package dev.kiln.machines.ssh;

import dev.kiln.common.wait.Deadline;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.future.CancelOption;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Opens authenticated sessions to one endpoint. One MINA client (its threads, its pinned host key)
 * serves every session to the endpoint, so reconnecting after a reboot reuses it.
 */
final class Connector implements AutoCloseable {

    /**
     * How long attempts and heartbeats take; tests shorten them.
     *
     * @param firstAttempt how long one connection attempt may take at first. While a guest boots,
     *     QEMU's user network accepts the TCP connection and then nothing may answer, so an attempt can
     *     hang until it times out: short attempts retry soon after sshd is up. After
     *     {@link #SHORT_ATTEMPTS_FOR}, each attempt that times out doubles the next one's limit, up to
     *     {@link #MAX_ATTEMPT}, for a guest that is up but slow to shake hands.
     * @param heartbeat how often a keepalive goes out; {@code heartbeatMisses} unanswered ones close the
     *     session, which finds a peer that vanished without closing the connection (a VM reset)
     */
    record Timing(Duration firstAttempt, Duration heartbeat, int heartbeatMisses) {
        static final Timing DEFAULT = new Timing(Duration.ofSeconds(3), Duration.ofSeconds(5), 6);
    }

    static final Duration MAX_ATTEMPT = Duration.ofSeconds(60);
    /**
     * While a guest boots, QEMU's user-mode network accepts the connection and then retries the SYN to
     * the guest with a growing back-off, so a long attempt begun before sshd listens answers only
     * seconds after it does (measured: 3 s per boot). Attempts stay short and frequent for this long
     * (a Debian boot under emulation takes 15–35 s); only then does a slow handshake get longer ones.
     */
    static final Duration SHORT_ATTEMPTS_FOR = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(250);
    /** The least time a step gets: MINA takes zero as "no timeout". */
    private static final Duration ONE_MILLI = Duration.ofMillis(1);

    private final SshEndpoint endpoint;
    private final SshClient client;
    private final PinnedHostKey pinned;
    private final Timing timing;

    Connector(SshEndpoint endpoint, Timing timing) {
        this.endpoint = endpoint;
        this.timing = timing;
        this.pinned = new PinnedHostKey(endpoint.hostKey());
        this.client = SshClient.setUpDefaultClient();
        // Nothing from ~/.ssh: no config file, no default identities, no known_hosts.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setServerKeyVerifier(pinned);
        // A Debian sshd has RSA, ECDSA and ed25519 host keys and shows the one the client asks for
        // first: ask only for the pinned key's type (and the client key's, for authentication).
        List<NamedFactory<Signature>> signatures = signaturesFor(endpoint.hostKey(), endpoint.clientKey().getPublic());
        if (!signatures.isEmpty()) {
            client.setSignatureFactories(signatures);
        }
        // Each command is a few small request/reply round trips: Nagle's algorithm would add 40 ms to each.
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, timing.heartbeat());
        CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, timing.heartbeat());
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, timing.heartbeatMisses());
        // Long silent commands are normal (a package install); the heartbeat watches the connection.
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        client.start();
    }

    SshEndpoint endpoint() {
        return endpoint;
    }

    /** One attempt: TCP, key exchange with the pinned host key, public-key authentication. */
    ClientSession open(Duration timeout) throws IOException {
        Deadline deadline = Deadline.after(timeout);
        pinned.forgetMismatch();
        ClientSession session = null;
        String stage = "connect";
        ConnectFuture future = null;
        try {
            future = client.connect(endpoint.user(), endpoint.host(), endpoint.port());
            session = future.verify(deadline.remainingAtLeast(ONE_MILLI), CancelOption.CANCEL_ON_TIMEOUT).getSession();
            stage = "authenticate";
            session.addPublicKeyIdentity(endpoint.clientKey());
            session.auth().verify(deadline.remainingAtLeast(ONE_MILLI));
            return session;
        } catch (IOException | RuntimeException e) {
            if (session == null && future != null) {
                // A connection that completes after we gave up must not linger.
                future.addListener(f -> {
                    if (f.getSession() != null) {
                        f.getSession().close(true);
                    }
                });
            }
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
    ClientSession await(Deadline deadline, BooleanSupplier stillRunning, String waitingFor)
            throws IOException, InterruptedException {
        IOException last = null;
        Duration limit = timing.firstAttempt();
        Deadline shortAttempts = Deadline.after(SHORT_ATTEMPTS_FOR);
        while (true) {
            if (!stillRunning.getAsBoolean()) {
                throw new IOException("the machine behind " + endpoint + " stopped while waiting for "
                        + waitingFor + lastError(last), last);
            }
            if (deadline.expired()) {
                throw new IOException(endpoint + " did not answer SSH within the time allowed for " + waitingFor
                        + lastError(last), last);
            }
            Duration attempt = deadline.cap(limit);
            Deadline attemptDeadline = Deadline.after(attempt);
            try {
                ClientSession session = open(attempt);
                try {
                    Duration rest = attemptDeadline.remainingAtLeast(ONE_MILLI);
                    RemoteExec.Captured r = RemoteExec.capture(session, endpoint, List.of("true"), rest);
                    if (r.exitCode() == 0) {
                        return session;
                    }
                    last = new IOException(r.timedOut() ? "`true` did not finish within " + attempt.toSeconds()
                            + " s" : "`true` answered exit code " + r.exitCode() + " " + r.stderr().strip());
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
            if (attemptDeadline.remaining().compareTo(Duration.ofMillis(100)) <= 0 && shortAttempts.expired()) {
                limit = min(limit.multipliedBy(2), MAX_ATTEMPT);
            }
            deadline.sleep(POLL);
        }
    }

    @Override
    public void close() {
        client.stop();
    }

    private static List<NamedFactory<Signature>> signaturesFor(PublicKey... keys) {
        Set<NamedFactory<Signature>> out = new LinkedHashSet<>();
        for (PublicKey key : keys) {
            List<BuiltinSignatures> forKey = switch (String.valueOf(KeyUtils.getKeyType(key))) {
                case KeyPairProvider.SSH_ED25519 -> List.of(BuiltinSignatures.ed25519);
                case KeyPairProvider.SSH_RSA -> List.of(BuiltinSignatures.rsaSHA512, BuiltinSignatures.rsaSHA256,
                        BuiltinSignatures.rsa);
                case "ecdsa-sha2-nistp256" -> List.of(BuiltinSignatures.nistp256);
                case "ecdsa-sha2-nistp384" -> List.of(BuiltinSignatures.nistp384);
                case "ecdsa-sha2-nistp521" -> List.of(BuiltinSignatures.nistp521);
                default -> List.of();
            };
            if (forKey.isEmpty()) {
                return List.of(); // an unusual key type: leave MINA's defaults
            }
            out.addAll(forKey);
        }
        return new ArrayList<>(out);
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
            super("refusing to connect to " + endpoint + ": it presented host key " + KeyUtils.getKeyType(presented)
                    + " " + KeyUtils.getFingerPrint(presented) + ", not the pinned "
                    + KeyUtils.getKeyType(endpoint.hostKey()) + " " + KeyUtils.getFingerPrint(endpoint.hostKey())
                    + " (another machine answers on that port, or its host key was replaced)");
        }
    }
}
