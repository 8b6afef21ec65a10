package dev.kiln.machines.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * An in-process SSH server on 127.0.0.1 that runs each command on this host the way OpenSSH does
 * ({@code bash -c COMMAND} as a session leader, raw streams). It fakes what must never run here:
 * the boot id it answers is its own, and a reboot restarts the server with a new one.
 */
final class FakeSshServer implements AutoCloseable {

    static final String BOOT_ID = "/proc/sys/kernel/random/boot_id";

    final KeyPair hostKey;
    /** More host keys of other types, as a Debian sshd has (RSA, ECDSA and ed25519). */
    final List<KeyPair> otherHostKeys = new CopyOnWriteArrayList<>();
    final PublicKey authorizedKey;
    final int port;
    final List<String> commands = new CopyOnWriteArrayList<>();
    final List<Process> processes = new CopyOnWriteArrayList<>();
    private volatile SshServer server;
    volatile String bootId = UUID.randomUUID().toString();
    /** When set, a reboot takes the server down for this many milliseconds; negative: it never comes back. */
    volatile long rebootDownMillis = 1_500;

    private FakeSshServer(KeyPair hostKey, PublicKey authorizedKey, int port) {
        this.hostKey = hostKey;
        this.authorizedKey = authorizedKey;
        this.port = port;
    }

    static FakeSshServer start(KeyPair hostKey, PublicKey authorizedKey) throws IOException {
        FakeSshServer fake = new FakeSshServer(hostKey, authorizedKey, freePort());
        fake.up();
        return fake;
    }

    /** A server that is not listening yet: {@link #up()} starts it. */
    static FakeSshServer later(KeyPair hostKey, PublicKey authorizedKey) throws IOException {
        return new FakeSshServer(hostKey, authorizedKey, freePort());
    }

    synchronized void up() throws IOException {
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost("127.0.0.1");
        s.setPort(port);
        List<KeyPair> keys = new ArrayList<>(otherHostKeys);
        keys.add(hostKey);
        s.setKeyPairProvider(KeyPairProvider.wrap(keys));
        CoreModuleProperties.TCP_NODELAY.set(s, true);
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setPublickeyAuthenticator((user, key, session) -> "root".equals(user)
                && KeyUtils.compareKeys(authorizedKey, key));
        s.setCommandFactory((channel, command) -> new LocalCommand(command));
        s.start();
        server = s;
    }

    synchronized void down() throws IOException {
        if (server != null) {
            server.stop(true);
            server = null;
        }
    }

    SshEndpoint endpoint(KeyPair clientKey) {
        return new SshEndpoint("127.0.0.1", port, "root", clientKey, hostKey.getPublic());
    }

    @Override
    public void close() throws IOException {
        down();
        processes.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    private void rebootSoon() {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(1_000);
                down();
                if (rebootDownMillis < 0) {
                    return;
                }
                Thread.sleep(rebootDownMillis);
                bootId = UUID.randomUUID().toString();
                up();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, "fake-reboot");
        t.setDaemon(true);
        t.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private final class LocalCommand implements Command {
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        LocalCommand(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            commands.add(command);
            Thread t = new Thread(this::run, "fake-sshd-command");
            t.setDaemon(true);
            t.start();
        }

        private void run() {
            try {
                if (command.contains(BOOT_ID)) {
                    out.write((bootId + "\n").getBytes());
                    out.flush();
                    exit.onExit(0);
                    return;
                }
                if (command.contains("reboot") || command.contains("shutdown") || command.contains("poweroff")) {
                    // Never on this host: pretend, and restart the server as the machine would.
                    rebootSoon();
                    exit.onExit(0);
                    return;
                }
                // Like OpenSSH: the login shell as a session leader (setsid does not fork: not a group leader).
                Process p = new ProcessBuilder("setsid", "bash", "-c", command).start();
                processes.add(p);
                Thread feed = pump(in, p.getOutputStream(), true);
                Thread o = pump(p.getInputStream(), out, false);
                Thread e = pump(p.getErrorStream(), err, false);
                int code = p.waitFor();
                o.join();
                e.join();
                feed.interrupt();
                exit.onExit(code);
            } catch (IOException | InterruptedException e) {
                exit.onExit(255, e.toString());
            }
        }

        private Thread pump(InputStream from, OutputStream to, boolean closeTarget) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    int n;
                    while ((n = from.read(buf)) >= 0) {
                        to.write(buf, 0, n);
                        to.flush();
                    }
                } catch (IOException ignored) {
                    // The process or the channel went away.
                } finally {
                    if (closeTarget) {
                        try {
                            to.close();
                        } catch (IOException ignored) {
                            // Already closed.
                        }
                    }
                }
            }, "fake-sshd-pump");
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override
        public void destroy(ChannelSession channel) {
            // Like OpenSSH without a pty: closing the channel does not stop the program.
        }
    }
}
