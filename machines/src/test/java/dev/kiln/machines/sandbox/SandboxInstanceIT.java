package dev.kiln.machines.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.Instance.CapturedDisk;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.machines.TestCache;
import dev.kiln.machines.base.BaseImage;
import dev.kiln.machines.base.BaseImageCache;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Target.RebootOutcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxInstanceIT {
    static final Path BASE_IMAGES = TestCache.BASE_IMAGES;

    @TempDir
    static Path shared;
    static Path tree;

    @TempDir
    Path dir;

    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final BuildLog log = BuildLog.discarding(Clock.systemUTC()).follow(logLines::add);
    private final List<SandboxInstance> instances = new ArrayList<>();
    private Path builds;
    private RootTrees trees;
    private SandboxBackend backend;
    private MachineImage image;

    @BeforeAll
    static void buildBusyboxTree() throws Exception {
        tree = BusyboxTree.create(shared.resolve("tree"));
    }

    @BeforeEach
    void setUp() {
        builds = dir.resolve("builds");
        trees = new RootTrees(dir.resolve("cache/trees"));
        backend = new SandboxBackend(trees, builds);
        image = image("busybox-" + randomHex(8), null, Boot.firmware());
        trees.register(image.diskSha256(), List.of(tree));
    }

    @AfterEach
    void closeInstances() {
        instances.forEach(SandboxInstance::close);
    }

    @Test
    void runsCommandsAsRootWithACleanEnvironmentInTheChroot() throws Exception {
        SandboxInstance sandbox = launch(null);
        assertThat(run(sandbox, "id", "-u").out()).isEqualTo("0\n");
        assertThat(run(sandbox, "env").out().lines().sorted().toList()).containsExactly(
                "HOME=/root", "LANG=C.UTF-8", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        assertThat(run(sandbox, "hostname").out().strip()).isEqualTo(sandbox.instanceId());
        assertThat(run(sandbox, "pwd").out()).isEqualTo("/root\n");
        assertThat(run(sandbox, "cat", "/etc/marker").out()).isEqualTo("busybox tree\n");
        assertThat(run(sandbox, "sh", "-c", "echo out; echo err >&2; exit 7"))
                .isEqualTo(new Run(7, "out\n", "err\n", false));
        assertThat(run(sandbox, "no-such-program").exit()).isEqualTo(127);
    }

    @Test
    void copiesStandardInputAndBinaryOutputExactly() throws Exception {
        SandboxInstance sandbox = launch(null);
        byte[] data = {0, 1, (byte) 0xff, '\r', '\n', 'x'};
        var out = new ByteArrayOutputStream();
        ExecResult r = sandbox.exec(List.of("cat"), new ByteArrayInputStream(data), out,
                java.io.OutputStream.nullOutputStream(), Duration.ofSeconds(30));
        assertThat(r.succeeded()).isTrue();
        assertThat(out.toByteArray()).isEqualTo(data);
    }

    @Test
    void changesLandInTheUpperDirNeverInTheImageOrOnTheHost() throws Exception {
        SandboxInstance sandbox = launch(null);
        String marker = "kiln-" + randomHex(6);
        assertThat(run(sandbox, "sh", "-c", "echo built > /etc/built && rm /etc/motd && echo t > /tmp/t"
                + " && echo 'nameserver 192.0.2.9' >> /etc/resolv.conf && touch /" + marker).exit()).isZero();

        Path upper = sandbox.upperDir();
        assertThat(upper.resolve("etc/built")).hasContent("built");
        assertThat(Files.readAttributes(upper.resolve("etc/motd"), "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS))
                .containsEntry("rdev", 0L).extractingByKey("mode").matches(m -> ((int) m & 0170000) == 0020000);
        assertThat(upper.resolve("tmp/t")).doesNotExist();
        assertThat(upper.resolve("etc/resolv.conf")).doesNotExist();
        assertThat(tree.resolve("etc/motd")).exists();
        assertThat(Path.of("/" + marker)).doesNotExist();
        assertThat(Files.readString(Path.of("/etc/resolv.conf"))).doesNotContain("192.0.2.9");
        assertThat(Host.mountsUnder(sandbox.rootFolder())).hasSize(1);
    }

    @Test
    void timeoutKillsEveryProcessTheCommandStarted() throws Exception {
        SandboxInstance sandbox = launch(null);
        Instant start = Instant.now();
        Run r = run(sandbox, Duration.ofSeconds(1), "sh", "-c", "sleep 301 & setsid sleep 302 & sleep 303");
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exit()).isEqualTo(-1);
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
        assertThat(run(sandbox, "ps", "-o", "args").out()).contains("ps -o args").doesNotContain("sleep 30");
    }

    @Test
    void runsUserDataOnceBeforeLaunchReturns() throws Exception {
        SandboxInstance sandbox = launch("#!/bin/sh\necho \"ran as $(id -u)\" >> /root/user-data.log\necho done\n");
        assertThat(run(sandbox, "cat", "/root/user-data.log").out()).isEqualTo("ran as 0\n");
        assertThat(logLines).anyMatch(l -> l.contains("[user-data] done"));
        assertThat(run(sandbox, "ls", "/tmp").out()).isEmpty();
    }

    @Test
    void failingUserDataFailsTheLaunchWithItsOutputAndLeavesNothing() throws Exception {
        Path folder = builds.resolve("failing");
        assertThatThrownBy(() -> backend.launch(request(folder, "#!/bin/sh\necho broken-marker\nexit 3\n"), log))
                .isInstanceOf(InstanceException.class)
                .hasMessageContaining("exited with 3")
                .hasMessageContaining("broken-marker");
        assertNothingLeft(folder);
    }

    @Test
    void rebootKillsEveryProcessAndKeepsTheFiles() throws Exception {
        SandboxInstance sandbox = launch(null);
        assertThat(run(sandbox, "sh", "-c", "sleep 304 >/dev/null 2>&1 & echo kept > /root/kept; echo t > /tmp/t")
                .exit()).isZero();
        long before = holderPid(sandbox);

        assertThat(sandbox.target().reboot(Duration.ZERO)).isEqualTo(RebootOutcome.RESUMED);

        assertThat(holderPid(sandbox)).isNotEqualTo(before);
        assertThat(ProcessHandle.of(before)).isEmpty();
        assertThat(run(sandbox, "ps", "-o", "args").out()).contains("ps -o args").doesNotContain("sleep 304");
        assertThat(run(sandbox, "cat", "/root/kept").out()).isEqualTo("kept\n");
        assertThat(run(sandbox, "ls", "/tmp").out()).isEmpty();
        assertThat(run(sandbox, "hostname").out().strip()).isEqualTo(sandbox.instanceId());
    }

    @Test
    void captureWritesAStandaloneDiskAndALayerThatANewImageMountsAtOnce() throws Exception {
        SandboxInstance sandbox = launch(null);
        assertThat(run(sandbox, "sh", "-c", "echo built > /etc/built && rm /etc/motd"
                + " && echo list > /var/lib/apt/lists/deb.debian.org_dists").exit()).isZero();
        Path out = dir.resolve("out");

        CapturedDisk disk = sandbox.captureImage(out, Duration.ofMinutes(2));

        assertThat(disk.boot()).isEqualTo(image.boot());
        assertThat(disk.sizeGiB()).isEqualTo(1);
        assertThat(host("qemu-img", "check", disk.disk().toString()).exit()).isZero();
        Path raw = dir.resolve("check.raw");
        assertThat(host("qemu-img", "convert", "-O", "raw", disk.disk().toString(), raw.toString()).exit()).isZero();
        assertThat(host("debugfs", "-R", "cat /etc/built", raw.toString()).out()).isEqualTo("built\n");
        assertThat(host("debugfs", "-R", "stat /etc/motd", raw.toString()).err()).contains("File not found");
        assertThat(host("debugfs", "-R", "ls /var/lib/apt/lists", raw.toString()).out())
                .doesNotContain("deb.debian.org");
        assertThat(sandbox.capturedLowerDirs()).containsExactly(out.resolve("layer"), tree);
        assertThat(out.resolve("layer/etc/built")).exists();
        assertThatThrownBy(() -> run(sandbox, "true")).isInstanceOf(InstanceException.class)
                .hasMessageContaining("stopped by its image capture");

        MachineImage captured = image("captured-" + randomHex(8), disk.disk(), disk.boot());
        backend.imageRegistered(sandbox, captured);
        assertThat(sandbox.capturedLowerDirs())
                .containsExactly(trees.cacheFolder().resolve(captured.diskSha256() + ".layer"), tree);
        assertThat(out.resolve("layer")).doesNotExist();
        SandboxInstance next = launch(captured, null);
        assertThat(run(next, "cat", "/etc/built").out()).isEqualTo("built\n");
        assertThat(run(next, "test", "-e", "/etc/motd").exit()).isEqualTo(1);
        assertThat(logLines).noneMatch(l -> l.contains("extracting"));
    }

    @Test
    void extractsTheTreeOfAnUnknownImageOnceKeepingOwnersModesLinksAndXattrs() throws Exception {
        MachineImage unknown = specialImage();

        SandboxInstance sandbox = launch(unknown, null);
        SandboxInstance second = launch(unknown, null);

        assertThat(logLines.stream().filter(l -> l.contains("extracting the root tree"))).hasSize(1);
        assertSpecialFilesKept(sandbox.rootFolder());
        assertThat(Files.getFileAttributeView(sandbox.rootFolder().resolve("etc/marker"),
                UserDefinedFileAttributeView.class).list()).contains("kiln");
        assertThat(run(second, "cat", "/etc/marker").out()).isEqualTo("busybox tree\n");
    }

    @Test
    void withoutLoopDevicesDebugfsKeepsAllButExtendedAttributes() throws Exception {
        MachineImage unknown = specialImage();
        trees = new RootTrees(dir.resolve("cache/rdump"), false);
        backend = new SandboxBackend(trees, builds);

        SandboxInstance sandbox = launch(unknown, null);

        assertThat(logLines).anyMatch(l -> l.contains("with debugfs"));
        assertSpecialFilesKept(sandbox.rootFolder());
        assertThat(run(sandbox, "cat", "/etc/marker").out()).isEqualTo("busybox tree\n");
    }

    /** A disk with an owner other than root, a setuid file, a hard link, a device node, a FIFO and an xattr. */
    private MachineImage specialImage() throws Exception {
        Path src = dir.resolve("special");
        BusyboxTree.create(src);
        Files.createDirectories(src.resolve("home/user"));
        host("chown", "1000:1000", src.resolve("home/user").toString());
        host("chmod", "4755", src.resolve("bin/busybox").toString());
        Files.createLink(src.resolve("bin/hardlink"), src.resolve("bin/busybox"));
        host("mknod", src.resolve("etc/node").toString(), "c", "1", "3");
        host("mkfifo", src.resolve("etc/fifo").toString());
        host("chmod", "1777", src.resolve("home").toString());
        Files.getFileAttributeView(src.resolve("etc/marker"), UserDefinedFileAttributeView.class)
                .write("kiln", StandardCharsets.UTF_8.encode("kept"));
        Path raw = dir.resolve("special.raw");
        Path qcow2 = dir.resolve("special.qcow2");
        host("truncate", "-s", "256M", raw.toString());
        assertThat(host("mkfs.ext4", "-q", "-F", "-d", src.toString(), raw.toString()).exit()).isZero();
        assertThat(host("qemu-img", "convert", "-O", "qcow2", raw.toString(), qcow2.toString()).exit()).isZero();
        return image("unknown-" + randomHex(8), qcow2, Boot.firmware());
    }

    private static void assertSpecialFilesKept(Path root) throws IOException {
        assertThat(Files.getAttribute(root.resolve("home/user"), "unix:uid")).isEqualTo(1000);
        assertThat(((int) Files.getAttribute(root.resolve("bin/busybox"), "unix:mode")) & 07777).isEqualTo(04755);
        assertThat(((int) Files.getAttribute(root.resolve("home"), "unix:mode")) & 07777).isEqualTo(01777);
        assertThat(Files.getAttribute(root.resolve("bin/hardlink"), "unix:nlink")).isEqualTo(2);
        assertThat(Files.getAttribute(root.resolve("bin/hardlink"), "unix:ino"))
                .isEqualTo(Files.getAttribute(root.resolve("bin/busybox"), "unix:ino"));
        assertThat(Files.readSymbolicLink(root.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        assertThat(Files.getAttribute(root.resolve("etc/node"), "unix:rdev", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0x103L);
        assertThat(((int) Files.getAttribute(root.resolve("etc/fifo"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                & 0170000).isEqualTo(0010000);
    }

    @Test
    void closeRemovesMountsProcessesAndFilesAndCanBeCalledAgain() throws Exception {
        SandboxInstance sandbox = launch(null);
        run(sandbox, "sh", "-c", "sleep 305 >/dev/null 2>&1 &");
        long pid = holderPid(sandbox);
        Path folder = sandbox.folder();

        sandbox.close();
        sandbox.close();

        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertNothingLeft(folder);
        assertThatThrownBy(() -> run(sandbox, "true")).isInstanceOf(InstanceException.class)
                .hasMessageContaining("terminated");
    }

    @Test
    void sweepOrphansRemovesTheMountsAndProcessesACrashLeftButNotLiveInstances() throws Exception {
        SandboxInstance crashed = launch(null);
        long crashedPid = holderPid(crashed);
        SandboxBackend restarted = new SandboxBackend(trees, builds);
        SandboxInstance live = (SandboxInstance) restarted.launch(request(builds.resolve("live"), null), log);
        instances.add(live);

        restarted.sweepOrphans(log);

        assertThat(ProcessHandle.of(crashedPid)).isEmpty();
        assertThat(Host.mountsUnder(crashed.folder())).isEmpty();
        assertThat(crashed.folder().resolve("upper")).exists();
        assertThat(run(live, "true").exit()).isZero();
        assertThat(logLines).anyMatch(l -> l.contains("swept orphaned sandboxes"));
        crashed.close();
        assertNothingLeft(crashed.folder());
    }

    @Test
    void aSandboxDoesNotHoldAnotherSandboxsOverlay() throws Exception {
        SandboxInstance first = launch(null);
        SandboxInstance second = launch(null);
        String mounts = Files.readString(Path.of("/proc", Long.toString(holderPid(second)), "mountinfo"));
        assertThat(mounts).contains(second.rootFolder().toString()).doesNotContain(first.rootFolder().toString());
        first.close();
        assertNothingLeft(first.folder());
        assertThat(run(second, "true").exit()).isZero();
    }

    @Test
    void saysSoWhenItsNamespacesWereKilledFromOutside() throws Exception {
        SandboxInstance sandbox = launch(null);
        ProcessHandle holder = ProcessHandle.of(holderPid(sandbox)).orElseThrow();
        holder.destroyForcibly();
        holder.onExit().get();
        Thread.sleep(200);
        assertThatThrownBy(() -> run(sandbox, "true")).isInstanceOf(InstanceException.class)
                .hasMessageContaining("killed from outside Kiln");
    }

    @Test
    void tellsAPersonHowToEnterIt() throws Exception {
        SandboxInstance sandbox = launch(null);
        assertThat(sandbox.howToConnect()).contains("nsenter --target " + holderPid(sandbox))
                .contains("chroot " + sandbox.rootFolder());
        assertThat(sandbox.consoleTail(5)).contains("namespaces ready");
    }

    /**
     * Against Kiln's Debian base image (built from the mirror on first use, shared by the tests in
     * $KILN_TEST_CACHE): an apt install from the mirror, then a capture that holds the package.
     */
    @Test
    void installsADebianPackageAndCapturesItIntoAValidImage() throws Exception {
        BaseImage debian = new BaseImageCache(BASE_IMAGES).ensure("debian-12", log);
        MachineImage base = debian.asMachineImage("us-east-1", "ami-" + debian.diskSha256().substring(0, 17),
                "debian-12");
        trees.register(base.diskSha256(), List.of(debian.rootfs()));

        Instant t0 = Instant.now();
        SandboxInstance sandbox = launch(base, null);
        Instant t1 = Instant.now();
        Run install = run(sandbox, Duration.ofMinutes(10), "sh", "-c",
                "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y jq");
        Instant t2 = Instant.now();
        assertThat(install.exit()).as(install.out() + install.err()).isZero();
        assertThat(run(sandbox, "sh", "-c", "echo '{\"a\":41}' | jq .a+1").out()).isEqualTo("42\n");
        assertThat(sandbox.upperDir().resolve("usr/bin/jq")).exists();
        CapturedDisk disk = sandbox.captureImage(dir.resolve("out"), Duration.ofMinutes(5));
        Instant t3 = Instant.now();

        assertThat(disk.boot()).isEqualTo(base.boot());
        assertThat(disk.sizeGiB()).isEqualTo(base.rootVolumeSizeGiB());
        assertThat(host("qemu-img", "check", disk.disk().toString()).exit()).isZero();
        Path raw = dir.resolve("debian.raw");
        assertThat(host("qemu-img", "convert", "-O", "raw", disk.disk().toString(), raw.toString()).exit()).isZero();
        assertThat(host("debugfs", "-R", "stat /usr/bin/jq", raw.toString()).out()).contains("Type: regular");
        assertThat(host("debugfs", "-R", "ls /var/lib/apt/lists", raw.toString()).out()).doesNotContain("Packages");
        assertThat(host("debugfs", "-R", "stat /usr/sbin/policy-rc.d", raw.toString()).err())
                .contains("File not found");

        MachineImage built = image("built-" + randomHex(8), disk.disk(), disk.boot());
        backend.imageRegistered(sandbox, built);
        Instant t4 = Instant.now();
        SandboxInstance test = launch(built, null);
        Instant t5 = Instant.now();
        assertThat(run(test, "jq", "--version").out()).startsWith("jq-");
        System.out.printf("TIMING launch=%d ms, apt-get update+install jq=%d ms, capture=%d ms, "
                        + "test instance of the new image=%d ms, load=%s%n",
                Duration.between(t0, t1).toMillis(), Duration.between(t1, t2).toMillis(),
                Duration.between(t2, t3).toMillis(), Duration.between(t4, t5).toMillis(),
                Files.readString(Path.of("/proc/loadavg")).strip());
    }

    // --- helpers

    record Run(int exit, String out, String err, boolean timedOut) {
    }

    private SandboxInstance launch(String userData) throws Exception {
        return launch(image, userData);
    }

    private SandboxInstance launch(MachineImage of, String userData) throws Exception {
        String id = "i-" + randomHex(17).substring(0, 17);
        InstanceRequest request = new InstanceRequest(id, of, "kiln.sandbox", userData, builds.resolve(id),
                Duration.ofMinutes(2));
        SandboxInstance instance = (SandboxInstance) backend.launch(request, log);
        instances.add(instance);
        return instance;
    }

    private InstanceRequest request(Path folder, String userData) {
        return new InstanceRequest("i-" + randomHex(17).substring(0, 17), image, "kiln.sandbox", userData, folder,
                Duration.ofMinutes(2));
    }

    private MachineImage image(String sha, Path disk, Boot boot) {
        return MachineImage.builder().setImageId("ami-" + randomHex(17).substring(0, 17)).setRegion("us-east-1")
                .setName("test").setDescription("").setOwnerId("aws").setCreationDate(Instant.now())
                .setState("available").setRootVolumeSizeGiB(1).setDisk(disk).setDiskSha256(sha).setBoot(boot)
                .build();
    }

    private static Run run(SandboxInstance sandbox, String... argv) throws Exception {
        return run(sandbox, Duration.ofSeconds(60), argv);
    }

    private static Run run(SandboxInstance sandbox, Duration timeout, String... argv) throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        ExecResult r = sandbox.exec(List.of(argv), null, out, err, timeout);
        return new Run(r.exitCode(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                r.timedOut());
    }

    static Run host(String... argv) throws IOException, InterruptedException {
        var out = new StringBuilder();
        var err = new StringBuilder();
        ExecResult r = ProcessRunner.run(ExecRequest.of(List.of(argv), Duration.ofMinutes(2)), new OutputListener() {
            @Override
            public void stdout(String line) {
                out.append(line).append('\n');
            }

            @Override
            public void stderr(String line) {
                err.append(line).append('\n');
            }
        });
        return new Run(r.exitCode(), out.toString(), err.toString(), r.timedOut());
    }

    private static long holderPid(SandboxInstance sandbox) {
        String line = sandbox.howToConnect();
        String after = line.substring(line.indexOf("--target ") + 9);
        return Long.parseLong(after.substring(0, after.indexOf(' ')));
    }

    private void assertNothingLeft(Path folder) throws IOException {
        assertThat(folder).doesNotExist();
        assertThat(Host.mountsUnder(folder)).isEmpty();
        assertThat(ProcessHandle.allProcesses().map(p -> SandboxBackend.holderFolder(p.pid())))
                .doesNotContain(folder.toAbsolutePath().normalize());
    }

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
