package dev.kiln.machines.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeInitramfsTest {
    @TempDir
    Path dir;

    @Test
    void isAGzippedNewcCpioWithBusyboxInitAndConsole() throws Exception {
        Path busybox = dir.resolve("busybox");
        Files.write(busybox, new byte[] {1, 2, 3, 4, 5});
        Path out = dir.resolve("probe.cpio.gz");
        ProbeInitramfs.write(busybox, out);

        Map<String, CpioArchiveEntry> entries = new HashMap<>();
        Map<String, byte[]> data = new HashMap<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new GZIPInputStream(Files.newInputStream(out)))) {
            for (CpioArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), e);
                data.put(e.getName(), in.readAllBytes());
            }
        }
        assertThat(entries).containsKeys("bin", "dev", "proc", "dev/console", "bin/busybox", "init");
        CpioArchiveEntry console = entries.get("dev/console");
        assertThat(console.getMode() & 0170000).isEqualTo(0020000);
        assertThat(console.getRemoteDeviceMaj()).isEqualTo(5);
        assertThat(console.getRemoteDeviceMin()).isEqualTo(1);
        assertThat(data.get("bin/busybox")).containsExactly(1, 2, 3, 4, 5);
        assertThat(entries.get("init").getMode() & 0777).isEqualTo(0755);
        String init = new String(data.get("init"), StandardCharsets.US_ASCII);
        assertThat(init).startsWith("#!/bin/busybox sh\n").contains(ProbeInitramfs.MARKER, "reboot -f");
    }
}
