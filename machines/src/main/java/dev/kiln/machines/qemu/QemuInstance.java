package dev.kiln.machines.qemu;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.machines.host.BackgroundProcess;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.machines.ssh.SshEndpoint;
import dev.kiln.machines.ssh.SshKeys;
import dev.kiln.machines.ssh.SshTarget;
import dev.kiln.common.files.Trees;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.common.wait.Deadline;
import dev.kiln.common.wait.Wait;
import dev.kiln.toe.target.Target;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One QEMU VM: a qcow2 overlay over its image's disk, a seed disk, an SSH port on the loopback
 * interface, and the qemu process on a thread of its own (interrupting the thread kills the process
 * tree). Everything lives in the request's work folder, which {@link #close()} removes.
 */
final class QemuInstance implements Instance {
    static final String MARKER_FILE = "kiln-qemu-instance";
    static final String PID_FILE = "qemu.pid";
    static final String USER_DATA_STATUS = "/run/kiln/user-data.status";
    /** Work folders of the instances alive in this JVM: the orphan sweep leaves them alone. */
    static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private static final int PORT_ATTEMPTS = 5;
    private static final Duration DEFAULT_READY_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration QEMU_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration USER_DATA_TIMEOUT = Duration.ofHours(2);
    private static final Duration EXIT_AFTER_QUIT = Duration.ofSeconds(10);
    private static final int TAIL = 40;

    private final InstanceRequest request;
    private final BuildLog log;
    private final Accelerator accelerator;
    private final BootKernels kernels;
    private final Path work;
    private final Console console;
    private final Path overlay;
    private final Path qmpSocket;
    private final Path keyFile;
    private final AtomicBoolean closed = new AtomicBoolean();
    private BackgroundProcess qemu;
    private CompletableFuture<ExecResult> exit;
    private int sshPort;
    private KeyPair clientKey;
    private KeyPair hostKey;
    private volatile SshTarget target;
    private volatile boolean stopped;

    private QemuInstance(InstanceRequest request, Accelerator accelerator, BootKernels kernels, BuildLog log) {
        this.request = request;
        this.accelerator = accelerator;
        this.kernels = kernels;
        this.log = log;
        this.work = request.workFolder().toAbsolutePath().normalize();
        this.console = new Console(log);
        this.overlay = work.resolve("root.qcow2");
        this.qmpSocket = qmpSocket(work, request.instanceId());
        this.keyFile = work.resolve("ssh-key");
    }

    /**
     * A unix socket path must fit in 108 bytes; a build's work folder under a deep data folder does
     * not, so then the socket lives in a short folder of the temporary directory, named for the
     * instance, and close() removes it.
     */
    static Path qmpSocket(Path work, String instanceId) {
        Path inWork = work.resolve("qmp.sock");
        if (inWork.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 100) {
            return inWork;
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "kiln-qmp", instanceId + ".sock");
    }

    /** Starts the VM and waits until it answers over SSH (and its user data ran); cleans up on failure. */
    static QemuInstance launch(InstanceRequest request, Accelerator accelerator, BootKernels kernels, BuildLog log)
            throws IOException, InterruptedException {
        QemuInstance instance = new QemuInstance(request, accelerator, kernels, log);
        boolean ok = false;
        try {
            instance.start();
            ok = true;
            return instance;
        } finally {
            if (!ok) {
                instance.close();
            }
        }
    }

    private void start() throws IOException, InterruptedException {
        Deadline ready = Deadline.after(readyTimeout());
        Boot boot = request.image().boot();
        Files.createDirectories(work);
        if (!qmpSocket.startsWith(work)) {
            Files.createDirectories(qmpSocket.getParent(), java.nio.file.attribute.PosixFilePermissions
                    .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        }
        LIVE.add(work);
        Files.writeString(work.resolve(MARKER_FILE), request.instanceId() + "\n");
        String qemu = HostPrograms.require("qemu-system-x86_64").toString();
        String qemuImg = HostPrograms.require("qemu-img").toString();
        InstanceSizes.Size size = InstanceSizes.of(request.instanceType());

        HostPrograms.run(List.of(qemuImg, "create", "-q", "-f", "qcow2", "-b", request.image().disk().toAbsolutePath()
                .toString(), "-F", "qcow2", overlay.toString()), Duration.ofMinutes(1), log, "qemu-img");
        clientKey = SshKeys.generateEd25519();
        hostKey = SshKeys.generateEd25519();
        writePrivate(keyFile, SshKeys.privateKeyOpenSsh(clientKey));
        Path seed = writeSeed(boot);
        Path kernel = boot.mode() == Boot.Mode.KERNEL ? kernels.bootable(boot.kernel(), work, log) : null;

        for (int attempt = 1; ; attempt++) {
            sshPort = freePort();
            QemuCommand command = new QemuCommand(qemu, accelerator, request.instanceId(), size, boot,
                    kernel, overlay, seed, sshPort, qmpSocket, work.resolve(PID_FILE));
            log.info("instance " + request.instanceId() + ": starting a " + request.instanceType() + " VM ("
                    + size.vcpus() + " vCPU, " + size.memoryMiB() + " MiB, " + accelerator + ") of "
                    + request.image().imageId() + ", ssh on 127.0.0.1:" + sshPort);
            startQemu(command.arguments());
            if (awaitQmp()) {
                break;
            }
            String errors = console.qemuErrors();
            boolean portTaken = errors.contains("hostfwd") || errors.contains("host forwarding")
                    || errors.contains("Address already in use");
            if (!portTaken || attempt == PORT_ATTEMPTS) {
                throw failure("QEMU did not start", null);
            }
            log.info("instance " + request.instanceId() + ": port " + sshPort + " was taken meanwhile; another one");
            console.clearQemuErrors();
        }

        SshEndpoint endpoint = new SshEndpoint("127.0.0.1", sshPort, "root", clientKey, hostKey.getPublic());
        try {
            target = SshTarget.awaitReachable(endpoint, ready.remaining(), this::running);
        } catch (IOException e) {
            throw failure(running() ? "did not become reachable over SSH within "
                    + readyTimeout().toSeconds() + " s" : "stopped before it became reachable over SSH", e);
        }
        log.info("instance " + request.instanceId() + ": reachable over SSH after "
                + ready.elapsed().toMillis() / 1000.0 + " s");
        if (request.userData() != null && !request.userData().isBlank()) {
            awaitUserData();
        }
    }

    private Duration readyTimeout() {
        return request.readyTimeout() != null ? request.readyTimeout() : DEFAULT_READY_TIMEOUT;
    }

    private Path writeSeed(Boot boot) throws IOException, InterruptedException {
        String user = request.userData();
        if (boot.mode() == Boot.Mode.FIRMWARE) {
            return CloudInitSeed.write(work, request.instanceId(), SshKeys.publicKeyLine(clientKey.getPublic(),
                    "kiln@" + request.instanceId()), hostKey, user, log);
        }
        if (user != null && !user.isBlank() && !user.startsWith("#!")) {
            log.info("instance " + request.instanceId() + ": user data does not start with #!; Kiln's images run"
                    + " only scripts, so it is ignored");
        }
        Seed seed = new Seed(SshKeys.publicKeyLine(clientKey.getPublic(), "kiln@" + request.instanceId()),
                SshKeys.privateKeyOpenSsh(hostKey), SshKeys.publicKeyLine(hostKey.getPublic(), "root@"
                + request.instanceId()), request.instanceId(), request.instanceId(), user);
        Path file = work.resolve("seed.tar");
        seed.writeTo(file);
        return file;
    }

    private void startQemu(List<String> arguments) {
        qemu = BackgroundProcess.start("qemu-" + request.instanceId(),
                new ExecRequest(arguments, Map.of(), work.toString(), null),
                OutputListener.of(console::console, console::qemu), null);
        exit = qemu.exit();
    }

    /** Waits until QEMU answers on its QMP socket (it is then past setting up its network) or exits. */
    private boolean awaitQmp() throws InterruptedException {
        return Wait.until("QEMU to answer on " + qmpSocket, this::qmpAnswers)
                .within(QEMU_START_TIMEOUT)
                .every(Duration.ofMillis(100))
                .whileAlive(this::running, () -> "QEMU exited")
                .outcome() == Wait.Outcome.READY;
    }

    /** Whether QEMU answers a status query; an IOException when it is not ready yet, or gone. */
    private boolean qmpAnswers() throws IOException {
        if (!Files.exists(qmpSocket)) {
            return false;
        }
        try (Qmp qmp = Qmp.connect(qmpSocket, QMP_TIMEOUT)) {
            qmp.execute("query-status", QMP_TIMEOUT);
            return true;
        }
    }

    private boolean running() {
        return exit != null && !exit.isDone();
    }

    private void awaitUserData() throws IOException, InterruptedException {
        log.info("instance " + request.instanceId() + ": waiting for its user data to finish");
        if (request.image().boot().mode() == Boot.Mode.FIRMWARE) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ExecResult r = target.exec(ExecRequest.of(List.of("cloud-init", "status", "--wait", "--long"),
                    USER_DATA_TIMEOUT), collect(out));
            if (!r.succeeded()) {
                throw new InstanceException("instance " + request.instanceId() + ": cloud-init did not finish"
                        + " cleanly (exit code " + r.exitCode() + "):\n" + out.toString(StandardCharsets.UTF_8).strip());
            }
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecResult r = target.exec(ExecRequest.of(List.of("sh", "-c",
                "while [ ! -e \"$1\" ]; do sleep 1; done; cat \"$1\"", "sh", USER_DATA_STATUS), USER_DATA_TIMEOUT),
                collect(out));
        String status = out.toString(StandardCharsets.UTF_8).strip();
        if (!r.succeeded()) {
            throw failure("its user data did not finish" + (r.timedOut() ? " within "
                    + USER_DATA_TIMEOUT.toMinutes() + " minutes" : ""), null);
        }
        if (!status.equals("0")) {
            ByteArrayOutputStream tail = new ByteArrayOutputStream();
            target.exec(ExecRequest.of(List.of("tail", "-n", String.valueOf(TAIL), "/var/log/kiln-user-data.log"),
                    Duration.ofSeconds(30)), collect(tail));
            throw new InstanceException("instance " + request.instanceId() + ": its user data exited with status "
                    + status + "; the last lines of /var/log/kiln-user-data.log:\n"
                    + tail.toString(StandardCharsets.UTF_8).strip());
        }
        log.info("instance " + request.instanceId() + ": user data finished");
    }

    @Override
    public String instanceId() {
        return request.instanceId();
    }

    @Override
    public Target target() {
        if (target == null || stopped) {
            throw new IllegalStateException("instance " + request.instanceId() + " is not running");
        }
        return target;
    }

    @Override
    public String howToConnect() {
        return target == null ? "instance " + request.instanceId() + " is not reachable" : target.connectCommand(keyFile);
    }

    @Override
    public CapturedDisk captureImage(Path outputFolder, Duration timeout) throws IOException, InterruptedException {
        return new Capture(this).run(outputFolder, timeout);
    }

    @Override
    public String consoleTail(int lines) {
        return console.tail(lines);
    }

    InstanceRequest request() {
        return request;
    }

    BuildLog log() {
        return log;
    }

    SshTarget sshTarget() {
        if (target == null || stopped) {
            throw new IllegalStateException("instance " + request.instanceId() + " is not running");
        }
        return target;
    }

    Path overlay() {
        return overlay;
    }

    /**
     * Waits for the guest to power itself off; then asks QEMU to quit; then kills it.
     *
     * @return whether the guest powered off by itself
     */
    boolean awaitPowerOff(Duration timeout) throws InterruptedException {
        stopped = true;
        closeTarget();
        try {
            exit.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            log.info("instance " + request.instanceId() + ": did not power off within " + timeout.toSeconds()
                    + " s; stopping QEMU");
            stopQemu();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    /** QMP quit, then kill the process tree; returns when QEMU is gone (or after a bounded wait). */
    private void stopQemu() throws InterruptedException {
        if (!running()) {
            return;
        }
        if (Files.exists(qmpSocket)) {
            try (Qmp qmp = Qmp.connect(qmpSocket, QMP_TIMEOUT)) {
                qmp.execute("quit", QMP_TIMEOUT);
            } catch (IOException e) {
                // Gone already, or hung: the interruption below kills it either way.
            }
        }
        try {
            exit.get(EXIT_AFTER_QUIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            qemu.kill(EXIT_AFTER_QUIT);
        }
    }

    private void closeTarget() {
        SshTarget t = target;
        if (t != null) {
            try {
                t.close();
            } catch (RuntimeException e) {
                // A connection to a machine that is going away.
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopped = true;
        boolean interrupted = Thread.interrupted();
        try {
            closeTarget();
            if (exit != null) {
                stopQemu();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            if (qemu != null) {
                qemu.interrupt();
            }
        } catch (RuntimeException e) {
            log.info("instance " + request.instanceId() + ": while stopping: " + e);
        } finally {
            try {
                Trees.delete(work);
                Files.deleteIfExists(qmpSocket);
            } catch (IOException | RuntimeException e) {
                log.info("instance " + request.instanceId() + ": could not remove " + work + ": " + e.getMessage());
            }
            LIVE.remove(work);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    InstanceException failure(String what, Throwable cause) {
        String qemuSaid = console.qemuErrors().strip();
        String message = "instance " + request.instanceId() + " (" + request.instanceType() + ", image "
                + request.image().imageId() + ") " + what
                + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : "")
                + (exit != null && exit.isDone() ? "; QEMU exited" + exitCode() : "")
                + (qemuSaid.isEmpty() ? "" : "\nQEMU said:\n" + qemuSaid)
                + "\nthe console's last lines:\n" + console.tail(TAIL);
        return new InstanceException(message, cause);
    }

    private String exitCode() {
        try {
            return " with code " + exit.getNow(null).exitCode();
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static OutputListener collect(ByteArrayOutputStream out) {
        return OutputListener.stdoutOnly(line -> out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }

}
