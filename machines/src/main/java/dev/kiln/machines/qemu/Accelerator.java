package dev.kiln.machines.qemu;

import dev.kiln.core.log.BuildLog;
import dev.kiln.machines.host.HostPackages;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.OutputListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How QEMU runs guest code: KVM (hardware virtualisation) or TCG (emulation, 5-10 times slower but
 * always there). A usable-looking {@code /dev/kvm} is not proof that KVM works (on a host that is
 * itself a PVM guest, stock kernels never boot under it), so {@link #probe} boots a tiny VM under KVM
 * and looks for its marker line before trusting it.
 */
public enum Accelerator {
    KVM(List.of("-accel", "kvm", "-cpu", "host")),
    TCG(List.of("-accel", "tcg", "-cpu", "max"));

    /** Forces an accelerator without probing: {@code tcg} or {@code kvm}. */
    public static final String ENVIRONMENT_VARIABLE = "KILN_ACCEL";
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);

    private final List<String> qemuArguments;

    Accelerator(List<String> qemuArguments) {
        this.qemuArguments = qemuArguments;
    }

    /** The accelerator and CPU model arguments for qemu-system-x86_64. */
    public List<String> qemuArguments() {
        return qemuArguments;
    }

    /**
     * The accelerator to use on this host: the one {@code KILN_ACCEL} names, else KVM when a tiny VM
     * boots under it within 20 s, else TCG with a one-line warning in the log saying why.
     *
     * @param kernel a kernel to boot: an uncompressed vmlinux boots fastest, a bzImage works too
     */
    public static Accelerator probe(Path kernel, Path workFolder, BuildLog log) {
        return probe(System.getenv(ENVIRONMENT_VARIABLE), kernel, workFolder, log);
    }

    static Accelerator probe(String forced, Path kernel, Path workFolder, BuildLog log) {
        if (forced != null && !forced.isBlank()) {
            switch (forced.strip().toLowerCase(Locale.ROOT)) {
                case "tcg" -> {
                    log.info("accelerator: TCG (" + ENVIRONMENT_VARIABLE + "=" + forced + ")");
                    return TCG;
                }
                case "kvm" -> {
                    log.info("accelerator: KVM (" + ENVIRONMENT_VARIABLE + "=" + forced + ", not probed)");
                    return KVM;
                }
                default -> log.info("warning: " + ENVIRONMENT_VARIABLE + "=" + forced
                        + " is neither tcg nor kvm; probing");
            }
        }
        Path kvm = Path.of("/dev/kvm");
        if (!Files.exists(kvm)) {
            log.info("warning: VMs run under TCG (emulation, slow): this host has no /dev/kvm");
            return TCG;
        }
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            log.info("warning: VMs run under TCG (emulation, slow): /dev/kvm is not readable and writable"
                    + " for this user");
            return TCG;
        }
        try {
            if (KVM.bootsTinyVm(kernel, workFolder, PROBE_TIMEOUT, log)) {
                log.info("accelerator: KVM (a probe VM booted under it)");
                return KVM;
            }
            log.info("warning: VMs run under TCG (emulation, slow): /dev/kvm is there but a probe VM did not"
                    + " boot under it within " + PROBE_TIMEOUT.toSeconds() + " s (a nested or paravirtual KVM?)");
        } catch (IOException e) {
            log.info("warning: VMs run under TCG (emulation, slow): the KVM probe could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.info("warning: VMs run under TCG: the KVM probe was interrupted");
        }
        return TCG;
    }

    /**
     * Boots a tiny VM (the kernel with a busybox initramfs that prints a marker and reboots) under this
     * accelerator.
     *
     * @return whether the marker line came within the timeout
     * @throws IOException when qemu or a static busybox (Debian package busybox-static) is missing
     */
    public boolean bootsTinyVm(Path kernel, Path workFolder, Duration timeout, BuildLog log)
            throws IOException, InterruptedException {
        String qemu = HostPrograms.require("qemu-system-x86_64").toString();
        Path busybox = staticBusybox();
        Files.createDirectories(workFolder);
        Path initramfs = Files.createTempFile(workFolder, "probe-", ".cpio.gz");
        try {
            ProbeInitramfs.write(busybox, initramfs);
            List<String> command = new ArrayList<>(List.of(qemu, "-machine", "q35"));
            command.addAll(qemuArguments);
            command.addAll(List.of("-m", "256M", "-smp", "1", "-nodefaults", "-no-user-config", "-display", "none",
                    "-no-reboot", "-serial", "stdio", "-monitor", "none",
                    "-kernel", kernel.toString(), "-initrd", initramfs.toString(),
                    "-append", "console=ttyS0 quiet panic=-1"));
            AtomicBoolean marker = new AtomicBoolean();
            long start = System.nanoTime();
            ProcessRunner.run(ExecRequest.of(command, timeout), OutputListener.of(line -> {
                if (line.contains(ProbeInitramfs.MARKER)) {
                    marker.set(true);
                }
            }, line -> log.line("qemu", line)));
            log.info("probe VM under " + this + ": " + (marker.get() ? "booted" : "no marker") + " after "
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
            return marker.get();
        } finally {
            Files.deleteIfExists(initramfs);
        }
    }

    static Path staticBusybox() throws IOException {
        for (String p : List.of("/bin/busybox", "/usr/bin/busybox")) {
            Path bb = Path.of(p);
            if (Files.isExecutable(bb) && isStatic(bb)) {
                return bb;
            }
        }
        throw new IOException("no static busybox for the probe VM: install the Debian package "
                + HostPackages.packageOf("busybox") + " (" + HostPrograms.SETUP_COMMAND + ")");
    }

    /** An ELF file without a program interpreter (PT_INTERP) runs without the host's libraries. */
    private static boolean isStatic(Path elf) throws IOException {
        byte[] b = Files.readAllBytes(elf);
        if (b.length < 64 || b[0] != 0x7f || b[1] != 'E' || b[4] != 2) {
            return false;
        }
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long phoff = buf.getLong(0x20);
        int phentsize = Short.toUnsignedInt(buf.getShort(0x36));
        int phnum = Short.toUnsignedInt(buf.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            if (at + 4 <= b.length && buf.getInt(at) == 3) {
                return false;
            }
        }
        return true;
    }
}
