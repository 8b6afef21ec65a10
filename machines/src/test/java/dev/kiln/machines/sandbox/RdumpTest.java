package dev.kiln.machines.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RdumpTest {

    @Test
    void readsTheFolderListingsOfDebugfs() {
        List<Rdump.Entry> entries = Rdump.parseListings(List.of(
                "debugfs 1.47.0 (5-Feb-2023)",
                "debugfs: ls -p \"/\"",
                "/2/040755/0/0/.//",
                "/2/040755/0/0/..//",
                "/13/040755/0/0/my dir//",
                "",
                "debugfs: ls -p \"/bin\"",
                "/14/104755/0/0/busybox/1982256/",
                "/14/104755/0/0/hard/1982256/",
                "/15/120777/1000/100/sh/7/"));
        assertThat(entries).containsExactly(
                new Rdump.Entry("/", 13, 040755, 0, 0, "my dir"),
                new Rdump.Entry("/bin", 14, 0104755, 0, 0, "busybox"),
                new Rdump.Entry("/bin", 14, 0104755, 0, 0, "hard"),
                new Rdump.Entry("/bin", 15, 0120777, 1000, 100, "sh"));
        assertThat(entries.get(0).path()).isEqualTo("/my dir");
        assertThat(entries.get(1).path()).isEqualTo("/bin/busybox");
    }

    @Test
    void readsDeviceNumbersByPath() {
        assertThat(Rdump.parseDeviceNumbers(List.of(
                "debugfs: stat \"/dev/null\"",
                "Inode: 16   Type: character special    Mode:  0666   Flags: 0x0",
                "Device major/minor number: 01:03 (hex 01:03)",
                "debugfs: stat \"/dev/gone\"",
                "debugfs: stat \"/dev/nvme0n1\"",
                "Device major/minor number: 259:00 (hex 103:00)")))
                .containsOnly(java.util.Map.entry("/dev/null", "01:03"), java.util.Map.entry("/dev/nvme0n1", "259:00"));
    }
}
