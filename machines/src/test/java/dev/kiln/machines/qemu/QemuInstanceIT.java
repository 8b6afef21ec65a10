package dev.kiln.machines.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.machines.TestCache;
import dev.kiln.machines.base.BaseImage;
import dev.kiln.machines.image.DiskImages;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full Debian boots under TCG (25-35 s each), so few of them: one instance goes through user data,
 * commands, a reboot and a capture; a second boots the captured disk; a third never becomes reachable.
 */
class QemuInstanceIT {
    private static final QemuBackend BACKEND = new QemuBackend(Accelerator.TCG);

    @TempDir
    Path dir;

    @Test
    void launchesRunsUserDataRebootsCapturesAndBootsTheCapture() throws Exception {
        BaseImage base = TestCache.debian();
        MachineImage image = base.asMachineImage("us-east-1", "ami-00000000000000001", "debian-12");
        String userData = "#!/bin/sh\necho user-data-ran >> /root/user-data-count\necho hello from user data\n";
        InstanceRequest request = request(image, userData, Duration.ofMinutes(3));
        Path captured;
        Boot capturedBoot;
        Path pidFile = request.workFolder().resolve(QemuInstance.PID_FILE);
        long pid;
        int port;
        try (Instance instance = BACKEND.launch(request, TestCache.LOG)) {
            pid = Long.parseLong(Files.readString(pidFile).strip());
            Target t = instance.target();
            assertThat(run(t, "uname", "-m")).isEqualTo("x86_64");
            assertThat(run(t, "hostname")).isEqualTo(request.instanceId());
            assertThat(run(t, "cat", "/root/user-data-count")).isEqualTo("user-data-ran");
            assertThat(run(t, "cat", "/var/log/kiln-user-data.log")).contains("hello from user data");
            assertThat(instance.consoleTail(200)).contains("kiln-seed: ok");
            assertThat(instance.howToConnect()).contains("ssh", "ssh-key");
            port = Integer.parseInt(instance.howToConnect().replaceAll(".*-p (\\d+).*", "$1"));

            assertThat(t.reboot(Duration.ZERO)).isEqualTo(Target.RebootOutcome.RESUMED);
            assertThat(run(t, "cat", "/root/user-data-count")).as("user data runs once per instance")
                    .isEqualTo("user-data-ran");
            assertThat(run(t, "cat", QemuInstance.USER_DATA_STATUS)).isEqualTo("0");

            run(t, "sh", "-c", "echo made-in-build > /root/captured.txt");
            // As if a component installed another kernel: /vmlinuz points to a file that is not the image's.
            run(t, "sh", "-c", "cp \"$(readlink -f /vmlinuz)\" /boot/vmlinuz-kiln-test && printf '\\0' >> "
                    + "/boot/vmlinuz-kiln-test && ln -sf boot/vmlinuz-kiln-test /vmlinuz");
            Instance.CapturedDisk disk = instance.captureImage(dir.resolve("out"), Duration.ofMinutes(3));
            captured = disk.disk();
            assertThat(DiskImages.info(captured).backingFile()).isNull();
            assertThat(disk.sizeGiB()).isEqualTo(base.sizeGiB());
            assertThat(disk.boot().kernel()).isNotEqualTo(image.boot().kernel()).isRegularFile()
                    .hasSize(Files.size(image.boot().kernel()) + 1);
            assertThat(disk.boot().initrd()).hasSameBinaryContentAs(image.boot().initrd());
            assertThat(disk.boot().kernelArgs()).isEqualTo(image.boot().kernelArgs());
            capturedBoot = disk.boot();
        }
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(request.workFolder()).doesNotExist();
        assertThat(portIsFree(port)).isTrue();

        MachineImage next = MachineImage.builder().setImageId("ami-00000000000000002").setRegion("us-east-1")
                .setName("captured").setDescription("").setOwnerId("111122223333")
                .setCreationDate(image.creationDate()).setState("available")
                .setRootVolumeSizeGiB(image.rootVolumeSizeGiB()).setDisk(captured).setDiskSha256("")
                .setBoot(capturedBoot).build();
        List<String> lines = new ArrayList<>();
        try (Instance second = BACKEND.launch(request(next, null, Duration.ofMinutes(3)), log(lines))) {
            Target t = second.target();
            assertThat(run(t, "cat", "/root/captured.txt")).isEqualTo("made-in-build");
            assertThat(lines).anyMatch(l -> l.contains("uncompressed the kernel " + capturedBoot.kernel().getFileName()));
            assertThat(run(t, "sh", "-c", "ls /etc/ssh/ssh_host_*")).doesNotContain("rsa", "ecdsa");
            assertThat(run(t, "sh", "-c", "test -s /etc/machine-id && cat /etc/machine-id")).isNotBlank();
        }
    }

    @Test
    void anInstanceThatNeverAnswersFailsWithItsConsoleAndLeavesNothing() throws Exception {
        BaseImage base = TestCache.debian();
        MachineImage image = base.asMachineImage("us-east-1", "ami-00000000000000003", "debian-12");
        Boot broken = new Boot(Boot.Mode.KERNEL, image.boot().kernel(), image.boot().initrd(),
                "systemd.unit=emergency.target");
        MachineImage brokenImage = image.toBuilder().setDescription("").setOwnerId("aws").setArchitecture("x86_64")
                .setState("available").setRootVolumeSizeGiB(8).setTags(Map.of()).setBoot(broken)
                .setLaunchUserIds(Set.of()).setPublicLaunch(true).build();
        InstanceRequest request = request(brokenImage, null, Duration.ofSeconds(25));
        List<String> pids = new ArrayList<>();
        assertThatThrownBy(() -> BACKEND.launch(request, log(new ArrayList<>()).follow(l -> {
            if (Files.exists(request.workFolder().resolve(QemuInstance.PID_FILE)) && pids.isEmpty()) {
                try {
                    pids.add(Files.readString(request.workFolder().resolve(QemuInstance.PID_FILE)).strip());
                } catch (IOException e) {
                    // written while we read: the next line tries again
                }
            }
        }))).isInstanceOf(InstanceException.class)
                .hasMessageContaining(request.instanceId())
                .hasMessageContaining("did not become reachable")
                .hasMessageContaining("emergency");
        assertThat(request.workFolder()).doesNotExist();
        for (String pid : pids) {
            assertThat(ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive)).isEmpty();
        }
    }

    private static BuildLog log(List<String> lines) {
        return BuildLog.discarding(Clock.systemUTC()).follow(System.out::println).follow(lines::add);
    }

    private InstanceRequest request(MachineImage image, String userData, Duration ready) {
        String id = "i-" + HexFormat.of().formatHex(randomBytes()).substring(0, 17);
        return new InstanceRequest(id, image, "t3.micro", userData, dir.resolve("builds").resolve(id), ready);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[9];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    static String run(Target t, String... command) throws Exception {
        StringBuilder out = new StringBuilder();
        ExecResult r = t.exec(ExecRequest.of(List.of(command), Duration.ofMinutes(2)), new OutputListener() {
            @Override
            public void stdout(String line) {
                out.append(line).append('\n');
            }

            @Override
            public void stderr(String line) {
                out.append(line).append('\n');
            }
        });
        assertThat(r.exitCode()).as(String.join(" ", command) + ": " + out).isZero();
        return out.toString().strip();
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
