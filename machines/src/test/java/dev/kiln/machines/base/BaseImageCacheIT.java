package dev.kiln.machines.base;

import dev.kiln.machines.TestCache;
import dev.kiln.machines.host.HostFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.MachineImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Builds the Debian 12 base image once (about a minute from the mirror) and reuses it on later runs. */
class BaseImageCacheIT {
    static final Path CACHE = TestCache.BASE_IMAGES;
    static final BuildLog LOG = TestCache.LOG;
    static BaseImage image;

    @BeforeAll
    static void ensure() throws Exception {
        image = new BaseImageCache(CACHE).ensure("debian-12", LOG);
    }

    @Test
    void concurrentCallersGetTheOneCachedImage() throws Exception {
        BaseImageCache cache = new BaseImageCache(CACHE);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<BaseImage>> all = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                all.add(pool.submit((Callable<BaseImage>) () -> cache.ensure("debian-12-x86", LOG)));
            }
            for (Future<BaseImage> f : all) {
                assertThat(f.get()).isEqualTo(image);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(cache.cached("debian-12")).contains(image);
        assertThat(cache.cached("debian-11")).isEmpty();
        assertThatThrownBy(() -> cache.ensure("ubuntu-24", LOG)).hasMessageContaining("debian-12");
    }

    @Test
    void hasADiskKernelAndInitrd() throws Exception {
        assertThat(image.disk()).isRegularFile();
        assertThat(Files.readAllBytes(image.disk())).startsWith(new byte[] {'Q', 'F', 'I', 0xfb - 256});
        assertThat(image.diskSha256()).isEqualTo(dev.kiln.machines.host.HostFiles.sha256(image.disk()));
        assertThat(image.kernel()).isRegularFile();
        assertThat(image.initrd()).isRegularFile();
        assertThat(image.vmlinux()).isRegularFile();
        assertThat(Files.newInputStream(image.vmlinux()).readNBytes(4)).isEqualTo(new byte[] {0x7f, 'E', 'L', 'F'});
        assertThat(image.sizeGiB()).isEqualTo(8);
        assertThat(image.kernelArgs()).contains("quiet").doesNotContain("root=").doesNotContain("console=");
    }

    @Test
    void rootTreeIsConfiguredForABuildInstance() throws Exception {
        Path root = image.rootfs();
        assertThat(read(root, "etc/fstab")).startsWith("/dev/vda / ext4");
        assertThat(read(root, "etc/resolv.conf")).isEqualTo("nameserver 10.0.2.3\n");
        assertThat(read(root, "etc/systemd/network/20-wired.network")).contains("DHCP=ipv4");
        assertThat(root.resolve("etc/systemd/system/multi-user.target.wants/systemd-networkd.service")).isSymbolicLink();
        assertThat(read(root, "etc/ssh/sshd_config.d/kiln.conf"))
                .contains("PermitRootLogin prohibit-password", "PasswordAuthentication no");
        try (var keys = Files.list(root.resolve("etc/ssh"))) {
            assertThat(keys.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("ssh_host_"));
        }
        assertThat(root.resolve("root/.ssh/authorized_keys")).doesNotExist();
        assertThat(read(root, "etc/machine-id")).isEmpty();
        assertThat(root.resolve("usr/bin/cloud-init")).doesNotExist();
        assertThat(read(root, "etc/apt/sources.list")).contains(" bookworm main", "bookworm-security main");
    }

    @Test
    void seedAndUserDataUnitsAreInstalledAndEnabled() throws Exception {
        Path root = image.rootfs();
        assertThat(Files.isExecutable(root.resolve("usr/lib/kiln/kiln-seed"))).isTrue();
        assertThat(Files.isExecutable(root.resolve("usr/lib/kiln/kiln-user-data"))).isTrue();
        assertThat(read(root, "etc/systemd/system/kiln-seed.service")).contains("Before=ssh.service");
        assertThat(root.resolve("etc/systemd/system/multi-user.target.wants/kiln-seed.service")).isSymbolicLink();
        assertThat(root.resolve("etc/systemd/system/multi-user.target.wants/kiln-user-data.service")).isSymbolicLink();
    }

    @Test
    void bootTimeUnitsAreMasked() throws Exception {
        for (String unit : List.of("apt-daily.timer", "e2scrub_reap.service", "systemd-networkd-wait-online.service",
                "getty@tty1.service", "fstrim.timer", "systemd-repart.service")) {
            assertThat(Files.readSymbolicLink(image.rootfs().resolve("etc/systemd/system/" + unit)))
                    .as(unit).isEqualTo(Path.of("/dev/null"));
        }
        assertThat(image.rootfs().resolve("etc/systemd/system/getty.target.wants/getty@tty1.service"))
                .doesNotExist();
        assertThat(read(image.rootfs(), "etc/initramfs-tools/conf.d/kiln.conf")).contains("MODULES=list");
        assertThat(read(image.rootfs(), "etc/systemd/system/ssh.service.d/kiln.conf")).contains("ExecStartPre=\n");
        assertThat(read(image.rootfs(), "etc/.updated")).startsWith("TIMESTAMP_NSEC=");
    }

    @Test
    void becomesAnAwsOwnedMachineImageThatBootsItsKernel() {
        MachineImage ami = image.asMachineImage("us-east-1", "ami-0123456789abcdef0", "debian-12-x86");
        assertThat(ami.ownerId()).isEqualTo("aws");
        assertThat(ami.disk()).isEqualTo(image.disk());
        assertThat(ami.boot().mode()).isEqualTo(Boot.Mode.KERNEL);
        assertThat(ami.boot().kernel()).isEqualTo(image.kernel());
        assertThat(ami.boot().initrd()).isEqualTo(image.initrd());
        assertThat(ami.launchableBy("111122223333")).isTrue();
    }

    private static String read(Path root, String file) throws Exception {
        return Files.readString(root.resolve(file));
    }
}
