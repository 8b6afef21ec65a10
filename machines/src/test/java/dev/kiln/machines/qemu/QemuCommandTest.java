package dev.kiln.machines.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.machine.Boot;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandTest {
    private static final Boot KERNEL_BOOT = new Boot(Boot.Mode.KERNEL, Path.of("/img/vmlinuz"),
            Path.of("/img/initrd.img"), "quiet mitigations=off");

    private static QemuCommand command(Boot boot, Accelerator accel) {
        return new QemuCommand("qemu-system-x86_64", accel, "i-0abc", new InstanceSizes.Size(2, 1024), boot,
                Path.of("/img/vmlinux"), Path.of("/w/root.qcow2"), Path.of("/w/seed.tar"), 40022,
                Path.of("/w/qmp.sock"), Path.of("/w/qemu.pid"));
    }

    @Test
    void bootsTheKernelDirectlyWithRootOnTheFirstVirtioDisk() {
        List<String> a = command(KERNEL_BOOT, Accelerator.TCG).arguments();
        assertThat(a).containsSequence("-kernel", "/img/vmlinux")
                .containsSequence("-initrd", "/img/initrd.img")
                .containsSequence("-append", "root=/dev/vda rw console=ttyS0 quiet mitigations=off")
                .containsSequence("-drive", "file=/w/root.qcow2,if=none,id=root,format=qcow2,discard=unmap",
                        "-device", "virtio-blk-pci,drive=root");
    }

    @Test
    void attachesTheSeedReadOnlyWithItsSerial() {
        List<String> a = command(KERNEL_BOOT, Accelerator.TCG).arguments();
        assertThat(a).containsSequence("-drive", "file=/w/seed.tar,if=none,id=seed,format=raw,readonly=on",
                "-device", "virtio-blk-pci,drive=seed,serial=kiln-seed");
    }

    @Test
    void sizesConsoleQmpPidfileAndSshForward() {
        List<String> a = command(KERNEL_BOOT, Accelerator.TCG).arguments();
        assertThat(a.get(0)).isEqualTo("qemu-system-x86_64");
        assertThat(a).containsSequence("-smp", "2", "-m", "1024M")
                .containsSequence("-serial", "stdio")
                .containsSequence("-qmp", "unix:/w/qmp.sock,server=on,wait=off")
                .containsSequence("-pidfile", "/w/qemu.pid")
                .containsSequence("-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:40022-:22")
                .doesNotContain("-no-reboot");
    }

    @Test
    void acceleratorChoosesItsCpuModel() {
        assertThat(command(KERNEL_BOOT, Accelerator.TCG).arguments()).containsSequence("-accel", "tcg", "-cpu", "max");
        assertThat(command(KERNEL_BOOT, Accelerator.KVM).arguments()).containsSequence("-accel", "kvm", "-cpu", "host");
    }

    @Test
    void firmwareImagesBootFromTheirDiskWithACloudInitSeed() {
        List<String> a = command(Boot.firmware(), Accelerator.TCG).arguments();
        assertThat(a).doesNotContain("-kernel", "-initrd", "-append")
                .contains("virtio-blk-pci,drive=root,bootindex=0", "virtio-blk-pci,drive=seed");
    }

    @Test
    void doublesCommasInPaths() {
        assertThat(QemuCommand.escape(Path.of("/a,b/c.qcow2"))).isEqualTo("/a,,b/c.qcow2");
    }
}
