package dev.kiln.machines.qemu;

import dev.kiln.core.machine.Boot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The qemu-system-x86_64 argument list for an instance. Kiln's images boot their kernel directly with
 * the root file system on the whole first virtio disk; other images boot from their disk through the
 * firmware. The second disk is the seed: Kiln's tar archive (serial {@code kiln-seed}) or, for firmware
 * images, a cloud-init NoCloud volume. The console is the first serial port on QEMU's stdio; QEMU's
 * monitor is only reachable on the QMP socket; SSH is forwarded from a loopback port.
 *
 * @param kernel the kernel file to load for a KERNEL boot (the boot's own, or its uncompressed vmlinux)
 */
record QemuCommand(String program, Accelerator accelerator, String name, InstanceSizes.Size size, Boot boot,
                   Path kernel, Path rootDisk, Path seedDisk, int sshPort, Path qmpSocket, Path pidFile) {

    /** Kiln adds these kernel arguments; the image's own follow. */
    static String kernelCommandLine(Boot boot) {
        String own = boot.kernelArgs() == null ? "" : boot.kernelArgs().strip();
        return ("root=/dev/vda rw console=ttyS0 " + own).strip();
    }

    List<String> arguments() {
        List<String> a = new ArrayList<>(List.of(program, "-name", name, "-machine", "q35"));
        a.addAll(accelerator.qemuArguments());
        a.addAll(List.of("-smp", String.valueOf(size.vcpus()), "-m", size.memoryMiB() + "M",
                "-nodefaults", "-no-user-config", "-display", "none",
                "-serial", "stdio", "-monitor", "none",
                "-qmp", "unix:" + qmpSocket + ",server=on,wait=off",
                "-pidfile", pidFile.toString()));
        if (boot.mode() == Boot.Mode.KERNEL) {
            a.addAll(List.of("-kernel", kernel.toString()));
            if (boot.initrd() != null) {
                a.addAll(List.of("-initrd", boot.initrd().toString()));
            }
            a.addAll(List.of("-append", kernelCommandLine(boot)));
        }
        a.addAll(List.of(
                "-drive", "file=" + escape(rootDisk) + ",if=none,id=root,format=qcow2,discard=unmap",
                "-device", "virtio-blk-pci,drive=root" + (boot.mode() == Boot.Mode.FIRMWARE ? ",bootindex=0" : "")));
        if (seedDisk != null) {
            a.addAll(List.of(
                    "-drive", "file=" + escape(seedDisk) + ",if=none,id=seed,format=raw,readonly=on",
                    "-device", "virtio-blk-pci,drive=seed" + (boot.mode() == Boot.Mode.KERNEL
                            ? ",serial=" + Seed.DISK_SERIAL : "")));
        }
        a.addAll(List.of(
                "-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22",
                "-device", "virtio-net-pci,netdev=net0",
                // Entropy for the guest's early boot (sshd, key generation) without waiting for jitter.
                "-device", "virtio-rng-pci"));
        return List.copyOf(a);
    }

    /** QEMU option values are comma-separated; a comma in a path is written twice. */
    static String escape(Path p) {
        return p.toString().replace(",", ",,");
    }
}
