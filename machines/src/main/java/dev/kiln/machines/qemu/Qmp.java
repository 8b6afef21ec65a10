package dev.kiln.machines.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client of QEMU's machine protocol on its unix socket: one command at a time, each bounded by a
 * timeout (the socket is closed under a read that takes too long).
 */
final class Qmp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qmp-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private Qmp(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects, reads QEMU's greeting and enters command mode. */
    static Qmp connect(Path socket, Duration timeout) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Qmp qmp = new Qmp(ch);
            qmp.bounded(timeout, () -> {
                JsonNode greeting = qmp.readMessage();
                if (!greeting.has("QMP")) {
                    throw new IOException("QEMU's QMP socket did not greet: " + greeting);
                }
                qmp.send("qmp_capabilities");
                return qmp.readReply("qmp_capabilities");
            });
            return qmp;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Runs a command and returns its {@code return} value. */
    JsonNode execute(String command, Duration timeout) throws IOException {
        return bounded(timeout, () -> {
            send(command);
            return readReply(command);
        });
    }

    private interface Io<T> {
        T run() throws IOException;
    }

    private <T> T bounded(Duration timeout, Io<T> io) throws IOException {
        ScheduledFuture<?> guard = WATCHDOG.schedule(this::close, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return io.run();
        } catch (IOException e) {
            if (guard.isDone()) {
                throw new IOException("QEMU did not answer on its QMP socket within " + timeout.toSeconds() + " s", e);
            }
            throw e;
        } finally {
            guard.cancel(false);
        }
    }

    private void send(String command) throws IOException {
        out.write(("{\"execute\":\"" + command + "\"}\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private JsonNode readReply(String command) throws IOException {
        while (true) {
            JsonNode msg = readMessage();
            if (msg.has("return")) {
                return msg.get("return");
            }
            if (msg.has("error")) {
                throw new IOException("QEMU refused " + command + ": " + msg.get("error").path("desc").asText());
            }
            // Anything else is an asynchronous event (SHUTDOWN, POWERDOWN, ...): not the reply.
        }
    }

    private JsonNode readMessage() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("QEMU closed its QMP socket");
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket whose peer is gone: nothing left to release.
        }
    }
}
