package dev.kiln.machines.qemu;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * The smallest userland that proves a kernel booted: a gzipped cpio (newc) with a static busybox and an
 * {@code /init} that prints a marker line on the serial console and reboots at once (QEMU runs with
 * {@code -no-reboot}, so the reboot ends it).
 */
final class ProbeInitramfs {
    static final String MARKER = "kiln-probe: userland reached";

    private ProbeInitramfs() {
    }

    static final String INIT = """
            #!/bin/busybox sh
            /bin/busybox mount -t proc proc /proc
            echo "%s"
            /bin/busybox reboot -f
            """.formatted(MARKER);

    /** Writes the initramfs with the given static busybox binary. */
    static void write(Path busybox, Path target) throws IOException {
        byte[] bb = Files.readAllBytes(busybox);
        try (OutputStream file = Files.newOutputStream(target);
             GZIPOutputStream gz = new GZIPOutputStream(file);
             CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(gz, CpioConstants.FORMAT_NEW)) {
            directory(cpio, "bin");
            directory(cpio, "dev");
            directory(cpio, "proc");
            // Without /dev/console the kernel gives /init no stdout: nothing would reach the serial port.
            CpioArchiveEntry console = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, "dev/console");
            console.setMode(CpioConstants.C_ISCHR | 0600);
            console.setRemoteDeviceMaj(5);
            console.setRemoteDeviceMin(1);
            console.setNumberOfLinks(1);
            cpio.putArchiveEntry(console);
            cpio.closeArchiveEntry();
            file(cpio, "bin/busybox", bb, 0755);
            file(cpio, "init", INIT.getBytes(StandardCharsets.US_ASCII), 0755);
            cpio.finish();
        }
    }

    private static void directory(CpioArchiveOutputStream cpio, String name) throws IOException {
        CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name);
        e.setMode(CpioConstants.C_ISDIR | 0755);
        e.setNumberOfLinks(2);
        cpio.putArchiveEntry(e);
        cpio.closeArchiveEntry();
    }

    private static void file(CpioArchiveOutputStream cpio, String name, byte[] data, int mode) throws IOException {
        CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, data.length);
        e.setMode(CpioConstants.C_ISREG | mode);
        e.setNumberOfLinks(1);
        cpio.putArchiveEntry(e);
        cpio.write(data);
        cpio.closeArchiveEntry();
    }
}
