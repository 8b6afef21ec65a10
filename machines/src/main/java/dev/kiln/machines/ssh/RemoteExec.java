package dev.kiln.machines.ssh;

import dev.kiln.common.process.ExecResult;
import dev.kiln.common.wait.Deadline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one argument list on an SSH session, in an exec channel of its own. SSH carries a command
 * as one string for the remote login shell, so each argument is single-quoted; the command starts
 * under a small wrapper that reports its process ids on the first stderr line (hidden from the
 * caller), which lets a timeout kill the remote process group and session from a second channel:
 * closing a channel alone does not stop a remote program.
 */
final class RemoteExec {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteExec.class);

    static final String IDS_PREFIX = "kiln-exec ";
    /** Reports "kiln-exec PID PGRP SID" (from /proc, empty where it is missing), then becomes the command. */
    static final String WRAPPER = """
            st=; read -r st < /proc/$$/stat 2>/dev/null; st=${st##*) }
            kiln_ids() { printf '%s %s %s %s\\n' kiln-exec "$$" "$3" "$4" >&2; }
            kiln_ids $st
            exec "$@"
            """;
    /**
     * $1 pid, $2 its process group, $3 its session. OpenSSH starts each command as a session leader,
     * so its group and session hold the command and everything it started (short of daemons).
     */
    static final String KILL = """
            pid=$1 pgrp=$2 sid=$3
            if [ "$pgrp" = "$pid" ]; then kill -9 "-$pid" 2>/dev/null; else kill -9 "$pid" 2>/dev/null; fi
            if [ "$sid" = "$pid" ]; then
              for f in /proc/[0-9]*/stat; do
                st=; read -r st < "$f" 2>/dev/null || continue
                p=${st%% *}; st=${st##*) }
                set -- $st
                if [ "$4" = "$sid" ]; then kill -9 "$p" 2>/dev/null; fi
              done
            fi
            true
            """;

    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);
    static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** After the exit status, how long output still in flight may take (a background child may hold the pipes). */
    static final Duration DRAIN = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Map<String, Integer> SIGNALS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8),
            Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12),
            Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15));

    private RemoteExec() {
    }

    record Captured(int exitCode, boolean timedOut, String stdout, String stderr) {
    }

    /** Runs a short command and keeps its output as text. */
    static Captured capture(ClientSession session, SshEndpoint endpoint, List<String> argv, Duration timeout)
            throws IOException, InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExecResult r = run(session, endpoint, argv, null, out, err, timeout);
        return new Captured(r.exitCode(), r.timedOut(), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    static ExecResult run(ClientSession session, SshEndpoint endpoint, List<String> argv, InputStream stdin,
                          OutputStream stdout, OutputStream stderr, Duration timeout)
            throws IOException, InterruptedException {
        if (session.isClosing() || !session.isOpen()) {
            throw new IOException("the connection to " + endpoint + " is closed; cannot run " + argv.get(0));
        }
        ProcessIds ids = new ProcessIds(stderr);
        ChannelExec channel = session.createExecChannel(commandLine(argv));
        channel.setOut(stdout);
        channel.setErr(ids);
        // MINA's own waitFor swallows interrupts; this wait can be interrupted.
        Semaphore signals = new Semaphore(0);
        AtomicBoolean closed = new AtomicBoolean();
        channel.addChannelListener(new ChannelListener() {
            @Override
            public void channelStateChanged(Channel c, String hint) {
                signals.release();
            }

            @Override
            public void channelClosed(Channel c, Throwable reason) {
                closed.set(true);
                signals.release();
            }
        });
        try {
            try {
                channel.open().verify(OPEN_TIMEOUT);
            } catch (IOException e) {
                if (session.isClosing() || !session.isOpen()) {
                    throw lost(endpoint, argv, e);
                }
                throw new IOException("cannot start " + argv.get(0) + " on " + endpoint + ": "
                        + Connector.describe(e), e);
            }
            feed(channel.getInvertedIn(), stdin);
            Deadline deadline = Deadline.afterOrNever(timeout);
            while (!ended(channel)) {
                if (deadline.expired()) {
                    kill(session, endpoint, ids, argv);
                    return new ExecResult(-1, true);
                }
                try {
                    signals.tryAcquire(deadline.cap(POLL).toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    kill(session, endpoint, ids, argv);
                    InterruptedException ie = new InterruptedException("interrupted while " + argv.get(0)
                            + " ran on " + endpoint + "; it was killed");
                    ie.initCause(e);
                    throw ie;
                }
            }
            // Output may still be in flight after the exit status, unless a background child holds the pipes.
            Deadline drain = Deadline.after(DRAIN);
            while (!closed.get() && !channel.isClosed() && !drain.expired()) {
                signals.tryAcquire(drain.cap(POLL).toNanos(), TimeUnit.NANOSECONDS);
            }
            Integer status = channel.getExitStatus();
            if (status != null) {
                return new ExecResult(status, false);
            }
            String signal = channel.getExitSignal();
            if (signal != null) {
                return new ExecResult(128 + SIGNALS.getOrDefault(signal, 0), false);
            }
            if (session.isClosing() || !session.isOpen()) {
                throw lost(endpoint, argv, null);
            }
            throw new IOException(endpoint + " closed the channel of " + argv.get(0) + " without an exit status");
        } finally {
            close(channel);
        }
    }

    /**
     * Closes gracefully: OpenSSH frees a session slot (MaxSessions, 10 per connection) only when the
     * client answers its close, and an immediate close sends nothing.
     */
    private static void close(ChannelExec channel) {
        try {
            if (channel.close(false).await(CLOSE_TIMEOUT)) {
                return;
            }
        } catch (IOException e) {
            // Falls through to the immediate close.
        }
        channel.close(true);
    }

    private static boolean ended(ChannelExec channel) {
        return channel.getExitStatus() != null || channel.getExitSignal() != null || channel.isClosed()
                || channel.isClosing();
    }

    /** The single string SSH carries: each argument single-quoted, the wrapper exec'd so it keeps the session's pid. */
    static String commandLine(List<String> argv) {
        StringBuilder s = new StringBuilder("exec sh -c ").append(quote(WRAPPER)).append(" sh");
        for (String a : argv) {
            s.append(' ').append(quote(a));
        }
        return s.toString();
    }

    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static IOException lost(SshEndpoint endpoint, List<String> argv, Throwable cause) {
        return new IOException("the connection to " + endpoint + " was lost while running " + argv.get(0)
                + " (the machine rebooted, stopped or stopped answering)", cause);
    }

    private static void kill(ClientSession session, SshEndpoint endpoint, ProcessIds ids, List<String> argv) {
        try {
            String[] pids = ids.await(Duration.ofSeconds(2));
            if (pids == null) {
                LOG.warn("{} on {} timed out before reporting its process id; closing its channel only", argv.get(0),
                        endpoint);
                return;
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ExecResult r = run(session, endpoint, List.of("sh", "-c", KILL, "sh", pids[0], pids[1], pids[2]), null,
                    OutputStream.nullOutputStream(), err, KILL_TIMEOUT);
            if (!r.succeeded()) {
                LOG.warn("killing {} (pid {}) on {} failed: {} {}", argv.get(0), pids[0], endpoint, r,
                        err.toString(StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            LOG.warn("cannot kill {} on {}: {}", argv.get(0), endpoint, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void feed(OutputStream remote, InputStream stdin) throws IOException {
        if (stdin == null) {
            remote.close();
            return;
        }
        // On a thread of its own: a program that does not read its input must not block the timeout.
        Thread t = new Thread(() -> {
            try (InputStream in = stdin; OutputStream to = remote) {
                in.transferTo(to);
            } catch (IOException e) {
                // The program closed its input early or the channel closed; its exit status tells the caller.
            }
        }, "ssh-stdin");
        t.setDaemon(true);
        t.start();
    }

    /** Passes stderr through, minus the wrapper's first line, whose process ids it keeps. */
    static final class ProcessIds extends OutputStream {
        private static final int MAX_HEAD = 256;
        private final OutputStream next;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final CountDownLatch seen = new CountDownLatch(1);
        private volatile String[] ids;
        private boolean passing;

        ProcessIds(OutputStream next) {
            this.next = next;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (passing) {
                next.write(b, off, len);
                return;
            }
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    head.write(b, off, i - off);
                    String line = head.toString(StandardCharsets.UTF_8);
                    passing = true;
                    if (line.startsWith(IDS_PREFIX)) {
                        String[] f = line.substring(IDS_PREFIX.length()).split(" ", -1);
                        ids = new String[] {f[0], f.length > 1 ? f[1] : "", f.length > 2 ? f[2] : ""};
                        seen.countDown();
                    } else {
                        head.write('\n');
                        next.write(head.toByteArray());
                    }
                    next.write(b, i + 1, off + len - i - 1);
                    return;
                }
            }
            head.write(b, off, len);
            if (head.size() > MAX_HEAD) {
                passing = true;
                next.write(head.toByteArray());
            }
        }

        @Override
        public void flush() throws IOException {
            next.flush();
        }

        String[] await(Duration timeout) throws InterruptedException {
            seen.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return ids;
        }
    }
}
