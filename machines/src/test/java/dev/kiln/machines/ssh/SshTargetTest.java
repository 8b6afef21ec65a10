package dev.kiln.machines.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshTargetTest {

    static final KeyPair HOST_KEY = SshKeys.generateEd25519();
    static final KeyPair CLIENT_KEY = SshKeys.generateEd25519();
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Short attempts and heartbeats, so that waits on silent connections fit in a unit test. */
    static final Connector.Timing FAST = new Connector.Timing(Duration.ofSeconds(2), Duration.ofMillis(500), 3);

    @TempDir
    Path dir;

    FakeSshServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = FakeSshServer.start(HOST_KEY, CLIENT_KEY.getPublic());
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    @Test
    void runsCommandsWithOutputExitCodeEnvironmentAndStdin() throws Exception {
        try (SshTarget target = SshTarget.connect(server.endpoint(CLIENT_KEY), TIMEOUT)) {
            List<String> out = Collections.synchronizedList(new ArrayList<>());
            List<String> err = Collections.synchronizedList(new ArrayList<>());
            ExecResult r = target.exec(new ExecRequest(
                    List.of("sh", "-c", "pwd; echo \"$1 $WHO\"; echo oops >&2; exit 7", "sh", "it's a 'test'"),
                    Map.of("WHO", "$(whoami) \"x\""), dir.toString(), TIMEOUT), listener(out, err));
            assertThat(r).isEqualTo(new ExecResult(7, false));
            assertThat(out).containsExactly(dir.toString(), "it's a 'test' $(whoami) \"x\"");
            assertThat(err).containsExactly("oops");

            byte[] data = new byte[300_000];
            new java.util.Random(42).nextBytes(data);
            String file = dir.resolve("blob with 'quote'").toString();
            target.write(file, data, false);
            assertThat(target.read(file)).isEqualTo(data);
            assertThat(target.stat(file).orElseThrow().size()).isEqualTo(data.length);
            assertThat(target.description()).isEqualTo("root@127.0.0.1:" + server.port);
        }
    }

    @Test
    void reusesOneSessionForEveryCommand() throws Exception {
        try (SshTarget target = SshTarget.connect(server.endpoint(CLIENT_KEY), TIMEOUT)) {
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                assertThat(target.exec(ExecRequest.of(List.of("true"), TIMEOUT), OutputListener.NONE).exitCode())
                        .isZero();
            }
            // No handshake per command, no Nagle delays: tens of milliseconds each here.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void refusesAServerWithAnotherHostKey() {
        KeyPair other = SshKeys.generateEd25519();
        SshEndpoint wrong = new SshEndpoint("127.0.0.1", server.port, "root", CLIENT_KEY, other.getPublic());
        assertThatThrownBy(() -> SshTarget.connect(wrong, TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refusing to connect to root@127.0.0.1:" + server.port)
                .hasMessageContaining(SshKeys.fingerprint(HOST_KEY.getPublic()))
                .hasMessageContaining(SshKeys.fingerprint(other.getPublic()));
        assertThat(server.commands).isEmpty();
    }

    @Test
    void asksForTheHostKeyTypeItPinnedWhenTheServerHasSeveral() throws Exception {
        server.otherHostKeys.add(KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256));
        server.otherHostKeys.add(KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 2048));
        server.down();
        server.up();
        try (SshTarget target = SshTarget.connect(server.endpoint(CLIENT_KEY), TIMEOUT)) {
            assertThat(target.exec(ExecRequest.of(List.of("true"), TIMEOUT), OutputListener.NONE).exitCode()).isZero();
        }
    }

    @Test
    void refusesAWrongClientKey() {
        KeyPair stranger = SshKeys.generateEd25519();
        assertThatThrownBy(() -> SshTarget.connect(server.endpoint(stranger), TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("root@127.0.0.1:" + server.port + " refused the client key")
                .hasMessageContaining(SshKeys.fingerprint(stranger.getPublic()));
    }

    @Test
    void timeoutKillsTheRemoteProcessAndReturnsPromptly() throws Exception {
        String token = "1000." + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 100_000);
        try (SshTarget target = SshTarget.connect(server.endpoint(CLIENT_KEY), TIMEOUT)) {
            long start = System.nanoTime();
            ExecResult r = target.exec(ExecRequest.of(List.of("sh", "-c", "sleep " + token + "; echo done"),
                    Duration.ofSeconds(1)), OutputListener.NONE);
            assertThat(r).isEqualTo(new ExecResult(-1, true));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(waitUntilGone(token, Duration.ofSeconds(3))).as("processes left running").isEmpty();
            assertThat(target.exec(ExecRequest.of(List.of("true"), TIMEOUT), OutputListener.NONE).exitCode()).isZero();
        }
    }

    @Test
    void aLostConnectionFailsTheRunningCommand() throws Exception {
        try (SshTarget target = SshTarget.connect(server.endpoint(CLIENT_KEY), TIMEOUT)) {
            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(1_000);
                    server.down();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> target.exec(ExecRequest.of(List.of("sleep", "30"), TIMEOUT), OutputListener.NONE))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("connection to root@127.0.0.1:" + server.port + " was lost")
                    .hasMessageContaining("sleep");
            stop.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> target.read("/etc/hostname")).isInstanceOf(IOException.class)
                    .hasMessageContaining("was lost and connecting again failed");
            server.up();
            assertThat(target.exec(ExecRequest.of(List.of("true"), TIMEOUT), OutputListener.NONE).exitCode()).isZero();
        }
    }

    @Test
    void interruptionKillsTheRemoteProcess() throws Exception {
        String token = "1000." + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 100_000);
        try (SshTarget target = SshTarget.connect(server.endpoint(CLIENT_KEY), TIMEOUT)) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread runner = new Thread(() -> {
                try {
                    target.exec(ExecRequest.of(List.of("sleep", token), null), OutputListener.NONE);
                    outcome.complete(null);
                } catch (Exception e) {
                    outcome.complete(e);
                }
            });
            runner.start();
            assertThat(waitUntilPresent(token, Duration.ofSeconds(10))).isTrue();
            runner.interrupt();
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class)
                    .hasMessageContaining("sleep");
            assertThat(waitUntilGone(token, Duration.ofSeconds(3))).as("processes left running").isEmpty();
        }
    }

    @Test
    void awaitReachableWaitsForAServerThatStartsLater() throws Exception {
        server.close();
        server = FakeSshServer.later(HOST_KEY, CLIENT_KEY.getPublic());
        CompletableFuture<Void> late = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(3_000);
                server.up();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long start = System.nanoTime();
        try (SshTarget target = SshTarget.awaitReachable(server.endpoint(CLIENT_KEY), TIMEOUT, () -> true)) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(2_500));
            assertThat(target.exec(ExecRequest.of(List.of("true"), TIMEOUT), OutputListener.NONE).exitCode()).isZero();
        }
        late.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMachineThatStopsAnsweringFailsTheRunningCommand() throws Exception {
        try (TcpProxy proxy = new TcpProxy(server.port, false);
             SshTarget target = SshTarget.connect(viaProxy(proxy), TIMEOUT, FAST)) {
            assertThat(target.exec(ExecRequest.of(List.of("true"), TIMEOUT), OutputListener.NONE).exitCode()).isZero();
            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(proxy::blackhole);
            long start = System.nanoTime();
            assertThatThrownBy(() -> target.exec(ExecRequest.of(List.of("sleep", "60"), null), OutputListener.NONE))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("was lost while running sleep");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void awaitReachableRetriesConnectionsThatNobodyAnswers() throws Exception {
        try (TcpProxy proxy = new TcpProxy(server.port, true)) {
            CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS).execute(() -> proxy.silent = false);
            long start = System.nanoTime();
            try (SshTarget target = SshTarget.awaitReachable(viaProxy(proxy), TIMEOUT, () -> true, FAST)) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2_500),
                        Duration.ofSeconds(12));
                assertThat(target.exec(ExecRequest.of(List.of("true"), TIMEOUT), OutputListener.NONE).exitCode())
                        .isZero();
            }
        }
    }

    @Test
    void awaitReachableGivesUpWhenTheMachineStopsOrTimeRunsOut() throws Exception {
        server.close();
        SshEndpoint endpoint = server.endpoint(CLIENT_KEY);
        long start = System.nanoTime();
        assertThatThrownBy(() -> SshTarget.awaitReachable(endpoint, TIMEOUT,
                () -> System.nanoTime() - start < 1_500_000_000L))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("stopped")
                .hasMessageContaining(endpoint.toString())
                .hasMessageContaining("last error");
        assertThatThrownBy(() -> SshTarget.awaitReachable(endpoint, Duration.ofSeconds(2), () -> true))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(endpoint + " did not answer SSH")
                .hasMessageContaining("last error");
    }

    @Test
    void awaitReachableFailsAtOnceOnAHostKeyMismatch() {
        SshEndpoint wrong = new SshEndpoint("127.0.0.1", server.port, "root", CLIENT_KEY,
                SshKeys.generateEd25519().getPublic());
        long start = System.nanoTime();
        assertThatThrownBy(() -> SshTarget.awaitReachable(wrong, TIMEOUT, () -> true))
                .hasMessageContaining("refusing to connect");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void rebootWaitsForANewBootAndResumes() throws Exception {
        try (SshTarget target = SshTarget.connect(server.endpoint(CLIENT_KEY), TIMEOUT)) {
            String before = server.bootId;
            String work = target.workFolder();
            assertThat(target.reboot(Duration.ZERO)).isEqualTo(Target.RebootOutcome.RESUMED);
            assertThat(server.bootId).isNotEqualTo(before);
            assertThat(server.commands).anyMatch(c -> c.contains("reboot"));
            java.nio.file.Files.delete(Path.of(work));
            assertThat(target.workFolder()).isEqualTo(work);
            assertThat(Path.of(work)).isDirectory();
            java.nio.file.Files.delete(Path.of(work));
            assertThat(target.exec(ExecRequest.of(List.of("true"), TIMEOUT), OutputListener.NONE).exitCode()).isZero();
        }
    }

    @Test
    void rebootFailsWhenTheMachineDoesNotComeBack() throws Exception {
        server.rebootDownMillis = -1;
        try (SshTarget target = SshTarget.connect(server.endpoint(CLIENT_KEY), TIMEOUT)
                .withRebootTimeout(Duration.ofSeconds(4))) {
            assertThatThrownBy(() -> target.reboot(Duration.ZERO))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("root@127.0.0.1:" + server.port)
                    .hasMessageContaining("reboot");
        }
    }

    @Test
    void rebootStopsWaitingWhenTheMachineDies() throws Exception {
        server.rebootDownMillis = -1;
        AtomicBoolean alive = new AtomicBoolean(true);
        try (SshTarget target = SshTarget.awaitReachable(server.endpoint(CLIENT_KEY), TIMEOUT, alive::get)) {
            CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS).execute(() -> alive.set(false));
            long start = System.nanoTime();
            assertThatThrownBy(() -> target.reboot(Duration.ZERO))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("stopped while waiting for the machine to come back from a reboot");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void connectCommandIsWhatAPersonTypes() throws Exception {
        try (SshTarget target = SshTarget.connect(server.endpoint(CLIENT_KEY), TIMEOUT)) {
            assertThat(target.connectCommand(Path.of("/var/lib/kiln/key")))
                    .isEqualTo("ssh -i /var/lib/kiln/key -p " + server.port
                            + " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1");
        }
    }

    private SshEndpoint viaProxy(TcpProxy proxy) {
        return new SshEndpoint("127.0.0.1", proxy.port, "root", CLIENT_KEY, HOST_KEY.getPublic());
    }

    static boolean waitUntilPresent(String token, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(token))) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    static List<ProcessHandle> waitUntilGone(String token, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ProcessHandle> left = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").contains(token)).toList();
            if (left.isEmpty() || System.nanoTime() > deadline) {
                return left;
            }
            Thread.sleep(100);
        }
    }

    static OutputListener listener(List<String> out, List<String> err) {
        return new OutputListener() {
            @Override
            public void stdout(String line) {
                out.add(line);
            }

            @Override
            public void stderr(String line) {
                err.add(line);
            }
        };
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
