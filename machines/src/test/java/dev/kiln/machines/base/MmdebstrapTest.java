package dev.kiln.machines.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MmdebstrapTest {
    private static final DebianMirror MIRROR = new DebianMirror("http://m/debian", "http://m/sec");
    private static final Path HOOKS = Path.of("/b/hooks");

    @Test
    void aVmImageTreeIsADirectoryWithTheRecipesPackages() {
        Mmdebstrap.Request vm = new Mmdebstrap.Request("base image debian-12", "bookworm",
                BaseImageBuilder.HOOK_FILES, "setup.sh", "customize.sh",
                List.of("--format=directory", "--include=systemd-sysv,udev"), Path.of("/b/rootfs"),
                Duration.ofMinutes(45), "1-2 minutes");
        assertThat(Mmdebstrap.command("/usr/bin/mmdebstrap", vm, HOOKS, MIRROR)).containsExactly(
                "/usr/bin/mmdebstrap", "--variant=minbase", "--components=main", "--aptopt=Acquire::Retries \"3\";",
                "--format=directory", "--include=systemd-sysv,udev",
                "--setup-hook=/b/hooks/setup.sh", "--customize-hook=/b/hooks/customize.sh",
                "bookworm", "/b/rootfs",
                "deb http://m/debian bookworm main", "deb http://m/debian bookworm-updates main",
                "deb http://m/sec bookworm-security main");
    }

    @Test
    void aContainerImageTreeIsATarWithoutDevices() {
        Mmdebstrap.Request container = new Mmdebstrap.Request("container base image debian-12-container",
                "bookworm", ContainerBaseImageRecipe.HOOK_FILES, "container-setup.sh", "container-customize.sh",
                List.of("--format=tar", "--skip=output/dev", "--skip=chroot/policy-rc.d"), Path.of("/b/rootfs.tar"),
                Duration.ofMinutes(30), "about 15 s");
        assertThat(Mmdebstrap.command("mmdebstrap", container, HOOKS, MIRROR)).containsSubsequence(
                "--format=tar", "--skip=output/dev", "--skip=chroot/policy-rc.d",
                "--setup-hook=/b/hooks/container-setup.sh", "--customize-hook=/b/hooks/container-customize.sh",
                "bookworm", "/b/rootfs.tar", "deb http://m/sec bookworm-security main");
    }
}
